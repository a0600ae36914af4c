"""An admin changes the due-date settings through the check-your-answers step; a force lead reads who is overdue.
Real browser, axe on every page, no sideways scroll at 320 px."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.support.browser import expect, sign_in
from tests.support.files import P, all_modules, learning, roster

pytestmark = pytest.mark.browser


def reflows(page) -> bool:
    page.set_viewport_size({"width": 320, "height": 640})
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    return fits


@pytest.fixture(scope="module")
def northumbria(live_server):
    """Northumbria: one of two people did the e-learning in January 2026; a third joins on a later roster."""
    people = [P("NB001", "Ari", "Example", force="northumbria"), P("NB002", "Bo", "Sample", force="northumbria")]
    live_server.commit_import("roster", roster(people), "nb-roster.csv", "northumbria")
    live_server.commit_import("college-learn", learning(all_modules(people[0], date(2026, 1, 12))), "nb-cl.xlsx",
                              "northumbria")
    joiner = P("NB003", "Cy", "Placeholder", force="northumbria")
    live_server.commit_import("roster", roster([*people, joiner]), "nb-roster-2.csv", "northumbria")


def test_admin_previews_and_saves_due_date_settings(page, live_server, journey, northumbria):
    email = live_server.create_user("admin")
    steps = journey(page, "due-dates")
    sign_in(page, email)
    page.goto("/admin")
    page.get_by_role("link", name="Due dates").click()
    expect(page.get_by_role("heading", level=1, name="Due dates")).to_be_visible()
    assert reflows(page), "the due-date settings page scrolls sideways at 320 px"
    steps.check("settings")

    page.get_by_label("Grace period for joiners, in days").fill("ninety")
    page.get_by_role("button", name="Continue").click()
    page.locator(".govuk-error-summary").wait_for()
    expect(page.locator(".govuk-error-summary")).to_contain_text("whole number of days")
    steps.check("settings-error")

    page.get_by_label("Grace period for joiners, in days").fill("90")
    page.get_by_label("How long an e-learning completion counts, in months").fill("6")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="Check the due-date settings")).to_be_visible()
    changes = " ".join(page.locator("#changes").inner_text().split())
    assert "Northumbria Police: would change e-learning from 33.3% to 0.0%" in changes, changes
    assert reflows(page), "the check page scrolls sideways at 320 px"
    steps.check("check")

    page.get_by_role("button", name="Save these settings").click()
    page.wait_for_url(re.compile(r"/admin/due-dates$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Due-date settings saved")
    steps.check("saved")
    # Put the settings back for the other browser tests sharing this server.
    page.get_by_label("How long an e-learning completion counts, in months").fill("")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Save these settings").click()
    page.wait_for_url(re.compile(r"/admin/due-dates$"))


def test_force_lead_sees_who_is_overdue_and_who_is_not_yet_due(page, live_server, journey, northumbria):
    email = live_server.create_user("force_lead", force="northumbria")
    steps = journey(page, "due-dates-lead")
    sign_in(page, email)
    page.goto("/forces/northumbria")
    figures = " ".join(page.locator("#due").inner_text().split())
    assert "1 overdue, 1 not yet due" in figures, figures
    steps.check("force-page")
    page.get_by_role("link", name="See who is overdue").click()
    table = page.locator("#people")
    expect(table).to_contain_text("Sample, Bo")
    expect(table).not_to_contain_text("Placeholder, Cy")
    assert reflows(page), "the people page scrolls sideways at 320 px"
    steps.check("people-overdue")
    page.get_by_label(re.compile("Not yet due")).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(table).to_contain_text("Placeholder, Cy")
    expect(table).to_contain_text(re.compile(r"due \d+ \w+ 20\d\d"))
    steps.check("people-not-yet-due")
