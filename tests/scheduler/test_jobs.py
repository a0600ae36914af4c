"""The scheduler: London times across the clock changes, jobs from the admin's settings, missed runs coalesced,
each job in its own app context, and `lms run-scheduler` as a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import create_engine, func, inspect, select, text

from lms.emails import common as email_common
from lms.emails import publish as publishing
from lms.extensions import db
from lms.forces.reference import DEFAULT_SCHEDULES
from lms.models import AuditEvent, EmailLog, ForceSnapshot, ScheduleSetting
from lms.scheduler import jobs
from lms.scheduler import settings as schedules
from tests.support.app import fresh_database_url
from tests.support.emails import load_scenario, log_rows, set_chiefs, smtp_fixture  # noqa: F401

LONDON = ZoneInfo("Europe/London")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def fires(cron: str, after: datetime, count: int = 2) -> list[datetime]:
    """The next fire times of a schedule after an instant, in UTC."""
    return [t.astimezone(UTC) for t in schedules.next_runs(cron, count, after=after, tz=LONDON)]


# --- London time across the clock changes (29 March and 25 October 2026) --------------------------------------


def test_the_monthly_league_tables_go_at_seven_london_time_either_side_of_the_spring_change():
    # 1 March is GMT (UTC+0); 1 April is BST (UTC+1): 07:00 London is 07:00 and then 06:00 UTC.
    assert fires("0 7 1 * *", utc(2026, 2, 15)) == [utc(2026, 3, 1, 7), utc(2026, 4, 1, 6)]


def test_the_monthly_league_tables_go_at_seven_london_time_either_side_of_the_autumn_change():
    assert fires("0 7 1 * *", utc(2026, 9, 15)) == [utc(2026, 10, 1, 6), utc(2026, 11, 1, 7)]


def test_monday_reminders_either_side_of_the_clock_changes():
    assert fires("0 8 * * mon", utc(2026, 3, 25)) == [utc(2026, 3, 30, 7), utc(2026, 4, 6, 7)]
    assert fires("0 8 * * mon", utc(2026, 3, 20)) == [utc(2026, 3, 23, 8), utc(2026, 3, 30, 7)]
    assert fires("0 8 * * mon", utc(2026, 10, 20)) == [utc(2026, 10, 26, 8), utc(2026, 11, 2, 8)]
    assert fires("0 8 * * mon", utc(2026, 10, 15)) == [utc(2026, 10, 19, 7), utc(2026, 10, 26, 8)]


def test_the_daily_job_runs_once_a_day_through_both_changes():
    # 29 March: 00:30 is still GMT (the clocks go forward at 01:00 UTC); the next night is BST.
    assert fires("30 0 * * *", utc(2026, 3, 28, 12), 3) == [
        utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 23, 30), utc(2026, 3, 30, 23, 30)]
    # 25 October: 00:30 is still BST (the clocks go back at 01:00 UTC); the next night is GMT.
    assert fires("30 0 * * *", utc(2026, 10, 24, 12), 3) == [
        utc(2026, 10, 24, 23, 30), utc(2026, 10, 26, 0, 30), utc(2026, 10, 27, 0, 30)]


def test_the_hour_the_clocks_skip_or_repeat():
    # APScheduler 3 runs a job set inside the repeated hour (01:00-01:59 on the last Sunday of October) twice, and
    # one set inside the skipped hour (the last Sunday of March) an hour late. The email log makes a second run in
    # the same period send nothing, and the defaults stay clear of 01:00-01:59; the schedule page says so.
    assert fires("30 1 * * *", utc(2026, 10, 24, 12), 3) == [
        utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30), utc(2026, 10, 26, 1, 30)]
    assert fires("30 1 * * *", utc(2026, 3, 28, 12), 2) == [utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)]
    for cron in DEFAULT_SCHEDULES.values():
        assert cron.split()[1] != "1"


def test_the_default_schedules_are_valid():
    for job_id, cron in DEFAULT_SCHEDULES.items():
        assert schedules.JOBS[job_id].default_cron == cron
        assert schedules.normalise_cron(cron) == cron


@pytest.mark.parametrize(("given", "stored"), [
    ("0 8 * * 1", "0 8 * * mon"),  # crontab's 1 is Monday; APScheduler 3 would read it as Tuesday
    ("0 8 * * 0", "0 8 * * sun"),
    ("0 8 * * 7", "0 8 * * sun"),
    ("0 8 * * 1-5", "0 8 * * mon,tue,wed,thu,fri"),
    ("0 8 * * 0,6", "0 8 * * sun,sat"),
    ("  0   7  1 * *  ", "0 7 1 * *"),
    ("*/15 * * * *", "*/15 * * * *"),
    ("0 8 * * mon-fri", "0 8 * * mon-fri"),
])
def test_schedules_are_read_as_crontab_reads_them(given, stored):
    assert schedules.normalise_cron(given) == stored


def test_a_numeric_monday_fires_on_monday():
    (first,) = schedules.next_runs("0 8 * * 1", 1, after=utc(2026, 5, 1), tz=LONDON)
    assert first.date() == date(2026, 5, 4) and first.strftime("%a") == "Mon"


@pytest.mark.parametrize(("given", "message"), [
    ("0 7 1 *", "five fields"),
    ("0 7 1 * * *", "five fields"),
    ("", "five fields"),
    ("61 7 1 * *", "not a schedule"),
    ("0 25 * * *", "not a schedule"),
    ("0 8 * * 8", "not a weekday"),
    ("0 8 * * */2", "day names"),
    ("0 8 * * 5-1", "backwards"),
    ("0 8 ; * *", "Use only"),
])
def test_bad_schedules_are_refused_with_a_reason(given, message):
    with pytest.raises(schedules.ScheduleError, match=message):
        schedules.normalise_cron(given)


# --- the scheduler and its job store ---------------------------------------------------------------------------


@pytest.fixture
def make_scheduler(app):
    """Factory for paused background schedulers on the app's database; drops the job table afterwards."""
    made = []

    def make(paused: bool = True) -> BackgroundScheduler:
        scheduler = jobs.build_scheduler(app, BackgroundScheduler)
        scheduler.start(paused=paused)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        jobs.stop_scheduler(scheduler)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as conn:
        conn.execute(text(f"DROP TABLE IF EXISTS {jobs.JOB_TABLE}"))
    engine.dispose()


