"""A force training lead in a real browser: roster, College Learn export and Hydra register uploaded, previewed and
committed; the force's figures change; an unmatched learner is resolved; a batch is rolled back. And the same
upload → preview → commit journey with JavaScript switched off."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.support.browser import expect, sign_in, summary_value, upload_file
from tests.support.files import P, all_modules, hydra, learning, roster

pytestmark = pytest.mark.browser

DAY = date(2025, 6, 1)


def figures_row(page, label: str) -> str:
    """The value of a row in the force page's "Position" list (#figures), by how its key starts."""
    row = page.locator("#figures .govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(label)}")))
    return " ".join(row.first.locator(".govuk-summary-list__value").inner_text().split())


def assert_figures(page, live_server, code: str, elearning: tuple[int, int], hydra_: tuple[int, int],
                   overall: tuple[int, int]) -> None:
    """The force page shows "n of m" for each package, and the API's figures agree."""
    for label, (done, relevant) in (("E-learning", elearning), ("Hydra", hydra_), ("Overall", overall)):
        text = figures_row(page, label)
        assert f"{done} of {relevant}" in text, f"{label}: expected {done} of {relevant}, page shows {text!r}"
    entry = live_server.force_api(code)
    assert (entry["elearning"]["complete"], entry["elearning"]["relevant"]) == elearning
    assert (entry["hydra"]["complete"], entry["hydra"]["relevant"]) == hydra_
    assert (entry["overall"]["complete"], entry["overall"]["relevant"]) == overall


def batch_id_of(page) -> int:
    return int(re.search(r"/imports/(\d+)", page.url).group(1))


def commit_preview(page) -> None:
    page.get_by_role("button", name="Commit this file").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("committed")  # same address: wait for the page


