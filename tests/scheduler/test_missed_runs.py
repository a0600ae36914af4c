"""A month's league tables or a week's reminders that were due and did not go are never silent: a scheduler that
starts late runs them at once, and the admin's schedules page says so with a button to send them now."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import create_engine, text

from lms.emails import common as email_common
from lms.extensions import db
from lms.models import EmailLog
from lms.scheduler import jobs, missed


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def scheduler(app):
    made = jobs.build_scheduler(app, BackgroundScheduler)
    made.start(paused=True)
    yield made
    jobs.stop_scheduler(made)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {jobs.JOB_TABLE}"))
    engine.dispose()


def test_a_scheduler_started_after_seven_on_the_first_sends_that_months_tables_now(app, scheduler):
    with time_machine.travel(utc(2026, 12, 1, 9, 30), tick=False):
        changes = jobs.sync_jobs(scheduler, app)

        assert changes["league_tables"] == "added (0 7 1 * *), due since the last run: running now"
        assert scheduler.get_job("league_tables").next_run_time == utc(2026, 12, 1, 9, 30)


def test_a_scheduler_started_after_the_month_already_ran_waits_for_next_month(app, scheduler):
    with time_machine.travel(utc(2026, 12, 1, 7, 0, 5), tick=False):
        missed.record_run("league_tables")
        db.session.commit()
    with time_machine.travel(utc(2026, 12, 1, 9, 30), tick=False):
        jobs.sync_jobs(scheduler, app)

        assert scheduler.get_job("league_tables").next_run_time == utc(2027, 1, 1, 7)


def test_a_month_missed_longer_ago_than_the_grace_time_is_left_to_the_admin(app, scheduler):
    with time_machine.travel(utc(2026, 12, 20, 9), tick=False):
        jobs.sync_jobs(scheduler, app)

        assert scheduler.get_job("league_tables").next_run_time == utc(2027, 1, 1, 7)
        assert [run.job_id for run in missed.missed_runs()] == ["league_tables", "reminders"]


def test_the_schedules_page_says_what_was_missed_with_a_button_to_send_it(signed_in):
    with time_machine.travel(utc(2026, 12, 1, 9, 30), tick=False):
        client, _ = signed_in("admin")
        html = client.get("/admin/schedules").get_data(as_text=True)

    assert ("League tables to chief constables were due at 1 December 2026, 07:00 GMT and have not been sent"
            in " ".join(html.split()))
    assert 'href="/admin/emails/send?kind=league_tables"' in html


def test_nothing_is_said_once_the_job_has_run_or_its_emails_went(signed_in):
    with time_machine.travel(utc(2026, 12, 1, 9, 30), tick=False):
        client, _ = signed_in("admin")
        missed.record_run("reminders")  # ran on Monday 30 November, after its 08:00
        db.session.add(EmailLog(kind=email_common.LEAGUE_TABLE, period="2026-12", recipient="chief@kent.invalid",
                                status="sent", attempts=1))  # sent by hand with Send now
        db.session.commit()

        html = client.get("/admin/schedules").get_data(as_text=True)

    assert "data-missed" not in html


def test_a_run_within_its_first_minutes_is_not_called_missed(app):
    with time_machine.travel(utc(2026, 12, 1, 7, 5), tick=False):
        assert [run.job_id for run in missed.missed_runs()] == ["reminders"]


def test_a_job_that_runs_records_when_even_if_it_had_nothing_to_send(app, monkeypatch):
    monkeypatch.setitem(jobs.JOB_FUNCTIONS, "reminders", lambda: None)
    monkeypatch.setattr(jobs, "_app", app)

    with time_machine.travel(utc(2026, 11, 30, 8, 0, 2), tick=False):
        jobs.run_job("reminders")

    assert missed.last_run("reminders") == utc(2026, 11, 30, 8, 0, 2)


def test_schedules_are_shown_in_words(signed_in):
    client, _ = signed_in("admin")

    html = " ".join(client.get("/admin/schedules").get_data(as_text=True).split())

    assert "At 07:00, on day 1 of the month" in html
    assert "At 08:00, only on Monday" in html
    edit = " ".join(client.get("/admin/schedules/reminders").get_data(as_text=True).split())
    assert "Runs now: At 08:00, only on Monday, Europe/London time." in edit
    saved = client.post("/admin/schedules/reminders", data={"cron": "30 9 * * 1", "enabled": "on"},
                        follow_redirects=True).get_data(as_text=True)
    assert "Reminders: schedule saved (At 09:30, only on Monday)" in " ".join(saved.split())
