"""Column and value mapping in a real browser: an export the service cannot place -> the mapping page (axe-clean,
no sideways scroll at 320 px) -> preview -> unknown status mapped -> commit; the mapping is listed on the force's
uploads page and deleted after a confirmation. The same mapping journey with JavaScript switched off."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import expect, sign_in, summary_value, upload_file
from tests.support.files import MODULE_TITLES, P, roster, xlsx_bytes

pytestmark = pytest.mark.browser

HEADINGS = ["Learner ref", "Learner", "Programme", "Outcome", "Finished on"]


def platform_export(people: list[P]) -> bytes:
    rows = [[p.staff, f"{p.first} {p.last}", MODULE_TITLES[m], "Achieved", "14/05/2025"]
            for p in people for m in ("M1", "M2", "M3", "M4")]
    return xlsx_bytes(HEADINGS, rows, title_rows=["Learner outcomes report"])


def too_wide_at_320(page) -> list[str]:
    """The elements that stick out of a 320 px window (none when the page reflows without sideways scrolling)."""
    page.set_viewport_size({"width": 320, "height": 640})
    wide = page.evaluate("""() => document.documentElement.scrollWidth <= window.innerWidth ? [] :
        [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
            && !e.closest('.lms-table-wrap'))
        .map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))""")
    page.set_viewport_size({"width": 1280, "height": 900})
    return wide


def map_columns(page) -> None:
    page.get_by_label("Staff number (optional)").select_option("Learner ref")
    page.get_by_label("Course (needed)").select_option("Programme")
    page.get_by_label("Status (needed)").select_option("Outcome")
    page.get_by_label("Date completed (needed)").select_option("Finished on")
    page.get_by_role("button", name="Preview with these columns").click()


def test_lead_maps_an_unrecognised_export_and_an_unknown_status(page, live_server, journey):
    code = "cleveland"
    ava = P("CL01", "Ava", "Stone", "frontline", force=code)
    live_server.commit_import("roster", roster([ava]), "roster.csv", code)
    email = live_server.create_user("force_lead", force=code)
    steps = journey(page, "mapping")
    sign_in(page, email)

    upload_file(page, "College Learn completion export", "outcomes.xlsx", platform_export([ava]))
    page.wait_for_url(re.compile(r"/imports/\d+/columns$"))
    expect(page.get_by_role("heading", level=1, name="Say which column is which")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose which heading of your file is the Course")
    expect(page.locator(".govuk-inset-text")).to_contain_text("no Course column")
    expect(page.locator("#file-headings")).to_contain_text("Achieved")
    steps.check("columns")
    assert too_wide_at_320(page) == []

    map_columns(page)
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    expect(page.get_by_role("heading", level=1, name="Check what this file will change")).to_be_visible()
    assert summary_value(page, "New completions") == "0 modules newly completed"
    expect(page.locator("#unknown-values")).to_be_visible()
    steps.check("preview-unknown-values")
    assert too_wide_at_320(page) == []
    page.get_by_role("group", name=re.compile("Achieved")).get_by_label("Complete", exact=True).check()
    page.get_by_role("button", name="Save and update the preview").click()
    expect(page.locator("#unknown-values")).to_have_count(0)
    assert summary_value(page, "New completions") == "4 modules newly completed"
    page.get_by_role("button", name="Commit this file").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("committed")
    assert live_server.force_api(code)["elearning"]["complete"] == 1

    page.goto(f"/forces/{code}/imports")
    expect(page.locator("#column-mappings")).to_contain_text("Course ← Programme")
    expect(page.locator("#value-mappings")).to_contain_text("Achieved")
    steps.check("uploads-with-mappings")
    assert too_wide_at_320(page) == []
    page.locator("#column-mappings").get_by_role("link", name=re.compile("Delete")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("delete this column mapping")
    steps.check("delete-mapping")
    page.get_by_role("button", name="Delete").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Column mapping deleted")
    expect(page.locator("#column-mappings")).to_have_count(0)


def test_mapping_works_without_javascript(nojs_page, live_server, journey):
    page = nojs_page
    code = "lancashire"
    finn = P("DU01", "Finn", "Cole", "frontline", force=code)
    live_server.commit_import("roster", roster([finn]), "roster.csv", code)
    email = live_server.create_user("force_lead", force=code)
    steps = journey(page, "mapping-no-js", javascript=False)
    sign_in(page, email)
    upload_file(page, "College Learn completion export", "outcomes.xlsx", platform_export([finn]))
    page.wait_for_url(re.compile(r"/imports/\d+/columns$"))
    assert page.locator("body.js-enabled").count() == 0
    steps.check("columns")
    map_columns(page)
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    page.get_by_role("group", name=re.compile("Achieved")).get_by_label("Complete", exact=True).check()
    page.get_by_role("button", name="Save and update the preview").click()
    assert summary_value(page, "New completions") == "4 modules newly completed"
    page.get_by_role("button", name="Commit this file").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("committed")
    assert live_server.force_api(code)["elearning"]["complete"] == 1
