"""Long imports in the browser: a 100,000-row College Learn export is read in the background, the page shows its
progress (polling the JSON endpoint with JavaScript, a meta refresh without) and opens the preview when ready."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from openpyxl import Workbook

from tests.support.browser import new_context, sign_in, summary_value, upload_file, watched_page
from tests.support.files import LEARN_HEADERS, MODULE_TITLES, P, csv_bytes, roster

pytestmark = pytest.mark.browser

CODE = "west-midlands"
PEOPLE = 5_000
ROWS = 100_000
OTHER_COURSE_EVERY = 5  # every fifth row is another course: skipped and counted, not an error
STRANGERS = 200  # learners not on the roster: unmatched
TITLES = [*MODULE_TITLES.values()]
PREVIEW = "Check what this file will change"
PROCESSING = "Reading your file"


def number(text: str) -> int:
    """The first number in a summary value ("6,000 records, 1,200 people" -> 6000)."""
    return int(re.search(r"\d[\d,]*", text).group(0).replace(",", ""))


def make_export(path) -> None:
    """100,000 long-shape rows for 5,200 learners, with openpyxl's write-only workbook. Four columns only: openpyxl
    writes about 10,000 cells a second here, and staff numbers are enough to match."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Course completions")
    ws.append(["Staff number", "Course", "Status", "Date completed"])
    start = date(2024, 1, 1)
    for n in range(ROWS):
        i = (n * 7919) % (PEOPLE + STRANGERS)
        course = "Fire safety awareness" if n % OTHER_COURSE_EVERY == 0 else TITLES[n % 4]
        ws.append([f"W{i:05}", course, "Completed", (start + timedelta(days=n % 500)).strftime("%d/%m/%Y")])
    wb.save(path)


@pytest.fixture(scope="module")
def force_roster(live_server):
    people = [P(f"W{i:05}", f"Fore{i}", f"Sur{i}", "investigator" if i % 3 == 0 else "frontline", force=CODE)
              for i in range(PEOPLE)]
    live_server.commit_import("roster", roster(people), "west-midlands-roster.csv", CODE)
    return people


@pytest.fixture(scope="module")
def big_export(force_roster, tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "college-learn-100k.xlsx"
    make_export(path)
    return path


def test_a_100k_row_import_shows_progress_and_opens_its_preview(page, live_server, journey, big_export):
    email = live_server.create_user("force_lead", force=CODE)
    steps = journey(page, "progress-100k")
    polled: list[dict] = []

    def record(route):  # read each progress answer on its way to the page (a handler may lose it to navigation)
        response = route.fetch()
        polled.append(response.json())
        route.fulfill(response=response)

    page.route(re.compile(r"/imports/\d+/progress$"), record)
    sign_in(page, email)

    started = time.monotonic()
    upload_file(page, "College Learn completion export", big_export.name, path=big_export)
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    # The upload returns at once: the file is read in the background and this page says how far it has got.
    assert page.get_by_role("heading", level=1).inner_text() == PROCESSING
    assert page.locator("progress#progress").count() == 1
    assert page.get_by_label("Progress").count() == 1
    steps.check("processing", axe=False)  # the page replaces itself when ready: axe runs on a held batch below

    page.get_by_role("heading", level=1, name=PREVIEW).wait_for(timeout=120_000)
    elapsed = time.monotonic() - started
    assert polled, "the page never polled its progress endpoint"
    assert any(p["status"] == "processing" for p in polled)
    assert polled[-1]["ready"] and polled[-1]["status"] == "preview"
    done = [p["done"] for p in polled]
    assert done == sorted(done) and all(p["done"] <= p["total"] or not p["total"] for p in polled)
    print(f"100,000 rows previewed {elapsed:.1f}s after the upload; progress polled: "
          + ", ".join(f"{p['done']}/{p['total']} {p['status']}" for p in polled))

    assert number(summary_value(page, "Rows read")) == ROWS
    assert number(summary_value(page, "Rows for other courses (skipped)")) == ROWS // OTHER_COURSE_EVERY
    matched = number(summary_value(page, "Matched to people"))
    unmatched = number(summary_value(page, "Not matched (waiting for you)"))
    assert matched + unmatched == ROWS - ROWS // OTHER_COURSE_EVERY and 0 < unmatched < matched
    steps.check("preview")


def test_progress_page_polls_or_refreshes_then_opens_the_preview(browser, page, live_server, journey, force_roster):
    """A batch held in "processing" (no worker yet), so every state of the page can be checked: with JavaScript the
    bar follows the JSON endpoint without reloading; without it the meta refresh shows the same figures."""
    email = live_server.create_user("force_lead", force=CODE)
    rows = [[p.staff, p.email, p.first, p.last, "West Midlands Police", TITLES[k], "Completed", "01/06/2025"]
            for p in force_roster[:1500] for k in range(4)]
    data = csv_bytes(LEARN_HEADERS, rows)  # 6,000 rows, over the size that is read in the background
    batch_id = live_server.hold_background_preview("college-learn", data, "held-export.csv", CODE, email)
    url = f"/imports/{batch_id}"

    steps = journey(page, "progress-js")
    sign_in(page, email)
    page.goto(url)
    assert page.get_by_role("heading", level=1).inner_text() == PROCESSING
    assert page.locator("[data-progress-text]").inner_text() == "Opening the file"
    steps.check("opening")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)

    nojs_context = new_context(browser, live_server, javascript=False)
    try:
        nojs = watched_page(nojs_context, live_server.url)
        nojs_steps = journey(nojs, "progress-no-js", javascript=False)
        sign_in(nojs, email)
        nojs.goto(url)
        assert nojs.locator("meta[http-equiv='refresh']").count() == 1
        nojs_steps.check("opening")

        # run_import reports reading as the first half of the bar and matching as the second: 6,000 rows -> 12,000.
        live_server.set_progress(batch_id, 2_000, 12_000)
        page.wait_for_function(
            """() => { const bar = document.querySelector('[data-progress-bar]');
                       return bar.value === 2000 && bar.max === 12000; }""", timeout=10_000)
        assert page.locator("[data-progress-text]").inner_text() == "Read 2,000 of 6,000 rows"
        assert navigations == [], "with JavaScript the bar moves without reloading the page"
        steps.check("read-2000")
        nojs.get_by_text("Read 2,000 of 6,000 rows").wait_for(timeout=10_000)  # after a meta refresh
        assert nojs.locator("progress#progress").get_attribute("value") == "2000"
        nojs_steps.check("read-2000")

        live_server.release_background_preview(batch_id)
        page.get_by_role("heading", level=1, name=PREVIEW).wait_for(timeout=30_000)
        assert number(summary_value(page, "Rows read")) == 6_000
        assert number(summary_value(page, "Matched to people")) == 6_000
        steps.check("preview")
        nojs.get_by_role("heading", level=1, name=PREVIEW).wait_for(timeout=30_000)
        assert number(summary_value(nojs, "Rows read")) == 6_000
        nojs_steps.check("preview")
    finally:
        nojs_context.close()
