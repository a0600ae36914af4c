"""Email runs that were due and did not happen, so a missed month or week is never silent.

A scheduler started after 07:00 on the 1st used to schedule that month's league tables for next month: the
emails were simply skipped, and the admin page showed next month's date without a word. Now every job records
when it last ran; a run due since then is (a) run at once when the scheduler starts within the job's grace time,
and (b) shown on the admin's schedules page, with a button to send now, until its emails have gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from lms.core.clock import local_time, month_period, timezone, week_period
from lms.emails import common as email_common
from lms.extensions import db
from lms.models import EmailLog, JobRun, utcnow
from lms.scheduler import settings as schedules

# The jobs whose runs people wait for, the email kinds each sends and the period an email belongs to.
EMAIL_JOBS = {
    "league_tables": ((email_common.LEAGUE_TABLE, email_common.MISSING_CHIEFS), month_period),
    "reminders": ((email_common.STALE_DATA, email_common.PERSONAL_REMINDER), week_period),
}
LOOKBACK = timedelta(days=32)  # far enough back to find a monthly run's last due time
GRACE = timedelta(minutes=10)  # a run may start a little late before it counts as missed


@dataclass(frozen=True, slots=True)
class MissedRun:
    """A job's run that was due at `due` (aware, local) and has neither run nor sent its emails."""

    job_id: str
    title: str
    due: datetime
    period: str

    @property
    def due_words(self) -> str:
        """When it was due, as pages write times: "1 December 2026, 07:00 GMT"."""
        return local_time(self.due)


def record_run(job_id: str) -> None:
    """Note that a job has just run (whatever it found to do). Flushes."""
    row = db.session.get(JobRun, job_id)
    if row is None:
        db.session.add(JobRun(job_id=job_id, last_run_at=utcnow()))
    else:
        row.last_run_at = utcnow()
    db.session.flush()


def last_run(job_id: str) -> datetime | None:
    """When the job last ran (aware UTC), or None if it never has."""
    value = db.session.scalar(select(JobRun.last_run_at).where(JobRun.job_id == job_id))
    return value.replace(tzinfo=UTC) if value else None


def previous_due(cron: str, now: datetime) -> datetime | None:
    """The latest time at or before `now` that the schedule fired (within LOOKBACK), aware in the service zone."""
    found = None
    for moment in schedules.next_runs(cron, count=40, after=now - LOOKBACK):
        if moment > now:
            break
        found = moment
    return found


def due_since_last_run(setting: schedules.JobSetting, now: datetime) -> datetime | None:
    """The due time of a run that has not happened since (the job has not run since it was due), else None."""
    if not setting.enabled:
        return None
    try:
        due = previous_due(setting.cron, now)
    except schedules.ScheduleError:
        return None
    if due is None:
        return None
    ran = last_run(setting.spec.job_id)
    return due if ran is None or ran < due else None


def catch_up_now(setting: schedules.JobSetting, now: datetime) -> bool:
    """Whether a starting scheduler should run this email job at once: it was due, did not run, and is still
    within the job's grace time (a month's league tables up to 10 days late, a week's reminders 2 days)."""
    if setting.spec.job_id not in EMAIL_JOBS:
        return False
    due = due_since_last_run(setting, now)
    return due is not None and now - due <= timedelta(seconds=setting.spec.misfire_grace_seconds)


def _emails_since(kinds: tuple[str, ...], period: str, due: datetime) -> bool:
    since = due.astimezone(UTC).replace(tzinfo=None)
    return bool(db.session.scalar(select(func.count()).select_from(EmailLog).where(
        EmailLog.kind.in_(kinds), EmailLog.period == period, EmailLog.created_at >= since)))


def missed_runs(now: datetime | None = None) -> list[MissedRun]:
    """The email runs that were due, are past their grace minutes, and have neither run nor sent anything."""
    now = (now or datetime.now(UTC)).astimezone(timezone())
    out = []
    for setting in schedules.job_settings():
        job = EMAIL_JOBS.get(setting.spec.job_id)
        due = due_since_last_run(setting, now) if job else None
        if due is None or now - due < GRACE:
            continue
        kinds, period_of = job
        period = period_of(due.date())
        if not _emails_since(kinds, period, due):
            out.append(MissedRun(setting.spec.job_id, setting.spec.title, due, period))
    return out
