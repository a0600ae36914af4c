"""Emails through a real SMTP server on loopback: what arrives, that nothing goes twice, that one refused
recipient stops no one else and is retried, that --dry-run sends and logs nothing, and the personal-data rule."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from lms.core import clock
from lms.emails import common as email_common
from lms.emails import delivery as emails
from lms.emails import league
from lms.emails import publish as publishing
from lms.extensions import db
from lms.models import AuditEvent, EmailLog, PublishedTable
from tests.support.emails import (  # noqa: F401  (the fixtures `smtp` and `smtp_auth`)
    load_scenario,
    log_rows,
    set_chiefs,
    smtp_auth_fixture,
    smtp_fixture,
)

LONDON = ZoneInfo("Europe/London")
MAY_FIRST = datetime(2026, 5, 1, 7, 0, tzinfo=LONDON)


@pytest.fixture
def may_first():
    with time_machine.travel(MAY_FIRST):
        yield


@pytest.fixture
def scenario(app, create_user):
    create_user("admin", email="admin.one@example.invalid")
    create_user("national", email="national.one@example.invalid")
    data = load_scenario()
    set_chiefs(kent="chief@kent.invalid", essex="chief@essex.invalid", surrey="chief@surrey.invalid")
    return data


def run(runner, *args):
    return runner.invoke(args=["lms", *args])


# --- league tables -------------------------------------------------------------------------------------------


def test_league_tables_arrive_with_both_parts_and_the_spreadsheet(smtp, scenario, runner, may_first):
    result = run(runner, "send-league-tables")
    assert result.exit_code == 0, result.output

    kent = smtp.to("chief@kent.invalid")
    assert len(kent) == 1
    message = kent[0]
    assert message.to == "chief@kent.invalid"
    assert message.rcpt_tos == ["chief@kent.invalid"]
    assert message.mail_from == "oic-training@service.invalid"
    assert message.subject == "Kent Police: OIC training compliance, May 2026 (ranked 2 of 43)"
    assert message.message["Auto-Submitted"] == "auto-generated"

    text = message.text
    assert "Dear Chief Constable Kent Madeup," in text
    assert "Kent Police is ranked 2 of 43 forces." in text
    assert "Overall (all the training required of each person): 62.5% (5 of 8 people)" in text
    assert "E-learning (all four College Learn modules): 83.3% (5 of 6 people)" in text
    assert "Hydra (an immersive session attended): 50.0% (2 of 4 people)" in text
    assert "This is the first report" in text
    assert "3 people have not yet done all the training required of them" in text
    assert "2 people have not attended a Hydra session" in text
    assert "1 training record could not be matched" in text
    assert "30 April 2026" in text
    assert "Kent Police: Behind, overdue since 30 April 2026." in text  # the status leads
    assert "http://127.0.0.1:5000/chief/kent/" in text  # the signed read-only link, not a sign-in page
    # The compact table (three forces are ranked): the 40 unranked are counted, not listed; the attachment has all 43.
    assert "  1. Essex Police: 100.0%" in text and "  2. Kent Police: 62.5%  <- your force" in text
    assert "Wiltshire Police" not in text and "40 forces have no roster yet, so are not ranked." in text

    html = message.html
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    assert 'href="http://127.0.0.1:5000/chief/kent/' in html
    assert "<caption" in html and '<th scope="col"' in html
    assert "<style" not in html and 'style="' in html  # inline styles only, for Outlook
    assert "Kent Police (your force)" in html

    (attachment,) = message.attachments()
    assert attachment.get_filename() == "oic-league-table-2026-05.xlsx"
    assert attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    rows = message.workbook_rows()
    assert rows[0][0] == "OIC training compliance: league table as of 2026-05-01"
    header = rows[3]
    assert header[:4] == ("Rank", "Force", "Code", "Region")
    by_code = {row[2]: dict(zip(header, row, strict=True)) for row in rows[4:]}
    assert len(by_code) == 43
    assert by_code["kent"]["Rank"] == 2
    assert by_code["kent"]["Overall %"] == 62.5
    assert by_code["essex"]["Rank"] == 1
    assert by_code["surrey"]["Rank"] == 3
    # Status in the same words as the pages, the deadline and upload dates as real date cells, data quality.
    assert by_code["kent"]["Status"] == "Behind" and by_code["kent"]["Overdue since"] == datetime(2026, 4, 30)
    assert by_code["kent"]["Last roster upload"] == datetime(2026, 4, 20)
    assert by_code["essex"]["Status"] == "Target met" and by_code["essex"]["Overdue since"] is None
    assert by_code["kent"]["Data quality"] == "None"
    assert by_code["essex"]["Data quality"] == "College Learn data 111 days old; No Hydra upload"
    assert rows[2][:4] == ("Figures as of", datetime(2026, 5, 1), "Deadline", datetime(2026, 4, 30))

    assert smtp.to("chief@essex.invalid")[0].subject.endswith("(ranked 1 of 43)")
    assert smtp.to("chief@surrey.invalid")[0].subject.endswith("(ranked 3 of 43)")

    rows = {r.recipient: r for r in log_rows(email_common.LEAGUE_TABLE)}
    assert set(rows) == {"chief@kent.invalid", "chief@essex.invalid", "chief@surrey.invalid"}
    assert all(r.status == "sent" and r.period == "2026-05" and r.attempts == 1 and r.sent_at for r in rows.values())
    assert rows["chief@kent.invalid"].force_id is not None

    # The month's table is kept: retries use the same numbers, and next month compares with it.
    stored = db.session.scalar(select(PublishedTable).where(PublishedTable.period == "2026-05"))
    assert stored.as_of == date(2026, 5, 1) and stored.published_by_id is None

    assert result.stdout.splitlines()[0].split("\t") == [
        "sent", "league_table", "2026-05", "chief@essex.invalid",
        "Essex Police: OIC training compliance, May 2026 (ranked 1 of 43)",
    ]
    assert result.stdout.rstrip().endswith("Sent 4 emails.")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "emails.sent")).all()
    assert [(e.actor, e.details["sent"], e.details["period"]) for e in events] == [("cli", 4, "2026-05")]


def test_forces_with_no_chief_address_are_told_to_the_admins(smtp, scenario, runner, may_first):
    result = run(runner, "send-league-tables")
    assert result.exit_code == 0, result.output
    assert "No chief constable email address: Cleveland Police (cleveland)" in result.stdout
    assert "No chief constable email address: Kent Police" not in result.stdout

    (notice,) = smtp.to("admin.one@example.invalid")
    assert notice.subject == ("OIC league tables, May 2026: 40 forces have no chief constable email address")
    assert "- Cleveland Police (cleveland)" in notice.text
    assert "Kent Police" not in notice.text
    assert "<li" in notice.html and "Cleveland Police (cleveland)" in notice.html
    assert not smtp.to("national.one@example.invalid")


def test_a_second_run_in_the_same_month_sends_nothing(smtp, scenario, runner, may_first):
    assert run(runner, "send-league-tables").exit_code == 0
    first = len(smtp.received)
    assert first == 4

    again = run(runner, "send-league-tables")
    assert again.exit_code == 0, again.output
    assert len(smtp.received) == first
    assert "Nothing to send: 4 already sent this period." in again.stdout
    assert len(log_rows()) == 4

    with time_machine.travel(datetime(2026, 5, 20, 9, 0, tzinfo=LONDON)):
        assert run(runner, "send-league-tables").exit_code == 0
    assert len(smtp.received) == first


def test_one_refused_recipient_stops_no_one_else_and_is_retried_next_run(smtp, scenario, runner, may_first):
    smtp.refuse.add("chief@essex.invalid")
    result = run(runner, "send-league-tables")

    assert result.exit_code == 1
    assert "1 of the emails failed; they will be retried at the next run" in result.stderr
    assert smtp.to("chief@kent.invalid") and smtp.to("chief@surrey.invalid")
    assert not smtp.to("chief@essex.invalid")
    failed_line = next(line for line in result.stdout.splitlines() if line.startswith("failed\t"))
    assert "chief@essex.invalid" in failed_line and "550" in failed_line
    row = next(r for r in log_rows() if r.recipient == "chief@essex.invalid")
    assert (row.status, row.attempts, row.sent_at) == ("failed", 1, None)
    assert "550" in row.error

    smtp.refuse.clear()
    smtp.clear()
    retry = run(runner, "send-league-tables")
    assert retry.exit_code == 0, retry.output
    assert [m.rcpt_tos for m in smtp.received] == [["chief@essex.invalid"]]
    row = next(r for r in log_rows() if r.recipient == "chief@essex.invalid")
    assert (row.status, row.attempts, row.error) == ("sent", 2, None)
    # The retry carries the same table the others got, as of the 1st.
    assert "as of 1 May 2026" in smtp.received[0].text


def test_dry_run_prints_what_would_go_and_sends_and_logs_nothing(smtp, scenario, runner, may_first):
    result = run(runner, "send-league-tables", "--dry-run")
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.stdout.splitlines() if line.startswith("would send\t")]
    assert [(kind, recipient) for _, kind, _, recipient, _ in lines] == [
        ("league_table", "chief@essex.invalid"),
        ("league_table", "chief@kent.invalid"),
        ("league_table", "chief@surrey.invalid"),
        ("missing_chiefs", "admin.one@example.invalid"),
    ]
    assert lines[1][4] == "Kent Police: OIC training compliance, May 2026 (ranked 2 of 43)"
    assert "No chief constable email address: Cleveland Police (cleveland)" in result.stdout
    assert "Dry run: 4 emails would be sent. Nothing was sent or logged." in result.stdout
    assert smtp.received == []
    assert log_rows() == []
    assert db.session.scalar(select(PublishedTable)) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("emails.%"))) is None

    # After a real run, a dry run says everything has gone.
    run(runner, "send-league-tables")
    again = run(runner, "send-league-tables", "--dry-run")
    assert "Dry run: 0 emails would be sent (4 already sent this period)." in again.stdout


def test_one_force_only(smtp, scenario, runner, may_first):
    result = run(runner, "send-league-tables", "--force", "kent")
    assert result.exit_code == 0, result.output
    assert [m.rcpt_tos for m in smtp.received] == [["chief@kent.invalid"]]

    no_address = run(runner, "send-league-tables", "--force", "cleveland")
    assert no_address.exit_code == 1
    assert "Cleveland Police has no chief constable email address" in no_address.stderr
    unknown = run(runner, "send-league-tables", "--force", "atlantis")
    assert unknown.exit_code == 1
    assert "No force with code 'atlantis'" in unknown.stderr

    # The rest of the month's run leaves Kent alone.
    smtp.clear()
    assert run(runner, "send-league-tables").exit_code == 0
    assert not smtp.to("chief@kent.invalid")
    assert smtp.to("chief@essex.invalid")


def test_movement_since_the_last_email(smtp, scenario, runner):
    with time_machine.travel(datetime(2026, 4, 1, 7, 0, tzinfo=LONDON)):
        assert run(runner, "send-league-tables", "--force", "kent").exit_code == 0
    april = smtp.to("chief@kent.invalid")[0]
    assert "Kent Police is ranked 3 of 43 forces." in april.text
    assert "This is the first report" in april.text
    smtp.clear()

    with time_machine.travel(MAY_FIRST):
        assert run(runner, "send-league-tables").exit_code == 0
    kent = smtp.to("chief@kent.invalid")[0].text
    assert "Compared with your last email (April 2026, figures as of 1 April 2026):" in kent
    assert "- Rank: up 1 place, from 3 to 2" in kent
    assert "- Overall: up 25.0 percentage points, from 37.5% to 62.5%" in kent
    assert "- E-learning: up 33.3 percentage points, from 50.0% to 83.3%" in kent
    assert "- Hydra: up 25.0 percentage points, from 25.0% to 50.0%" in kent
    # Essex's chief got no April email, so May is Essex's first report.
    assert "This is the first report" in smtp.to("chief@essex.invalid")[0].text


def test_a_failed_previous_email_is_not_what_movement_compares_with(smtp, scenario, runner):
    smtp.refuse.add("chief@kent.invalid")
    with time_machine.travel(datetime(2026, 4, 1, 7, 0, tzinfo=LONDON)):
        assert run(runner, "send-league-tables", "--force", "kent").exit_code == 1
    smtp.refuse.clear()
    with time_machine.travel(MAY_FIRST):
        assert run(runner, "send-league-tables", "--force", "kent").exit_code == 0
    (may,) = [m for m in smtp.to("chief@kent.invalid") if "May 2026" in m.subject]
    assert "This is the first report" in may.text


def test_chief_constable_emails_carry_no_personal_data(smtp, scenario, runner, may_first):
    assert run(runner, "send-league-tables").exit_code == 0
    people = scenario.kent_people.values()
    for message in smtp.received:
        raw = message.message.as_string()
        workbook = repr(message.workbook_rows()) if message.attachments() else ""
        for person in people:
            for value in (person.surname, person.staff_number, person.email):
                if value:
                    assert value not in raw and value not in workbook, (value, message.subject)


# --- the publish step ----------------------------------------------------------------------------------------


def test_publish_required_sends_nothing_until_the_table_is_published(smtp, scenario, runner, app):
    publishing.set_publish_required(True)
    db.session.commit()
    with time_machine.travel(MAY_FIRST):
        refused = run(runner, "send-league-tables")
        assert refused.exit_code == 1
        assert "The league table for May 2026 has not been published" in refused.stderr
        assert smtp.received == [] and log_rows() == []
        dry = run(runner, "send-league-tables", "--dry-run")
        assert dry.exit_code == 1 and "not been published" in dry.stderr

    # MSOICU reviewed and published on 28 April: the emails use that table, as of that day.
    with time_machine.travel(datetime(2026, 4, 28, 16, 0, tzinfo=LONDON)):
        publishing.publish_table("2026-05", clock.today())
        db.session.commit()
    with time_machine.travel(MAY_FIRST):
        result = run(runner, "send-league-tables")
    assert result.exit_code == 0, result.output
    kent = smtp.to("chief@kent.invalid")[0]
    assert "Figures as of 28 April 2026:" in kent.text
    assert kent.workbook_rows()[0][0] == "OIC training compliance: league table as of 2026-04-28"
    assert {r.status for r in log_rows()} == {"sent"}


def test_a_published_table_is_fixed_once_its_emails_have_gone(smtp, scenario, runner, may_first):
    publishing.publish_table("2026-05", clock.today())
    db.session.commit()
    publishing.publish_table("2026-05", clock.today())  # replacing before any email has gone is fine
    db.session.commit()
    assert run(runner, "send-league-tables").exit_code == 0
    with pytest.raises(email_common.EmailRefused, match="already been sent"):
        publishing.publish_table("2026-05", clock.today())
    with pytest.raises(email_common.EmailRefused, match="can only be for"):
        publishing.publish_table("2026-09", clock.today())
    db.session.rollback()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "league_table.published")).all()
    assert len(events) == 2


# --- reminders -----------------------------------------------------------------------------------------------


@pytest.fixture
def leads(create_user):
    return {
        "kent": create_user("force_lead", email="lead@kent.invalid", force="kent"),
        "essex": create_user("force_lead", email="lead@essex.invalid", force="essex"),
    }


def test_stale_data_reminders_go_to_the_leads_of_forces_with_old_uploads(smtp, scenario, leads, runner, may_first):
    result = run(runner, "send-reminders")
    assert result.exit_code == 0, result.output

    # Essex: College Learn last uploaded 10 January, Hydra never. Kent uploaded on 20 April: not stale.
    (essex,) = smtp.to("lead@essex.invalid")
    assert not smtp.to("lead@kent.invalid")
    assert essex.subject == "Essex Police: OIC training data needs updating"
    assert "College Learn completions: last uploaded 10 January 2026 (111 days ago)" in essex.text
    assert "Hydra attendance registers: never uploaded" in essex.text
    assert "Hydra attendance registers: never uploaded" in essex.html
    (row,) = log_rows(email_common.STALE_DATA)
    assert (row.period, row.status) == ("2026-W18", "sent")
    assert "Stale data but no force lead to remind (told to their ROCU and the admins instead): avon-and-somerset" \
        in result.stdout

    again = run(runner, "send-reminders")
    assert again.exit_code == 0
    assert len(smtp.to("lead@essex.invalid")) == 1
    # Next week is a new period: the lead is reminded again while the data stays stale.
    with time_machine.travel(datetime(2026, 5, 4, 8, 0, tzinfo=LONDON)):
        assert run(runner, "send-reminders").exit_code == 0
    assert len(smtp.to("lead@essex.invalid")) == 2


def test_personal_reminders_only_in_opted_in_forces(smtp, scenario, leads, runner, may_first):
    assert run(runner, "send-reminders").exit_code == 0
    assert not [r for r in log_rows() if r.kind == email_common.PERSONAL_REMINDER]


def test_personal_reminders_list_what_is_outstanding_and_never_reach_leavers_or_the_exempt(
        smtp, scenario, leads, runner, may_first):
    from tests.support.emails import force

    force("kent").personal_reminders = True
    db.session.commit()
    result = run(runner, "send-reminders")
    assert result.exit_code == 0, result.output

    personal = {r.recipient for r in log_rows(email_common.PERSONAL_REMINDER)}
    # Dev has M3 and M4 to do, Fin a Hydra session; Hal has no email address; Ivy left; Jo is exempt; the rest
    # are compliant.
    assert personal == {"dev.sample@kent.invalid", "fin.placeholder@kent.invalid"}
    (dev,) = smtp.to("dev.sample@kent.invalid")
    assert dev.subject == "Reminder: OIC training you still need to complete"
    assert "Dear Dev," in dev.text
    assert "Organised immigration crime: incident types, investigative mindset and partners" in dev.text
    assert "Organised immigration crime: inland case study" in dev.text
    assert "introduction" not in dev.text
    assert "- MSOICU Hydra" not in dev.text
    assert dev.message["Reply-To"] == "lead@kent.invalid"
    (fin,) = smtp.to("fin.placeholder@kent.invalid")
    assert "- MSOICU Hydra immersive session (ask your force's training lead" in fin.text
    assert "e-learning module" not in fin.text
    for nobody in ("ivy.leaver@kent.invalid", "jo.exempt@kent.invalid", "ada.testperson@kent.invalid"):
        assert not smtp.to(nobody)


def test_a_person_is_reminded_at_most_once_every_14_days(smtp, scenario, leads, runner, may_first):
    from tests.support.emails import force

    force("kent").personal_reminders = True
    db.session.commit()
    assert run(runner, "send-reminders").exit_code == 0  # Friday 1 May
    assert len(smtp.to("dev.sample@kent.invalid")) == 1

    with time_machine.travel(datetime(2026, 5, 4, 8, 0, tzinfo=LONDON)):  # Monday, a new ISO week
        result = run(runner, "send-reminders")
    assert "Personal reminders not due yet (one sent in the last 14 days): 2" in result.stdout
    assert len(smtp.to("dev.sample@kent.invalid")) == 1
    with time_machine.travel(datetime(2026, 5, 14, 8, 0, tzinfo=LONDON)):  # 13 days on
        run(runner, "send-reminders")
    assert len(smtp.to("dev.sample@kent.invalid")) == 1
    with time_machine.travel(datetime(2026, 5, 15, 8, 0, tzinfo=LONDON)):  # 14 days on
        run(runner, "send-reminders")
    assert len(smtp.to("dev.sample@kent.invalid")) == 2


def test_reminders_dry_run(smtp, scenario, leads, runner, may_first):
    from tests.support.emails import force

    force("kent").personal_reminders = True
    db.session.commit()
    result = run(runner, "send-reminders", "--dry-run")
    assert result.exit_code == 0, result.output
    lines = sorted(tuple(line.split("\t")[1:4]) for line in result.stdout.splitlines()
                   if line.startswith("would send\t"))
    assert lines == [
        ("personal_reminder", "2026-W18", "dev.sample@kent.invalid"),
        ("personal_reminder", "2026-W18", "fin.placeholder@kent.invalid"),
        ("stale_data", "2026-W18", "lead@essex.invalid"),
        # The 40 forces with stale data and no lead account: to the admin, in one email (South East's ROCU has no
        # account here).
        ("stale_data_no_lead", "2026-W18", "admin.one@example.invalid"),
    ]
    assert smtp.received == [] and log_rows() == []


# --- delivery mechanics --------------------------------------------------------------------------------------


def test_an_unreachable_server_fails_every_email_without_stopping_the_run(app, scenario, runner, may_first):
    from tests.support.emails import free_port

    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    result = run(runner, "send-league-tables")
    assert result.exit_code == 1
    rows = log_rows()
    assert len(rows) == 4
    assert {r.status for r in rows} == {"failed"}
    assert all("Could not connect to the SMTP server" in r.error for r in rows)
    assert "4 of the emails failed" in result.stderr


def test_a_pending_row_left_by_an_interrupted_run_is_not_resent(smtp, scenario, runner, may_first):
    db.session.add(EmailLog(kind=email_common.LEAGUE_TABLE, period="2026-05", recipient="chief@kent.invalid",
                            status="pending", attempts=0))
    db.session.commit()
    result = run(runner, "send-league-tables")
    assert result.exit_code == 0, result.output
    assert not smtp.to("chief@kent.invalid")
    lines = result.stdout.splitlines()
    assert any(line.startswith("pending\tleague_table\t2026-05\tchief@kent.invalid") for line in lines)
    assert "1 left pending by an interrupted run" in result.stdout


def test_the_log_row_is_committed_as_pending_before_the_smtp_conversation(smtp, scenario, app, monkeypatch,
                                                                          may_first):
    from lms.emails import mailer

    seen = []
    original = mailer.Mailer.send

    def spy(self, message):
        # Another connection sees the row already committed, as pending, while the message is on its way.
        with db.engine.connect() as conn:
            seen.append(conn.execute(select(EmailLog.status).where(EmailLog.recipient == message.to)).scalar())
        return original(self, message)

    monkeypatch.setattr(mailer.Mailer, "send", spy)
    emails.send_league_tables(force_code="kent")
    db.session.commit()
    assert seen == ["pending"]
    assert log_rows()[0].status == "sent"


def test_a_rendering_error_fails_that_email_only(smtp, scenario, monkeypatch, may_first):
    original = league.render_league_email

    def broken(force, *args, **kwargs):
        if force.code == "essex":
            raise RuntimeError("template exploded")
        return original(force, *args, **kwargs)

    monkeypatch.setattr(emails, "render_league_email", broken)
    report = emails.send_league_tables(actor_name="test")
    db.session.commit()
    assert report.failed == 1
    row = next(r for r in log_rows() if r.recipient == "chief@essex.invalid")
    assert row.status == "failed" and "template exploded" in row.error
    assert smtp.to("chief@kent.invalid")


def test_the_retry_job_retries_failures_of_this_period_up_to_five_attempts(smtp, scenario, may_first):
    smtp.refuse.add("chief@essex.invalid")
    emails.send_league_tables()
    db.session.commit()
    smtp.clear()

    for attempt in range(2, 6):
        emails.retry_failed()
        db.session.commit()
        row = next(r for r in log_rows() if r.recipient == "chief@essex.invalid")
        assert (row.status, row.attempts) == ("failed", attempt)
    emails.retry_failed()  # five attempts: the hourly job leaves it for a person to look at
    db.session.commit()
    assert next(r for r in log_rows() if r.recipient == "chief@essex.invalid").attempts == 5
    assert smtp.received == []

    smtp.refuse.clear()
    report = emails.send_league_tables()  # a manual run always tries again
    db.session.commit()
    assert report.count("sent") == 1
    assert [m.rcpt_tos for m in smtp.received] == [["chief@essex.invalid"]]


def test_the_retry_job_never_starts_a_month_of_its_own(smtp, scenario, may_first):
    report = emails.retry_failed()
    db.session.commit()
    assert report.outcomes == [] and smtp.received == [] and log_rows() == []
    assert db.session.scalar(select(PublishedTable)) is None


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_authentication_when_a_username_is_set(smtp_auth, scenario, app, may_first):
    handler, logins = smtp_auth
    app.config.update(SMTP_USERNAME="oic-service", SMTP_PASSWORD="app-password-for-tests")
    report = emails.send_league_tables(force_code="kent")
    db.session.commit()
    assert report.count("sent") == 1
    assert logins == [("oic-service", "app-password-for-tests")]
    assert handler.to("chief@kent.invalid")

    app.config.update(SMTP_PASSWORD="wrong")
    report = emails.send_league_tables(force_code="essex")
    db.session.commit()
    assert report.failed == 1
    assert "refused the session" in next(r for r in log_rows() if r.recipient == "chief@essex.invalid").error


def test_periods():
    assert clock.month_period(date(2026, 5, 1)) == "2026-05"
    assert clock.week_period(date(2026, 5, 1)) == "2026-W18"
    assert clock.week_period(date(2027, 1, 1)) == "2026-W53"
    assert clock.month_label("2026-12") == "December 2026"


def test_two_runs_at_once_cannot_both_send(smtp, scenario, monkeypatch, may_first):
    # Another run claimed the address after this run read the log: the unique key stops the second send.
    db.session.add(EmailLog(kind=email_common.LEAGUE_TABLE, period="2026-05", recipient="chief@kent.invalid",
                            status="pending", attempts=0))
    db.session.commit()
    monkeypatch.setattr(emails, "_existing", lambda plans: {})
    report = emails.send_league_tables(force_code="kent")
    db.session.commit()
    assert [o.action for o in report.outcomes] == ["already sent"]
    assert smtp.received == []


def test_a_force_with_no_roster_is_told_it_is_not_ranked(smtp, scenario, runner, may_first):
    set_chiefs(cleveland="chief@cleveland.invalid")
    assert run(runner, "send-league-tables", "--force", "cleveland").exit_code == 0
    (message,) = smtp.to("chief@cleveland.invalid")
    assert message.subject == "Cleveland Police: OIC training compliance, May 2026 (not ranked)"
    assert "Cleveland Police is not ranked: it has not yet uploaded a roster" in message.text
    assert "No one on your force's roster is recorded as needing this training yet." in message.text
    assert "  -  Cleveland Police: -  <- your force" in message.text
