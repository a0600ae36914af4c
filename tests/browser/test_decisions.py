"""The unmatched page's roster search in a real browser: GOV.UK accessible-autocomplete with JavaScript (axe clean,
no CSP or console errors), the search form without it; the decisions page and undo.

With LMS_DOCS_SCREENSHOTS=1 the pages are also saved as docs/screenshots/unmatched.png and decisions.png (the
README's training-lead guide shows them)."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest

from tests.support.browser import REPO, VIEWPORT, expect, sign_in
from tests.support.files import P, all_modules, learning, roster

pytestmark = pytest.mark.browser

CODE = "norfolk"
DAY = date(2025, 6, 2)
PEOPLE = [P("N001", "Ava", "Stone", force=CODE), P("N002", "Ben", "Marsh", "investigator", "CID", force=CODE),
          P("N003", "Cara", "Lind", force=CODE), P("N004", "Dana", "Whitlock", "frontline", "Custody", force=CODE),
          P("N005", "Eli", "Okafor", force=CODE)]
LEARNERS = [P("X201", "Avaa", "Stonne", force=CODE, mail="a.stonne@college.invalid"),
            P("X202", "Zed", "Quinn", force=CODE, mail="zq@college.invalid"),
            P("X203", "Benn", "Marshe", force=CODE, mail="b.marshe@college.invalid"),
            P("X204", "Unknown", "Visitor", force=CODE, mail="visitor@college.invalid")]


def docs_screenshot(page, name: str) -> None:
    if os.environ.get("LMS_DOCS_SCREENSHOTS"):
        page.screenshot(path=str(REPO / "docs" / "screenshots" / name), full_page=True)


@pytest.fixture(scope="module")
def norfolk(live_server):
    live_server.commit_import("roster", roster(PEOPLE), "norfolk-roster.csv", CODE)
    export = learning([e for p in LEARNERS for e in all_modules(p, DAY)])
    live_server.commit_import("college-learn", export, "norfolk-college-learn.xlsx", CODE)
    return live_server.create_user("force_lead", force=CODE)


def fits_a_phone(page, path: str) -> None:
    """At 320 px the page reflows: no sideways scrolling (WCAG 2.2 1.4.10)."""
    page.set_viewport_size({"width": 320, "height": 800})
    try:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide at 320 px"
    finally:
        page.set_viewport_size(VIEWPORT)


def learner_block(page, name: str):
    return page.locator("[id^='learner-']").filter(has=page.locator("legend", has_text=name))


def test_the_autocomplete_finds_a_roster_person_and_the_decision_can_be_undone(page, live_server, norfolk, journey):
    steps = journey(page, "decisions")
    sign_in(page, norfolk)
    page.goto(f"/forces/{CODE}/unmatched")
    expect(page.get_by_role("heading", level=1, name="Unmatched records")).to_be_visible()
    zed = learner_block(page, "Zed Quinn")
    search = zed.get_by_role("combobox", name="Someone else? Search your whole roster")
    expect(search).to_be_visible()  # the autocomplete replaced the plain field...
    assert zed.get_by_role("button", name="Search the roster").count() == 0  # ...and its button
    steps.check("unmatched-with-autocomplete")

    search.press_sequentially("whitl")
    option = zed.get_by_role("option", name=re.compile(r"Dana Whitlock \(N004\)"))
    expect(option).to_be_visible()
    steps.check("autocomplete-open")
    docs_screenshot(page, "unmatched.png")
    option.click()
    chosen = zed.get_by_label(re.compile(r"Dana Whitlock \(N004\)"))
    expect(chosen).to_be_checked()
    steps.check("autocomplete-chosen")
    zed.get_by_role("button", name=re.compile("Save decision")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Matched 4 records")
    assert learner_block(page, "Zed Quinn").count() == 0
    figures = live_server.force_api(CODE)
    assert figures["elearning"]["complete"] == 1

    # A second decision, so the decisions page shows both kinds.
    learner_block(page, "Unknown Visitor").get_by_label(re.compile("dismiss these records")).check()
    learner_block(page, "Unknown Visitor").get_by_role("button", name=re.compile("Save decision")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Dismissed 4 records")

    page.get_by_role("link", name=re.compile(r"Decisions made for")).click()
    expect(page.get_by_role("heading", level=1, name="Decisions about unmatched learners")).to_be_visible()
    cards = page.locator(".govuk-summary-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Unknown Visitor")  # newest first
    expect(cards.nth(1)).to_contain_text("Dana Whitlock")
    expect(cards.nth(1)).to_contain_text("norfolk-college-learn.xlsx")
    steps.check("decisions")
    docs_screenshot(page, "decisions.png")
    for path in (f"/forces/{CODE}/decisions", f"/forces/{CODE}/unmatched", f"/forces/{CODE}/unmatched/accept-all"):
        fits_a_phone(page, path)
    page.goto(f"/forces/{CODE}/unmatched/accept-all?minimum=85")
    expect(page.locator("#accept-table tbody tr")).to_have_count(2)  # Avaa Stonne and Benn Marshe; nobody else
    steps.check("accept-all")
    page.goto(f"/forces/{CODE}/decisions")

    cards.nth(1).get_by_role("link", name=re.compile("Undo")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Are you sure you want to undo the decision about Zed")
    steps.check("undo-confirm")
    page.get_by_role("button", name="Undo the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("back in the unmatched queue")
    expect(page.locator(".govuk-summary-card")).to_have_count(1)
    assert live_server.force_api(CODE)["elearning"]["complete"] == 0
    page.goto(f"/forces/{CODE}/unmatched")
    expect(learner_block(page, "Zed Quinn")).to_have_count(1)
    steps.check("back-in-queue")


def test_without_javascript_the_search_lists_people_as_radios(nojs_page, live_server, norfolk, journey):
    page = nojs_page
    steps = journey(page, "decisions-no-js", javascript=False)
    sign_in(page, norfolk)
    page.goto(f"/forces/{CODE}/unmatched")
    block = learner_block(page, "Benn Marshe")
    block.get_by_label("Someone else? Search your whole roster").fill("okafor")
    block.get_by_role("button", name="Search the roster").click()
    page.wait_for_url(re.compile(r"[?&]q=okafor"))
    block = learner_block(page, "Benn Marshe")
    expect(block).to_contain_text("1 other person on your roster matches")
    steps.check("search-results")
    block.get_by_label(re.compile(r"Eli Okafor \(N005\)")).check()
    block.get_by_role("button", name=re.compile("Save decision")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Matched 4 records")
    steps.check("matched")
    # Nothing chosen: the error summary names the learner and links to their question.
    page.goto(f"/forces/{CODE}/unmatched")
    learner_block(page, "Avaa Stonne").get_by_role("button", name=re.compile("Save decision")).click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose a person for Avaa Stonne, or dismiss their records")
    summary.get_by_role("link").click()
    steps.check("error")