def job_times(scheduler) -> dict[str, datetime]:
    return {job.id: job.next_run_time.astimezone(UTC) for job in scheduler.get_jobs(jobstore="default")}


def test_jobs_come_from_the_settings_and_persist_in_the_database(app, make_scheduler):
    with time_machine.travel(utc(2026, 3, 27, 12), tick=False):
        scheduler = make_scheduler()
        changes = jobs.sync_jobs(scheduler, app)
        assert set(changes) == {"league_tables", "reminders", "snapshots", "retry_failed"}
        assert job_times(scheduler) == {
            "league_tables": utc(2026, 4, 1, 6),  # 07:00 BST
            "reminders": utc(2026, 3, 30, 7),  # Monday 08:00 BST, the day after the change
            "snapshots": utc(2026, 3, 28, 0, 30),  # 00:30 GMT
            "retry_failed": utc(2026, 3, 27, 12, 15),
        }
        job = scheduler.get_job("league_tables")
        assert job.func is jobs.run_job and job.args == ("league_tables",)
        assert job.coalesce is True and job.misfire_grace_time == schedules.JOBS["league_tables"].misfire_grace_seconds
        assert jobs.sync_jobs(scheduler, app) == {}  # nothing changed, nothing touched

    # The jobs are rows in the app's own database, so they survive a restart.
    assert jobs.JOB_TABLE in inspect(db.engine).get_table_names()
    with db.engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {jobs.JOB_TABLE}")).scalar() == 4


