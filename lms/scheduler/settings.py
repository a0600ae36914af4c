"""Schedules the admin can change: a cron string and an on/off switch per scheduler job, and the publish step.

Times are in the service's time zone (Europe/London by default), so "07:00" stays 07:00 across the clock change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from cron_descriptor import ExpressionDescriptor, FormatError, MissingFieldError, Options, WrongArgumentError
from sqlalchemy import select

from lms.audit import service as audit
from lms.core.clock import timezone
from lms.extensions import db
from lms.forces.reference import DEFAULT_SCHEDULES
from lms.models import ScheduleSetting, User


@dataclass(frozen=True, slots=True)
class JobSpec:
    job_id: str
    title: str
    description: str
    default_cron: str
    # How late a missed run (scheduler down at the time) may still run when the scheduler comes back.
    misfire_grace_seconds: int


JOBS: dict[str, JobSpec] = {
    spec.job_id: spec
    for spec in (
        JobSpec("league_tables", "League tables to chief constables",
                "Emails each chief constable their force's position and the national table.",
                DEFAULT_SCHEDULES["league_tables"], 10 * 24 * 3600),
        JobSpec("reminders", "Reminders",
                "Stale-data reminders to force leads; personal reminders in forces that opted in.",
                DEFAULT_SCHEDULES["reminders"], 2 * 24 * 3600),
        JobSpec("snapshots", "Daily figures", "Stores each force's figures for trends and the fast league table.",
                DEFAULT_SCHEDULES["snapshots"], 12 * 3600),
        JobSpec("retry_failed", "Retry failed emails",
                "Sends again this period's emails that the mail server refused (up to 5 attempts each).",
                DEFAULT_SCHEDULES["retry_failed"], 3600),
    )
}

DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_FIELD = re.compile(r"^[A-Za-z0-9*/,\-]+$")
_ONE_SECOND = timedelta(seconds=1)


class ScheduleError(ValueError):
    """The schedule cannot be saved; the message says why."""




def _crontab_weekdays(field: str) -> str:
    """Crontab counts weekdays from Sunday = 0 (or 7), APScheduler 3 from Monday = 0: use names, read alike by both."""
    if not re.search(r"\d", field):
        return field
    out: list[str] = []
    for item in field.split(","):
        if "/" in item:
            raise ScheduleError("Use day names (mon, tue, ...) or single numbers for the weekday, not steps")
        if "-" in item:
            low, _, high = item.partition("-")
            first, last = _weekday_number(low), _weekday_number(high)
            if first > last:
                raise ScheduleError(f"The weekday range {item} runs backwards")
            out.extend(DAY_NAMES[n % 7] for n in range(first, last + 1))
        else:
            out.append(DAY_NAMES[_weekday_number(item) % 7])
    # Keep the order and drop repeats (0 and 7 are both Sunday).
    return ",".join(dict.fromkeys(out))


def _weekday_number(token: str) -> int:
    token = token.strip().lower()
    if token.isdigit() and 0 <= int(token) <= 7:
        return int(token)
    if token in DAY_NAMES:
        return DAY_NAMES.index(token)
    raise ScheduleError(f"{token} is not a weekday: use 0-7 (0 and 7 are Sunday) or mon, tue, ...")


def normalise_cron(expr: str) -> str:
    """Check a five-field crontab expression and return it tidied (single spaces, weekday numbers as names)."""
    fields = (expr or "").split()
    if len(fields) != 5:
        raise ScheduleError(
            "Enter five fields separated by spaces: minute, hour, day of month, month and weekday, like 0 7 1 * *"
        )
    if not all(_FIELD.match(f) for f in fields):
        raise ScheduleError("Use only numbers, names, *, /, - and , in a schedule")
    fields[4] = _crontab_weekdays(fields[4])
    cron = " ".join(fields)
    try:
        CronTrigger.from_crontab(cron, timezone="UTC")
    except ValueError as exc:
        raise ScheduleError(f"That is not a schedule the scheduler understands: {exc}") from None
    return cron


def describe(cron: str) -> str:
    """A schedule in words, as the admin pages show it: "At 07:00, on day 1 of the month" (cron-descriptor)."""
    options = Options()
    options.use_24hour_time_format = True
    options.locale_code = "en_GB"
    try:
        return ExpressionDescriptor(cron, options).get_description()
    except (FormatError, MissingFieldError, WrongArgumentError):
        return cron


def trigger_for(cron: str, tz: ZoneInfo | None = None) -> CronTrigger:
    """The APScheduler trigger for a crontab string, in the service's time zone."""
    return CronTrigger.from_crontab(normalise_cron(cron), timezone=tz or timezone())


def next_runs(cron: str, count: int = 3, after: datetime | None = None, tz: ZoneInfo | None = None) -> list[datetime]:
    """The next `count` times a schedule fires after `after` (default now), as aware local datetimes."""
    tz = tz or timezone()
    trigger = trigger_for(cron, tz)
    moment = (after or datetime.now(tz)).astimezone(tz)
    out: list[datetime] = []
    previous = None
    for _ in range(count):
        moment = trigger.get_next_fire_time(previous, moment)
        if moment is None:
            break
        out.append(moment)
        previous = moment
        # In UTC: local wall-clock arithmetic drops `fold`, and would land back inside a repeated hour.
        moment = (moment.astimezone(UTC) + _ONE_SECOND).astimezone(tz)
    return out


@dataclass(frozen=True, slots=True)
class JobSetting:
    spec: JobSpec
    cron: str
    enabled: bool
    stored: bool  # False: no row yet, the default applies
    updated_at: datetime | None
    updated_by_id: int | None


def job_settings() -> list[JobSetting]:
    """Every scheduler job with its current schedule (the default when nobody has changed it)."""
    rows = {r.job_id: r for r in db.session.scalars(select(ScheduleSetting))}
    out = []
    for job_id, spec in JOBS.items():
        row = rows.get(job_id)
        if row is None:
            out.append(JobSetting(spec, spec.default_cron, True, False, None, None))
        else:
            out.append(JobSetting(spec, row.cron, bool(row.enabled), True, row.updated_at, row.updated_by_id))
    return out


def job_setting(job_id: str) -> JobSetting:
    """One job's current schedule; LookupError for a job that does not exist."""
    for setting in job_settings():
        if setting.spec.job_id == job_id:
            return setting
    raise LookupError(job_id)


def update_schedule(job_id: str, cron: str, enabled: bool, actor: User | None = None,
                    actor_name: str | None = None) -> ScheduleSetting:
    """Change a job's schedule. Flushes; the caller commits. The scheduler process picks it up within a minute."""
    if job_id not in JOBS:
        raise ScheduleError(f"No scheduler job called {job_id}")
    cron = normalise_cron(cron)
    row = db.session.get(ScheduleSetting, job_id)
    before = {"cron": row.cron, "enabled": row.enabled} if row else {"cron": JOBS[job_id].default_cron, "enabled": True}
    if row is None:
        row = ScheduleSetting(job_id=job_id, cron=cron, enabled=enabled)
        db.session.add(row)
    row.cron, row.enabled = cron, enabled
    row.updated_by_id = actor.id if actor else None
    db.session.flush()
    audit.record("schedule.changed", actor, actor=actor_name, target=job_id, before=before,
                 after={"cron": cron, "enabled": enabled})
    return row