def test_force_lead_uploads_commits_resolves_and_rolls_back(page, live_server, journey):
    code = "cumbria"
    ava, ben, cara, dev = (P("C001", "Ava", "Stone", "frontline", force=code),
                           P("C002", "Ben", "Marsh", "investigator", "CID", force=code),
                           P("C003", "Cara", "Lind", "manager", "Command", force=code),
                           P("C004", "Dev", "Patel", "frontline", force=code))
    stranger = P("C999", "Avaa", "Stonne", force=code, mail="a.stonne@elsewhere.invalid")  # a typo of Ava Stone
    email = live_server.create_user("force_lead", force=code)
    steps = journey(page, "force-lead")

    sign_in(page, email)
    steps.check("dashboard")
    page.goto(f"/forces/{code}")
    expect(page.get_by_role("heading", level=1, name="Cumbria Constabulary")).to_be_visible()
    assert "no roster" in figures_row(page, "National rank").lower()
    steps.check("force-page-empty")

    # Roster: four people, three must do the e-learning, two Hydra.
    page.get_by_role("link", name="Upload", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Upload a file")).to_be_visible()
    # A lead uploads for their own force only: it is named, not offered as a one-option select.
    expect(page.locator("#force-name")).to_have_text("Cumbria Constabulary")
    assert page.locator("select[name=force]").count() == 0
    steps.check("upload-form")
    # No file chosen: the GOV.UK error summary, with the focus moved to it.
    page.get_by_label("Roster of relevant personnel").check()
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a .xlsx or .csv file")
    page.wait_for_function("document.activeElement && document.activeElement.closest('.govuk-error-summary')")
    expect(page).to_have_title(re.compile(r"^Error: "))
    steps.check("upload-error")
    upload_file(page, "Roster of relevant personnel", "cumbria-roster.csv", roster([ava, ben, cara, dev]))
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    expect(page.get_by_role("heading", level=1, name="Check what this file will change")).to_be_visible()
    assert summary_value(page, "Rows read") == "4"
    assert summary_value(page, "People added") == "4 people"
    assert summary_value(page, "Leavers") == "0 leavers"
    steps.check("roster-preview")
    assert live_server.force_api(code)["overall"]["relevant"] == 0  # a preview changes nothing
    commit_preview(page)
    assert "committed" in page.locator(".govuk-notification-banner").inner_text()
    steps.check("roster-committed")

    # College Learn: Ben and Dev complete; the stranger matches nobody; one completion has no date (a row error).
    export = learning(all_modules(ben, DAY) + all_modules(dev, DAY) + all_modules(stranger, DAY)
                      + [(ava, "M1", "Completed", None)], other_courses=2)
    upload_file(page, "College Learn completion export", "cumbria-college-learn.xlsx", export)
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    learn_batch = batch_id_of(page)
    expect(page.get_by_role("heading", level=1, name="Check what this file will change")).to_be_visible()
    assert summary_value(page, "Matched to people") == "8 records, 2 people"
    assert summary_value(page, "Not matched (waiting for you)") == "4 records"
    assert summary_value(page, "Rows for other courses (skipped)") == "2"
    errors = page.locator("#row-errors tbody tr")
    assert errors.count() == 1 and "no date" in errors.first.inner_text().lower()
    steps.check("college-learn-preview")
    commit_preview(page)
    steps.check("college-learn-committed")

    # Hydra: Ben attended; Cara did not.
    register = hydra([(ben, DAY, "Attended"), (cara, DAY, "Did not attend")], force_name="Cumbria Constabulary")
    upload_file(page, "Hydra attendance register", "cumbria-hydra.csv", register)
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    expect(page.get_by_role("heading", level=1, name="Check what this file will change")).to_be_visible()
    assert summary_value(page, "Matched to people") == "2 records, 2 people"
    steps.check("hydra-preview")
    commit_preview(page)
    steps.check("hydra-committed")

    # The figures have moved: Ben and Dev have done all theirs; Ava's records wait in the unmatched queue.
    page.get_by_role("link", name="My force").click()
    page.wait_for_url(re.compile(rf"/forces/{code}$"))
    assert_figures(page, live_server, code, elearning=(2, 3), hydra_=(1, 2), overall=(2, 4))
    assert figures_row(page, "Unmatched records").startswith("4 ")
    # Charts are images with a name, and the same figures are in tables beside them.
    charts = page.locator("svg[role='img']")
    assert charts.count() >= 2
    for i in range(charts.count()):
        assert charts.nth(i).evaluate("svg => svg.getAttribute('aria-labelledby').split(' ').map(id => "
                                      "document.getElementById(id).textContent).join(' ').trim()")
    assert "2 of 3" in " ".join(page.locator("#module-table tbody").inner_text().split())
    steps.check("force-page-after-uploads")

    # Resolve: the typo'd learner is Ava Stone.
    page.goto(f"/forces/{code}/unmatched")
    expect(page.get_by_role("heading", level=1, name="Unmatched records")).to_be_visible()
    form = page.locator("main form").filter(has_text="Avaa Stonne")
    steps.check("unmatched-queue")
    form.get_by_label(re.compile(r"Ava Stone \(C001\)")).check()
    form.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Matched 4 records")
    steps.check("unmatched-resolved")
    page.goto(f"/forces/{code}")
    assert_figures(page, live_server, code, elearning=(3, 3), hydra_=(1, 2), overall=(3, 4))
    steps.check("force-page-after-matching")

    # Roll back the College Learn batch: everyone's e-learning goes, Hydra stays.
    page.goto(f"/imports/{learn_batch}")
    page.get_by_role("link", name="Roll back this batch").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"Are you sure.*roll back"))).to_be_visible()
    steps.check("rollback-confirm")
    page.get_by_role("button", name="Roll back").click()
    page.wait_for_url(re.compile(rf"/imports/{learn_batch}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("rolled back")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("rolled back")
    steps.check("rolled-back")
    page.goto(f"/forces/{code}")
    assert_figures(page, live_server, code, elearning=(0, 3), hydra_=(1, 2), overall=(0, 4))
    steps.check("force-page-after-rollback")

    page.goto(f"/forces/{code}/imports")
    history = page.locator("main table")
    assert history.count() == 1 and "cumbria-college-learn.xlsx" in history.inner_text()
    steps.check("upload-history")


def test_upload_preview_commit_without_javascript(nojs_page, live_server, journey):
    """GOV.UK progressive enhancement: every step works with scripts off (the same pages pass axe above)."""
    page = nojs_page
    code = "durham"
    people = [P("D001", "Eve", "Hart", force=code), P("D002", "Finn", "Cole", "investigator", force=code)]
    email = live_server.create_user("force_lead", force=code)
    steps = journey(page, "no-js", javascript=False)

    sign_in(page, email)
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    steps.check("dashboard")
    page.goto("/upload")
    assert page.locator("body.js-enabled").count() == 0  # scripts really are off
    steps.check("upload-form")

    # A mistake first: no file chosen. The error summary and the inline error need no script.
    page.get_by_label("Roster of relevant personnel").check()
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a .xlsx or .csv file")
    steps.check("upload-error")

    upload_file(page, "Roster of relevant personnel", "durham-roster.csv", roster(people))
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    expect(page.get_by_role("heading", level=1, name="Check what this file will change")).to_be_visible()
    assert summary_value(page, "People added") == "2 people"
    steps.check("roster-preview")
    commit_preview(page)
    steps.check("roster-committed")

    upload_file(page, "College Learn completion export", "durham-college-learn.xlsx",
                learning(all_modules(people[0], DAY)))
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    assert summary_value(page, "New completions") == "4 modules newly completed"
    steps.check("college-learn-preview")
    commit_preview(page)
    steps.check("college-learn-committed")

    page.goto(f"/forces/{code}")
    assert_figures(page, live_server, code, elearning=(1, 2), hydra_=(0, 1), overall=(1, 2))
    steps.check("force-page")

    # Rolling back is a plain form too.
    page.goto("/forces/durham/imports")
    page.locator("main table a").first.click()
    page.get_by_role("link", name="Roll back this batch").click()
    page.get_by_role("button", name="Roll back").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("rolled back")
    steps.check("rolled-back")

    page.get_by_role("link", name="Sign out").click()
    page.locator("main").get_by_role("button", name="Sign out").click()
    expect(page.locator("main")).to_contain_text("You have been signed out")
    steps.check("signed-out")