def test_a_change_on_the_schedules_page_reaches_the_scheduler(app, make_scheduler):
    with time_machine.travel(utc(2026, 10, 20, 12), tick=False):
        scheduler = make_scheduler()
        jobs.sync_jobs(scheduler, app)
        schedules.update_schedule("reminders", "30 9 * * 1", True)
        schedules.update_schedule("snapshots", "30 0 * * *", False)
        db.session.commit()

        assert jobs.sync_jobs(scheduler, app) == {"reminders": "rescheduled (30 9 * * mon)", "snapshots": "removed"}
        times = job_times(scheduler)
        assert times["reminders"] == utc(2026, 10, 26, 9, 30)  # Monday 09:30 GMT, the day after the change
        assert "snapshots" not in times

        schedules.update_schedule("snapshots", "30 0 * * *", True)
        db.session.commit()
        assert jobs.sync_jobs(scheduler, app) == {"snapshots": "added (30 0 * * *)"}


def test_an_invalid_stored_schedule_keeps_the_job_as_it_was(app, make_scheduler, caplog):
    with time_machine.travel(utc(2026, 5, 1, 12), tick=False):
        scheduler = make_scheduler()
        jobs.sync_jobs(scheduler, app)
        before = job_times(scheduler)["reminders"]
        db.session.merge(ScheduleSetting(job_id="reminders", cron="nonsense", enabled=True))
        db.session.commit()
        assert jobs.sync_jobs(scheduler, app) == {}
        assert job_times(scheduler)["reminders"] == before
    assert "Schedule for reminders is not valid" in caplog.text


def test_a_run_missed_while_the_scheduler_was_down_is_kept_for_when_it_returns(app, make_scheduler):
    with time_machine.travel(utc(2026, 4, 30, 12), tick=False):
        first = make_scheduler()
        jobs.sync_jobs(first, app)
        jobs.stop_scheduler(first)
    # Down over the 1st; back on the 2nd. The stored run time is the missed one, so the job fires once on resume
    # (coalesced), within its grace time.
    with time_machine.travel(utc(2026, 5, 2, 9), tick=False):
        second = make_scheduler()
        assert jobs.sync_jobs(second, app) == {}
        assert job_times(second)["league_tables"] == utc(2026, 5, 1, 6)
        grace = second.get_job("league_tables").misfire_grace_time
        assert timedelta(seconds=grace) > utc(2026, 5, 2, 9) - utc(2026, 5, 1, 6)


def test_missed_runs_are_coalesced_into_one(app, make_scheduler, monkeypatch):
    ran = []
    done = threading.Event()

    def probe():
        ran.append(datetime.now(UTC))
        done.set()

    monkeypatch.setitem(jobs.JOB_FUNCTIONS, "probe", probe)
    monkeypatch.setattr(jobs, "_app", app)
    scheduler = make_scheduler(paused=True)
    # Due every minute, last run ten minutes ago: ten runs missed.
    scheduler.add_job(jobs.run_job, CronTrigger.from_crontab("* * * * *", timezone=LONDON), args=["probe"],
                      id="probe", jobstore="default", misfire_grace_time=3600,
                      next_run_time=datetime.now(LONDON) - timedelta(minutes=10))
    scheduler.resume()
    assert done.wait(10)
    time.sleep(0.5)
    assert len(ran) == 1
    assert scheduler.get_job("probe").next_run_time > datetime.now(LONDON)


# --- the jobs themselves ---------------------------------------------------------------------------------------


@pytest.fixture
def chiefs(app, create_user):
    create_user("admin", email="admin.one@example.invalid")
    load_scenario()
    set_chiefs(kent="chief@kent.invalid", essex="chief@essex.invalid")


def test_the_league_table_job_sends_this_months_tables(app, smtp, chiefs):
    with time_machine.travel(datetime(2026, 5, 1, 7, 0, 5, tzinfo=LONDON)):
        jobs.run_job("league_tables")
        jobs.run_job("league_tables")  # a second firing (two schedulers, a retry) sends nothing more
    assert sorted(m.rcpt_tos[0] for m in smtp.received) == [
        "admin.one@example.invalid", "chief@essex.invalid", "chief@kent.invalid"]
    assert {(r.period, r.status) for r in log_rows()} == {("2026-05", "sent")}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "emails.sent"))
    assert event.actor == "scheduler" and event.details["sent"] == 3


