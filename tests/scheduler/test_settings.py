"""The admin pages for schedules and emails, and the publish page: who may see them, and what they do."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import select

from lms.emails import common as email_common
from lms.emails import delivery as emails
from lms.emails import publish as publishing
from lms.extensions import db
from lms.models import AuditEvent, EmailLog, PublishedTable, ScheduleSetting
from tests.support.emails import load_scenario, log_rows, set_chiefs, smtp_fixture  # noqa: F401

LONDON = ZoneInfo("Europe/London")

ADMIN_PAGES = [
    ("get", "/admin/schedules"),
    ("get", "/admin/schedules/reminders"),
    ("post", "/admin/schedules/reminders"),
    ("post", "/admin/schedules/publish-step"),
    ("get", "/admin/emails"),
    ("get", "/admin/emails/send"),
    ("post", "/admin/emails/send"),
    ("get", "/admin/emails/preview?force=kent"),
    ("get", "/admin/emails/preview/email.html?force=kent"),
    ("get", "/admin/emails/preview/attachment.xlsx?force=kent"),
]


@pytest.fixture
def may_first():
    with time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=LONDON)):
        yield


@pytest.fixture
def data(app):
    load_scenario()
    set_chiefs(kent="chief@kent.invalid", essex="chief@essex.invalid")


@pytest.mark.parametrize("role", ["national", "regional", "force_lead"])
def test_admin_pages_are_for_admins_only(signed_in, role):
    client, _ = signed_in(role)
    for method, url in ADMIN_PAGES:
        response = getattr(client, method)(url)
        assert response.status_code == 403, (role, url)
    assert db.session.scalar(select(ScheduleSetting).where(ScheduleSetting.job_id == publishing.PUBLISH_REQUIRED)) \
        is None


def test_admin_pages_need_a_sign_in(client):
    for method, url in ADMIN_PAGES + [("get", "/publish")]:
        response = getattr(client, method)(url)
        assert response.status_code in (302, 401), url
        if response.status_code == 302:
            assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", ["regional", "force_lead"])
def test_the_publish_page_is_for_msoicu_and_admins(signed_in, role):
    client, _ = signed_in(role)
    assert client.get("/publish").status_code == 403
    assert client.post("/publish", data={"period": "2026-05"}).status_code == 403


def test_the_schedules_page_lists_every_job_with_its_next_runs(signed_in, may_first):
    client, _ = signed_in("admin")
    page = client.get("/admin/schedules").get_data(as_text=True)
    assert "League tables to chief constables" in page
    assert "<code>0 7 1 * *</code>" in page
    assert "1 June 2026, 07:00 BST" in page
    assert "4 May 2026, 08:00 BST" in page  # reminders, Monday
    assert "Retry failed emails" in page and "<code>15 * * * *</code>" in page
    assert 'id="publish-state"' in page and "Require publishing" in page
    assert 'style="' not in page  # the page CSP forbids inline styles


def test_changing_a_schedule(signed_in, may_first):
    client, admin = signed_in("admin")
    page = client.get("/admin/schedules/reminders").get_data(as_text=True)
    assert 'value="0 8 * * mon"' in page

    response = client.post("/admin/schedules/reminders", data={"cron": "30 9 * * 1", "enabled": "on"})
    assert response.status_code == 302
    row = db.session.get(ScheduleSetting, "reminders")
    assert (row.cron, row.enabled, row.updated_by_id) == ("30 9 * * mon", True, admin.id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "schedule.changed"))
    assert event.target == "reminders" and event.user_id == admin.id
    assert event.details == {"before": {"cron": "0 8 * * mon", "enabled": True},
                             "after": {"cron": "30 9 * * mon", "enabled": True}}
    assert "schedule saved" in client.get("/admin/schedules").get_data(as_text=True)

    client.post("/admin/schedules/snapshots", data={"cron": "30 0 * * *", "enabled": "off"})
    assert db.session.get(ScheduleSetting, "snapshots").enabled is False


def test_a_bad_schedule_is_refused_with_a_message(signed_in):
    client, _ = signed_in("admin")
    response = client.post("/admin/schedules/reminders", data={"cron": "every monday", "enabled": "on"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter five fields" in page
    assert db.session.get(ScheduleSetting, "reminders").cron == "0 8 * * mon"
    assert client.get("/admin/schedules/nonsense").status_code == 404


def test_switching_the_publish_step(signed_in):
    client, admin = signed_in("admin")
    assert client.post("/admin/schedules/publish-step", data={"required": "on"}).status_code == 302
    assert publishing.publish_required() is True
    assert "Stop requiring publishing" in client.get("/admin/schedules").get_data(as_text=True)
    client.post("/admin/schedules/publish-step", data={"required": "off"})
    assert publishing.publish_required() is False
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "schedule.publish_required")).all()
    assert [(e.details["after"], e.user_id) for e in events] == [(True, admin.id), (False, admin.id)]
    assert client.post("/admin/schedules/publish-step", data={"required": "maybe"}).status_code == 400


def test_send_now_previews_then_sends(signed_in, smtp, data, may_first):
    client, admin = signed_in("admin")
    page = client.get("/admin/emails/send?kind=league_tables").get_data(as_text=True)
    assert "chief@kent.invalid" in page and "chief@essex.invalid" in page
    assert "Kent Police: OIC training compliance, May 2026 (ranked 2 of 43)" in page
    assert "No chief constable email address: Cleveland Police (cleveland)" in page
    assert "Send 3 emails now" in page
    assert smtp.received == [] and log_rows() == []

    response = client.post("/admin/emails/send", data={"kind": "league_tables", "force": ""})
    assert response.status_code == 302
    assert "/admin/emails" in response.headers["Location"]
    assert sorted(m.rcpt_tos[0] for m in smtp.received) == sorted([
        "chief@essex.invalid", "chief@kent.invalid", admin.email])
    log_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sent 3 emails." in log_page
    assert "chief@kent.invalid" in log_page

    again = client.get("/admin/emails/send?kind=league_tables").get_data(as_text=True)
    assert "0 emails would be sent (3 already sent this period)" in again
    assert "Send 0" not in again


def test_send_now_for_one_force(signed_in, smtp, data, may_first):
    client, _ = signed_in("admin")
    page = client.get("/admin/emails/send?kind=league_tables&force=kent").get_data(as_text=True)
    assert "Send 1 email now" in page
    client.post("/admin/emails/send", data={"kind": "league_tables", "force": "kent"})
    assert [m.rcpt_tos for m in smtp.received] == [["chief@kent.invalid"]]


def test_send_now_when_the_table_is_not_published(signed_in, smtp, data, may_first):
    client, _ = signed_in("admin")
    publishing.set_publish_required(True)
    db.session.commit()
    page = client.get("/admin/emails/send?kind=league_tables").get_data(as_text=True)
    assert "has not been published" in page and "Send 3" not in page
    response = client.post("/admin/emails/send", data={"kind": "league_tables", "force": ""}, follow_redirects=True)
    assert "has not been published" in response.get_data(as_text=True)
    assert smtp.received == []


def test_send_now_reminders(signed_in, smtp, data, create_user, may_first):
    create_user("force_lead", email="lead@essex.invalid", force="essex")
    client, _ = signed_in("admin")
    page = client.get("/admin/emails/send?kind=reminders").get_data(as_text=True)
    assert "lead@essex.invalid" in page and "Essex Police: OIC training data needs updating" in page
    client.post("/admin/emails/send", data={"kind": "reminders"})
    # Beside the lead's: the forces with no lead account, told to the admin.
    assert [m.rcpt_tos for m in smtp.received if "no lead account" not in m.subject] == [["lead@essex.invalid"]]
    assert client.get("/admin/emails/send?kind=nonsense").status_code == 404


def test_the_email_log_filters(signed_in, data):
    client, _ = signed_in("admin")
    db.session.add_all([
        EmailLog(kind=email_common.LEAGUE_TABLE, period="2026-05", recipient="chief@kent.invalid", status="sent",
                 attempts=1, subject="Kent Police: May"),
        EmailLog(kind=email_common.LEAGUE_TABLE, period="2026-05", recipient="chief@essex.invalid", status="failed",
                 attempts=2, error="550 5.1.1 Mailbox unavailable", subject="Essex Police: May"),
        EmailLog(kind=email_common.STALE_DATA, period="2026-W18", recipient="lead@essex.invalid", status="sent",
                 attempts=1),
    ])
    db.session.commit()
    page = client.get("/admin/emails").get_data(as_text=True)
    assert "3 emails." in page
    failed = client.get("/admin/emails?status=failed").get_data(as_text=True)
    assert "1 email." in failed and "chief@essex.invalid" in failed and "550 5.1.1 Mailbox unavailable" in failed
    assert "chief@kent.invalid" not in failed
    by_kind = client.get("/admin/emails?kind=stale_data").get_data(as_text=True)
    assert "lead@essex.invalid" in by_kind and "chief@kent.invalid" not in by_kind
    assert "1 email." in client.get("/admin/emails?period=2026-W18").get_data(as_text=True)
    assert "2 emails." in client.get("/admin/emails?q=CHIEF@").get_data(as_text=True)
    assert "No emails match." in client.get("/admin/emails?q=%25").get_data(as_text=True)
    assert client.get("/admin/emails?page=x").status_code == 200


def test_the_preview_of_a_chiefs_email(signed_in, data, may_first):
    client, _ = signed_in("admin")
    assert "Preview a chief constable" in client.get("/admin/emails/preview").get_data(as_text=True)
    page = client.get("/admin/emails/preview?force=kent").get_data(as_text=True)
    assert "Kent Police: OIC training compliance, May 2026 (ranked 2 of 43)" in page
    assert "chief@kent.invalid" in page
    assert "Kent Police is ranked 2 of 43 forces." in page
    assert "not published or stored yet" in page
    assert client.get("/admin/emails/preview?force=atlantis").status_code == 404

    html = client.get("/admin/emails/preview/email.html?force=kent")
    assert html.status_code == 200 and html.mimetype == "text/html"
    csp = html.headers["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in csp and "script" not in csp and "default-src 'none'" in csp
    assert "Kent Police (your force)" in html.get_data(as_text=True)

    xlsx = client.get("/admin/emails/preview/attachment.xlsx?force=kent")
    assert 'filename="oic-league-table-2026-05.xlsx"' in xlsx.headers["Content-Disposition"]
    from io import BytesIO

    sheet = load_workbook(BytesIO(xlsx.data), read_only=True).active
    assert next(sheet.iter_rows(values_only=True))[0] == "OIC training compliance: league table as of 2026-05-01"
    # Nothing was stored or sent by looking.
    assert log_rows() == [] and db.session.scalar(select(PublishedTable)) is None


def test_the_preview_says_when_a_force_has_no_chief_address(signed_in, data, may_first):
    client, _ = signed_in("admin")
    page = client.get("/admin/emails/preview?force=cleveland").get_data(as_text=True)
    assert "Cleveland Police has no chief constable email address" in page
    assert "No address set" in page


@pytest.mark.parametrize("role", ["national", "admin"])
def test_msoicu_publishes_the_months_table(signed_in, data, role, may_first):
    client, user = signed_in(role)
    page = client.get("/publish").get_data(as_text=True)
    assert "Publish the league table" in page
    assert "May 2026: not published yet" in page and "June 2026: not published yet" in page
    assert "Kent Police" in page and "62.5%" in page

    # Check your answers first: June is not the current month, so the page says so; nothing is stored yet.
    check = client.post("/publish", data={"period": "2026-06"})
    assert check.status_code == 200
    text = check.get_data(as_text=True)
    assert "Check before you publish" in text and "June 2026 is not the current month" in text
    assert text.index('id="league-table"') < text.index("Publish this table for June 2026")  # the button after it
    assert db.session.scalar(select(PublishedTable)) is None
    response = client.post("/publish", data={"period": "2026-06", "confirm": "yes"})
    assert response.status_code == 302
    row = db.session.scalar(select(PublishedTable).where(PublishedTable.period == "2026-06"))
    assert row.published_by_id == user.id and row.as_of.isoformat() == "2026-05-01"
    assert {f["code"]: f["rank"] for f in row.data["forces"]}["kent"] == 2
    page = client.get("/publish").get_data(as_text=True)
    assert f"by {user.email}" in page
    assert "June 2026: replace the table published as of 1 May 2026" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "league_table.published"))
    assert event.user_id == user.id and event.target == "2026-06"


def test_a_months_table_cannot_be_published_after_its_emails_went(signed_in, smtp, data, may_first):
    client, _ = signed_in("national")
    emails.send_league_tables(force_code="kent")
    db.session.commit()
    page = client.get("/publish").get_data(as_text=True)
    assert "May 2026: emails already sent" in page
    response = client.post("/publish", data={"period": "2026-05"})
    assert response.status_code == 400
    assert "already been sent" in response.get_data(as_text=True)
    assert client.post("/publish", data={"period": "2026-05", "confirm": "yes"}).status_code == 400
    # This month's emails went: June is preselected, and its check page says May's emails have gone.
    assert 'value="2026-06" checked' in page
    check = client.post("/publish", data={"period": "2026-06"}).get_data(as_text=True)
    assert "The May 2026 emails have already gone, with the table as of 1 May 2026." in check
    assert client.post("/publish", data={"period": "2027-01"}).status_code == 400  # not a choice: form error
