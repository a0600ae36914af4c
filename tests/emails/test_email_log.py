"""The email log as an admin reads it: kinds, statuses and periods in words, filters in the MOJ layout that work
without JavaScript (a GET form), GOV.UK pagination, personal reminders linked to the person, and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest

from lms.emails import common as email_common
from lms.extensions import db
from lms.models import EmailLog
from tests.support.emails import add_batch, add_person, force


def email(kind: str, period: str, recipient: str, *, status: str = "sent", force_code: str | None = "kent",
          created: datetime = datetime(2026, 5, 1, 6, 0), **fields) -> EmailLog:
    row = EmailLog(kind=kind, period=period, recipient=recipient, status=status, created_at=created,
                   force_id=force(force_code).id if force_code else None, attempts=fields.pop("attempts", 1),
                   sent_at=created if status == "sent" else None, **fields)
    db.session.add(row)
    db.session.commit()
    return row


def page(client, **args) -> str:
    response = client.get("/admin/emails", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return response.get_data(as_text=True)


def shown(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-email="(\d+)"', html)]


@pytest.fixture
def log(app):
    kent = force("kent")
    roster = add_batch(kent, "roster", datetime(2026, 1, 5, 9, 0))
    person = add_person(kent, roster, "Bryn", "Tally", email_address="bryn.tally@kent.police.invalid")
    db.session.commit()
    return {
        "chief": email(email_common.LEAGUE_TABLE, "2026-05", "chief@kent.police.invalid",
                       subject="Kent Police: OIC training compliance, May 2026"),
        "failed": email(email_common.LEAGUE_TABLE, "2026-05", "chief@essex.police.invalid", status="failed",
                        force_code="essex", attempts=2, error="550 5.1.1 Mailbox unavailable",
                        created=datetime(2026, 5, 1, 6, 1)),
        "stale": email(email_common.STALE_DATA, "2026-W18", "lead@kent.police.invalid",
                       created=datetime(2026, 4, 27, 7, 0)),
        "personal": email(email_common.PERSONAL_REMINDER, "2026-01", "Bryn.Tally@kent.police.invalid",
                          created=datetime(2026, 1, 12, 8, 30)),
        "person": person,
    }


def test_kinds_statuses_periods_and_times_in_words(signed_in, log):
    client, _ = signed_in("admin")

    html = page(client)
    table = html.split('id="email-log"', 1)[1]

    assert "League table to chief constable" in table and "Stale-data reminder to force leads" in table
    assert "May 2026" in table and "Week of 27 April 2026" in table
    assert "2026-W18" not in table and "league_table" not in table and "stale_data" not in table
    assert "Sent" in table and "Failed" in table and "550 5.1.1 Mailbox unavailable" in table
    assert "1 May 2026, 07:00 BST" in table and "12 January 2026, 08:30 GMT" in table
    assert '<option value="2026-W18">Week of 27 April 2026</option>' in html


def test_each_filter_narrows_the_log(signed_in, log):
    client, _ = signed_in("admin")

    assert shown(page(client, kind="stale_data")) == [log["stale"].id]
    assert shown(page(client, status="failed")) == [log["failed"].id]
    assert shown(page(client, force="essex")) == [log["failed"].id]
    assert shown(page(client, period="2026-05")) == [log["failed"].id, log["chief"].id]
    assert shown(page(client, q="CHIEF@")) == [log["failed"].id, log["chief"].id]
    assert shown(page(client, kind="league_table", force="kent", period="2026-05")) == [log["chief"].id]
    assert "No emails match." in page(client, q="%")  # a literal, not a wildcard
    assert len(shown(page(client, kind="nonsense", status="nonsense"))) == 4  # unknown values are ignored


def test_selected_filters_are_listed_in_words_and_each_can_be_removed(signed_in, log):
    client, _ = signed_in("admin")

    html = page(client, kind="league_table", period="2026-05")

    selected = re.search(r'id="selected-filters".*?<div class="moj-filter__options">', html, re.S).group(0)
    assert "League table to chief constable" in selected and "May 2026" in selected
    assert 'href="/admin/emails?period=2026-05"' in selected and 'href="/admin/emails?kind=league_table"' in selected
    assert "Showing 1–2 of 2 emails." in html
    assert '<option value="league_table" selected>' in html


def test_a_personal_reminder_links_to_the_person(signed_in, log):
    client, _ = signed_in("admin")

    html = page(client)

    person = log["person"]
    row = re.search(rf'data-email="{log["personal"].id}">.*?</tr>', html, re.S).group(0)
    assert f'href="/forces/kent/people/{person.id}">Bryn.Tally@kent.police.invalid</a>' in row
    chief = re.search(rf'data-email="{log["chief"].id}">.*?</tr>', html, re.S).group(0)
    assert "/people/" not in chief


def test_fifty_to_a_page_with_the_filters_kept(signed_in, app):
    for n in range(75):
        email(email_common.STALE_DATA, "2026-W18", f"lead{n:02d}@kent.police.invalid",
              created=datetime(2026, 4, 27, 7, n % 60, n // 60))
    email(email_common.LEAGUE_TABLE, "2026-05", "chief@kent.police.invalid")
    client, _ = signed_in("admin")

    first = page(client, kind="stale_data")
    second = page(client, kind="stale_data", page=2)

    assert len(shown(first)) == 50 and len(shown(second)) == 25
    assert "Showing 1–50 of 75 emails" in first and "Showing 51–75 of 75 emails" in second
    assert 'href="/admin/emails?page=2&amp;kind=stale_data"' in first
    assert set(shown(first)).isdisjoint(shown(second))
    assert shown(page(client, kind="stale_data", page=9)) == shown(second)  # past the end: the last page
    assert page(client, page="x")  # not a number: the first page


def test_the_csv_holds_the_filtered_emails_safely(signed_in, log):
    email(email_common.STALE_DATA, "2026-W19", "lead@kent.police.invalid", subject="=cmd|' /C calc'!A0")
    client, _ = signed_in("admin")

    html = page(client, kind="stale_data")
    link = re.search(r'href="(/admin/emails\.csv\?[^"]+)"', html).group(1).replace("&amp;", "&")
    response = client.get(link)
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))

    assert response.mimetype == "text/csv" and "Download these 2 emails as CSV" in html
    assert [r["Period"] for r in rows] == ["Week of 4 May 2026", "Week of 27 April 2026"]
    assert {r["Kind"] for r in rows} == {"Stale-data reminder to force leads"}
    assert {r["Kind code"] for r in rows} == {"stale_data"}
    assert rows[0]["Subject"] == "'=cmd|' /C calc'!A0"
    assert rows[1]["Created"] == "27 April 2026, 08:00 BST" and rows[1]["Status"] == "Sent"
    failed = list(csv.DictReader(io.StringIO(
        client.get("/admin/emails.csv?status=failed").get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["Recipient"], r["Error"], r["Attempts"]) for r in failed] == [
        ("chief@essex.police.invalid", "550 5.1.1 Mailbox unavailable", "2")]


def test_only_admins_see_the_log_or_its_csv(signed_in, client, log):
    assert client.get("/admin/emails.csv").status_code == 302
    national, _ = signed_in("national")
    assert national.get("/admin/emails.csv").status_code == 403
    assert national.get("/admin/emails").status_code == 403
