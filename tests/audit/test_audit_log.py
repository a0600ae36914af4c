"""Admin: the audit log, newest first, 50 to a page, filtered by action, who, force and London dates."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from lms.audit.service import record
from lms.models import Force


def add(db, action: str, at: datetime, *, actor: str | None = "someone@example.invalid", force: str | None = None,
        target: str | None = None, **details):
    force_id = db.session.scalar(select(Force.id).where(Force.code == force)) if force else None
    event = record(action, None, actor=actor, force_id=force_id, target=target, **details)
    event.at = at  # stored naive UTC
    db.session.commit()
    return event


def rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-event="(\d+)"', html)]


@pytest.fixture
def log(db):
    return {
        "old": add(db, "import.committed", datetime(2025, 1, 10, 12, 0), actor="lead@kent.police.invalid",
                   force="kent", target="batch 1", rows=10),
        # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
        "midnight": add(db, "force.updated", datetime(2025, 6, 30, 23, 30), actor="boss@example.invalid",
                        force="essex", target="essex", personal_reminders=True),
        "new": add(db, "user.created", datetime(2025, 7, 2, 9, 0), actor="Boss@Example.invalid", target="x@y.invalid",
                   role="national", region=None),
    }


def get(client, **args) -> str:
    response = client.get("/admin/audit", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return response.get_data(as_text=True)


def test_newest_first_with_london_times_and_details(signed_in, log):
    client, me = signed_in("admin")  # creating the account and signing in add the newest two events

    html = get(client)

    assert rows(html)[2:] == [log["new"].id, log["midnight"].id, log["old"].id]
    assert "Signed in" in html.split(f'data-event="{log["new"].id}"')[0]
    row = re.search(rf'data-event="{log["midnight"].id}">.*?</tr>', html, re.S).group(0)
    assert "1 July 2025, 00:30 BST" in row
    assert "boss@example.invalid" in row and "Force settings changed" in row and "Essex Police" in row
    assert "force.updated" not in row  # the action in words, never its code
    assert "Personal reminders</span>: yes" in row
    assert "10 January 2025, 12:00 GMT" in html
    row = re.search(rf'data-event="{log["new"].id}">.*?</tr>', html, re.S).group(0)
    assert "Role</span>: MSOICU (national)" in row and "Region</span>: none" in row


def test_filter_by_action(signed_in, log):
    client, _ = signed_in("admin")

    html = get(client, action="force.updated")

    assert rows(html) == [log["midnight"].id]
    assert '<option value="force.updated" selected' in html


def test_filter_by_actor_email_contains_ignoring_case(signed_in, log):
    client, _ = signed_in("admin")

    assert rows(get(client, actor="BOSS@")) == [log["new"].id, log["midnight"].id]
    assert rows(get(client, actor="kent.police")) == [log["old"].id]
    assert rows(get(client, actor="%")) == []  # a literal, not a wildcard


def test_filter_by_force(signed_in, log):
    client, _ = signed_in("admin")

    assert rows(get(client, force="kent")) == [log["old"].id]


def test_filter_by_london_dates_inclusive(signed_in, log):
    client, _ = signed_in("admin")

    assert rows(get(client, date_from="1/7/2025", date_to="1 July 2025")) == [log["midnight"].id]
    assert rows(get(client, date_to="30/06/2025")) == [log["old"].id]
    assert rows(get(client, date_from="2025-07-02", date_to="2/7/2025", action="user.created")) == [log["new"].id]


def test_filters_combine(signed_in, log):
    client, _ = signed_in("admin")

    assert rows(get(client, actor="boss", force="essex", date_from="1/6/2025", date_to="31/7/2025")) == [
        log["midnight"].id]
    assert rows(get(client, actor="boss", force="kent")) == []


def test_a_wrong_date_is_named_in_the_error_summary(signed_in, log):
    client, _ = signed_in("admin")

    response = client.get("/admin/audit", query_string={"date_from": "31/02/2025", "date_to": "soon"})
    html = response.get_data(as_text=True)

    assert response.status_code == 400
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S).group(0)
    assert 'href="#date_from-day"' in summary and 'href="#date_to-day"' in summary
    assert "From date must be a real date" in summary and "To date must be a real date" in summary
    assert len(rows(html)) >= 3  # the other filters still apply; the wrong ones are ignored


def test_to_before_from_is_refused(signed_in, log):
    client, _ = signed_in("admin")

    response = client.get("/admin/audit", query_string={"date_from": "2/7/2025", "date_to": "1/7/2025"})

    assert response.status_code == 400
    assert "To date must be the same as or after the from date" in response.get_data(as_text=True)


def test_fifty_to_a_page_and_filters_kept_across_pages(signed_in, db):
    client, _ = signed_in("admin")
    for minute in range(120):
        add(db, "test.event", datetime(2025, 3, 1, 10, minute // 60, minute % 60), target=f"t{minute}")
    add(db, "other.event", datetime(2025, 3, 2, 10, 0))

    first = get(client, action="test.event")
    third = get(client, action="test.event", page=3)
    beyond = get(client, action="test.event", page=99)

    assert len(rows(first)) == 50 and len(rows(third)) == 20
    assert "Showing 1–50 of 120 events" in first and "Showing 101–120 of 120 events" in third
    assert ">t119<" in first and ">t0<" in third  # newest first
    assert 'href="/admin/audit?page=2&amp;action=test.event"' in first
    assert rows(beyond) == rows(third)  # past the end: the last page


def test_details_are_escaped(signed_in, db):
    client, _ = signed_in("admin")
    add(db, "test.markup", datetime(2025, 3, 1), target="<b>t</b>", note="<script>alert(1)</script>",
        items=["<i>x</i>"])

    html = get(client, action="test.markup")

    assert "<script>alert(1)" not in html and "<b>t</b>" not in html and "<i>x</i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;t&lt;/b&gt;" in html
    assert "[&#34;&lt;i&gt;x&lt;/i&gt;&#34;]" in html


def test_admin_changes_appear_in_the_log(signed_in):
    client, me = signed_in("admin")
    client.post("/admin/forces/kent", data={"chief_email": "cc@kent.police.invalid", "personal_reminders": "off"})

    html = get(client, action="force.updated", force="kent")

    assert len(rows(html)) == 1 and me.email in html and "chief_email" in html
    assert "cc@kent.police.invalid" not in html  # the audit says what changed, not the address
