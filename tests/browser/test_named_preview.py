"""The named preview in a real browser: who a roster adds, makes leavers and updates (old → new), a College Learn
export's name matches and unmatched learners, the effect on the figures; axe clean, no sideways scroll at 320 px,
the lists paged and downloadable.

With LMS_DOCS_SCREENSHOTS=1 the pages are also saved as docs/screenshots/preview-named.png and upload-preview.png
(the README's training-lead guide shows them)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from tests.support.browser import REPO, expect, sign_in, summary_value, upload_file
from tests.support.files import ROSTER_HEADERS, P, all_modules, csv_bytes, learning

pytestmark = pytest.mark.browser

CODE = "suffolk"
DAY = date(2025, 6, 2)
PEOPLE = [P("F001", "Ava", "Stone", force=CODE), P("F002", "Ben", "Marsh", "investigator", "CID", force=CODE),
          P("F003", "Cara", "Lind", force=CODE), P("F004", "Dana", "Whitlock", "frontline", "Custody", force=CODE),
          P("F005", "Eli", "Okafor", "manager", force=CODE)]
JOINERS = [P("F006", "Faye", "Burton", force=CODE), P("F007", "Gil", "Moran", "investigator", "CID", force=CODE)]


def docs_screenshot(page, name: str) -> None:
    if os.environ.get("LMS_DOCS_SCREENSHOTS"):
        page.screenshot(path=str(REPO / "docs" / "screenshots" / name), full_page=True)


def roster_with(rows: list[tuple[P, str]]) -> bytes:
    return csv_bytes(ROSTER_HEADERS, [[p.staff, p.first, p.last, p.email, rank, "Officer", p.department, p.category]
                                      for p, rank in rows])


@pytest.fixture(scope="module")
def suffolk(live_server):
    live_server.commit_import("roster", roster_with([(p, "Constable") for p in PEOPLE]), "suffolk-roster.csv", CODE)
    live_server.commit_import("college-learn", learning(all_modules(PEOPLE[0], DAY)), "suffolk-earlier.xlsx", CODE)
    # A neighbour a quarter done, so the national rank has something to move past.
    lincs = [P(f"L00{i}", first, "Hale", force="lincolnshire") for i, first in enumerate(("Ann", "Bea", "Cy", "Di"))]
    live_server.commit_import("roster", roster_with([(p, "Constable") for p in lincs]), "lincs.csv", "lincolnshire")
    live_server.commit_import("college-learn", learning(all_modules(lincs[0], DAY)), "lincs.xlsx", "lincolnshire")
    return live_server.create_user("force_lead", force=CODE)


def too_wide(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_roster_preview_names_people_and_shows_the_effect(page, live_server, suffolk, journey):
    steps = journey(page, "named-preview")
    sign_in(page, suffolk)
    # Ben is promoted, Dana moves department, Eli leaves, two joiners arrive.
    promoted = P("F002", "Ben", "Marsh", "investigator", "Major Crime", force=CODE)
    new_roster = roster_with([(PEOPLE[0], "Constable"), (promoted, "Sergeant"), (PEOPLE[2], "Constable"),
                              (P("F004", "Dana", "Whitlock", "frontline", "Response", force=CODE), "Constable"),
                              *[(j, "Constable") for j in JOINERS]])
    upload_file(page, "Roster of relevant personnel", "suffolk-roster-december.csv", new_roster)
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    expect(page.get_by_role("heading", level=1, name="Check what this file will change")).to_be_visible()
    assert summary_value(page, "People added") == "2 people"
    assert summary_value(page, "Leavers") == "1 leaver"
    expect(page.locator("#effect")).to_contain_text("Suffolk Constabulary: overall 20.0% → 16.7%")
    updated = page.locator("#list-updated")
    expect(updated).to_contain_text("Rank: Constable → Sergeant")
    expect(updated).to_contain_text("Department: CID → Major Crime")
    expect(page.locator("#list-leavers")).to_contain_text("Eli Okafor")
    expect(page.locator("#list-added")).to_contain_text("Faye Burton")
    steps.check("roster-preview")
    docs_screenshot(page, "preview-named.png")

    with page.expect_download() as download:
        page.locator("#list-updated").get_by_role("link", name=re.compile("Download this list")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Ben Marsh,F002" in text and "Rank: Constable → Sergeant" in text

    page.set_viewport_size({"width": 320, "height": 800})
    assert too_wide(page) <= 0
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Commit this file").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 people added, 2 people updated, 1 leaver")


def test_a_college_learn_preview_flags_name_matches_and_says_what_it_does(page, live_server, suffolk, journey):
    steps = journey(page, "named-preview-learning")
    sign_in(page, suffolk)
    by_name = P("", "Cara", "Lind", force=CODE, mail="cara.lind@college.invalid")  # no staff number: by name
    stranger = P("X301", "Zed", "Quinn", force=CODE, mail="zq@college.invalid")
    export = learning([*all_modules(PEOPLE[0], DAY), *all_modules(by_name, DAY), *all_modules(stranger, DAY),
                       (PEOPLE[3], "M1", "Completed", None), (PEOPLE[3], "M2", "Completed", date(2019, 5, 1)),
                       (PEOPLE[3], "M3", "Completed", date(2031, 1, 1))], other_courses=2)
    upload_file(page, "College Learn completion export", "suffolk-college-learn.xlsx", export)
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    assert summary_value(page, "Rows read") == "17"
    assert summary_value(page, "Rows for other courses (skipped)") == "2"
    assert summary_value(page, "Matched to people") == "8 records, 2 people"
    assert summary_value(page, "New completions") == "4 modules newly completed"  # Ava's were counted before
    assert summary_value(page, "Not matched (waiting for you)") == "4 records"
    flagged = page.locator("#list-by_name")
    expect(flagged).to_contain_text("cara.lind@college.invalid")
    expect(flagged).to_contain_text("F003")
    expect(page.locator("#list-unmatched")).to_contain_text("Zed Quinn")
    expect(page.locator("#effect-headline")).to_contain_text("Suffolk Constabulary: overall 16.7% → 33.3%")
    assert page.locator("#row-errors tbody tr").count() == 3
    steps.check("college-learn-preview")
    docs_screenshot(page, "upload-preview.png")
    page.set_viewport_size({"width": 320, "height": 800})
    assert too_wide(page) <= 0
