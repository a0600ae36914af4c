"""The admin's logs in a real browser: the audit log, the email log and the email preview at 320 px and 1280 px with
no sideways page scroll and no axe violations; the filters and paging working without JavaScript; the CSVs
downloaded from the page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest

from tests.support.browser import expect, format_violations, run_axe, sign_in
from tests.support.files import P, all_modules, learning, roster

pytestmark = pytest.mark.browser

DAY = date(2025, 6, 1)
# A force no other browser test uses: the live server is shared by the whole browser suite, so the counts below
# are filtered to it.
CODE = "west-yorkshire"
PEOPLE = [P(f"K{i:03}", f"Forename{i}", f"Surname{i}", "investigator", force=CODE) for i in range(3)]


@pytest.fixture(scope="module")
def logs(live_server):
    """West Yorkshire with a roster and an export (real audit events), 70 made-up events and 60 emails: two pages
    of each."""
    from lms.audit.service import record
    from lms.emails import common as email_common
    from lms.extensions import db
    from lms.forces.service import get_force
    from lms.models import EmailLog

    live_server.commit_import("roster", roster(PEOPLE), "wy-roster.csv", CODE)
    live_server.commit_import("college-learn", learning(all_modules(PEOPLE[0], DAY)), "wy-export.xlsx", CODE)
    with live_server.app.app_context():
        force = get_force(CODE)
        for n in range(70):
            event = record("force.updated", None, actor="someone.with.a.long.address@example.invalid",
                           force_id=force.id, target=CODE, changed=["chief_email", "personal_reminders"])
            event.at = datetime(2026, 7, 1, 9, 0) + timedelta(minutes=n)
        for n in range(60):
            db.session.add(EmailLog(
                kind=email_common.STALE_DATA if n % 2 else email_common.LEAGUE_TABLE,
                period="2026-W18" if n % 2 else "2026-05", recipient=f"someone{n:02}@westyorkshire.police.invalid",
                force_id=force.id, status="failed" if n % 5 == 0 else "sent", attempts=1,
                error="421 4.7.0 Try again later" if n % 5 == 0 else None,
                subject="West Yorkshire Police: OIC training compliance, May 2026 (ranked 2 of 43)",
                created_at=datetime(2026, 5, 1, 6, 0) + timedelta(minutes=n)))
        force.chief_email = "chief@westyorkshire.police.invalid"
        db.session.commit()
    return live_server.create_user("admin")


PAGES = ["/admin/audit", "/admin/audit?page=2", f"/admin/audit?action=force.updated&force={CODE}",
         "/admin/emails", "/admin/emails?page=2", "/admin/emails?kind=stale_data&status=failed",
         f"/admin/emails/preview?force={CODE}"]


@pytest.mark.parametrize("width", [320, 1280])
def test_the_logs_fit_the_screen_and_pass_axe(page, logs, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, logs)
    for path in PAGES:
        page.goto(path)
        sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert sizes[0] <= sizes[1], f"{path} scrolls sideways at {width} px: {sizes}"
        violations = run_axe(page)
        assert not violations, format_violations(page.url, violations)


def test_the_email_preview_wraps_its_text(page, logs):
    page.set_viewport_size({"width": 320, "height": 900})
    sign_in(page, logs)
    page.goto(f"/admin/emails/preview?force={CODE}")

    text = page.locator("#email-text")
    expect(text).to_contain_text("West Yorkshire Police")
    assert text.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    assert text.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # nothing hidden to the right


def test_filters_and_pages_work_without_javascript(nojs_page, logs):
    page = nojs_page
    sign_in(page, logs)

    page.goto(f"/admin/emails?force={CODE}")
    expect(page.locator("#log-count")).to_have_text("Showing 1–50 of 60 emails.")
    page.get_by_label("Kind").select_option(label="Stale-data reminder to force leads")
    page.get_by_label("Status").select_option(label="Failed")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"kind=stale_data"))
    expect(page.locator("#log-count")).to_have_text("Showing 1–6 of 6 emails.")
    selected = page.locator("#selected-filters")
    expect(selected).to_contain_text("Stale-data reminder to force leads")
    selected.get_by_role("link", name=re.compile("Failed")).click()  # remove one filter, keep the other
    expect(page.locator("#log-count")).to_have_text("Showing 1–30 of 30 emails.")

    page.goto(f"/admin/audit?action=force.updated&force={CODE}")
    expect(page.locator("#audit-count")).to_have_text("Showing 1–50 of 70 events.")
    page.get_by_role("navigation", name="Pages of the audit log").get_by_role("link", name="Next").click()
    expect(page.locator("#audit-count")).to_have_text("Showing 51–70 of 70 events.")
    assert "action=force.updated" in page.url and f"force={CODE}" in page.url


def test_the_csv_downloads_hold_the_filtered_rows(page, logs, tmp_path):
    sign_in(page, logs)
    page.goto(f"/admin/audit?action=force.updated&force={CODE}")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download these 70 events as CSV").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))

    assert len(rows) == 70 and {r["Action"] for r in rows} == {"Force settings changed"}
    assert rows[0]["When"] == "1 July 2026, 11:09 BST"