def test_the_league_table_job_says_why_when_the_table_is_not_published(app, smtp, chiefs, caplog):
    publishing.set_publish_required(True)
    db.session.commit()
    with time_machine.travel(datetime(2026, 5, 1, 7, 0, 5, tzinfo=LONDON)):
        jobs.run_job("league_tables")
    assert smtp.received == [] and log_rows() == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "emails.refused"))
    assert "not been published" in event.details["reason"]
    assert "League tables not sent" in caplog.text


def test_the_reminders_and_retry_jobs(app, smtp, chiefs, create_user):
    create_user("force_lead", email="lead@essex.invalid", force="essex")
    smtp.refuse.add("lead@essex.invalid")
    with time_machine.travel(datetime(2026, 5, 4, 8, 0, 5, tzinfo=LONDON)):
        jobs.run_job("reminders")
        (row,) = log_rows(email_common.STALE_DATA)
        assert (row.status, row.period) == ("failed", "2026-W19")
        smtp.refuse.clear()
        jobs.run_job("retry_failed")
    (row,) = log_rows(email_common.STALE_DATA)
    assert (row.status, row.attempts) == ("sent", 2)
    # The lead's reminder, retried; the admin's (for the forces with no lead account) went first time.
    assert [m.rcpt_tos for m in smtp.received if "no lead account" not in m.subject] == [["lead@essex.invalid"]]


def test_the_daily_job_stores_each_forces_figures(app):
    with time_machine.travel(datetime(2026, 5, 2, 0, 30, 5, tzinfo=LONDON)):
        jobs.run_job("snapshots")
    count = db.session.scalar(select(func.count()).select_from(ForceSnapshot)
                              .where(ForceSnapshot.as_of == date(2026, 5, 2)))
    assert count == 43


def test_a_failing_job_is_logged_rolled_back_and_does_not_raise(app, monkeypatch, caplog):
    def broken():
        db.session.add(EmailLog(kind="x", period="p", recipient="r@example.invalid"))
        db.session.flush()
        raise RuntimeError("boom")

    monkeypatch.setitem(jobs.JOB_FUNCTIONS, "broken", broken)
    jobs.run_job("broken")
    assert "Scheduler job broken failed" in caplog.text
    assert log_rows() == []


# --- `lms run-scheduler` as a process --------------------------------------------------------------------------


def test_run_scheduler_runs_in_its_own_process_until_stopped(tmp_path):
    url = fresh_database_url(tmp_path, "scheduler")
    env = {**os.environ, "LMS_DATABASE_URL": url, "LMS_INSTANCE_PATH": str(tmp_path / "instance"),
           "LMS_SECRET_KEY": "scheduler-test", "PYTHONUNBUFFERED": "1"}
    lms = str(Path(sys.executable).parent / "lms")
    subprocess.run([lms, "init-db"], env=env, check=True, capture_output=True, timeout=120)

    process = subprocess.Popen([lms, "run-scheduler"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + 30
        stored = 0
        while time.monotonic() < deadline and process.poll() is None:
            if jobs.JOB_TABLE in inspect(engine).get_table_names():
                with engine.connect() as conn:
                    stored = conn.execute(text(f"SELECT count(*) FROM {jobs.JOB_TABLE}")).scalar()
                if stored == 4:
                    break
            time.sleep(0.2)
        assert process.poll() is None, process.communicate()
        assert stored == 4
        with engine.connect() as conn:
            ids = set(conn.execute(text(f"SELECT id FROM {jobs.JOB_TABLE}")).scalars())
        assert ids == {"league_tables", "reminders", "snapshots", "retry_failed"}
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        engine.dispose()
    assert process.returncode == 0, err
    assert "Scheduler starting (Europe/London)" in out
    assert "league_tables: 0 7 1 * * (next " in out
    assert "Stopping the scheduler" in err
