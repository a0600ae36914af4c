"""Scheduler jobs and the `lms run-scheduler` process (APScheduler 3.x).

The scheduler runs in its own process, never in web workers. Its job store is a table in the service's database
(`apscheduler_jobs`), so a run missed while the process was down still happens when it comes back (coalesced into
one run, within each job's grace time). Which jobs run, and when, comes from the admin-editable ScheduleSetting
rows: a one-minute sync job re-reads them, so a change on the Schedules page takes effect without a restart.

Each job runs in its own app context and commits at its end (the boundary); email sends commit per email as
`lms.emails.delivery` explains.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app, has_app_context
from sqlalchemy import create_engine

from lms.audit import service as audit
from lms.core import clock
from lms.core.transaction import committing
from lms.emails import common as email_common
from lms.emails import delivery as emails
from lms.extensions import db
from lms.imports import worker as import_worker
from lms.reports import figures
from lms.scheduler import missed
from lms.scheduler import settings as schedules

log = logging.getLogger(__name__)

ACTOR = "scheduler"
SYNC_JOB_ID = "sync_schedules"
JOB_TABLE = "apscheduler_jobs"

# The app the scheduler process serves; set by `run_scheduler` (jobs run in worker threads, outside any context).
_app: Flask | None = None


def league_tables_job() -> None:
    """Send this month's league tables (nothing twice); a refusal (table not published) is logged and audited."""

    try:
        report = emails.send_league_tables(actor_name=ACTOR)
    except email_common.EmailRefused as exc:
        db.session.rollback()
        log.warning("League tables not sent: %s", exc)
        audit.record("emails.refused", None, actor=ACTOR, target=email_common.LEAGUE_TABLE, reason=str(exc))
        return
    _log_report("League tables", report)


def reminders_job() -> None:
    """Send this week's stale-data and personal reminders."""

    _log_report("Reminders", emails.send_reminders(actor_name=ACTOR))


def snapshots_job() -> None:
    """Store today's figures of every force."""

    count = figures.refresh_snapshots()
    log.info("Stored today's figures for %d forces", count)


def retry_failed_job() -> None:
    """Send again this period's emails that the mail server refused."""

    report = emails.retry_failed(actor_name=ACTOR)
    if report.outcomes:
        _log_report("Retry of failed emails", report)


def _log_report(what: str, report) -> None:
    log.info("%s: %s", what, report.summary())
    for note in report.notes:
        log.info("%s: %s", what, note)


JOB_FUNCTIONS: dict[str, Callable[[], None]] = {
    "league_tables": league_tables_job,
    "reminders": reminders_job,
    "snapshots": snapshots_job,
    "retry_failed": retry_failed_job,
}


def _the_app() -> Flask:
    if _app is not None:
        return _app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    raise RuntimeError("Scheduler jobs run in the app given to run_scheduler (lms run-scheduler)")


def run_job(job_id: str) -> None:
    """Run one job inside an app context and commit at the end; roll back and log if it fails.

    The job store keeps a reference to this function and the job id (both picklable), not the app.
    """
    app = _the_app()
    started = time.monotonic()
    log.info("Scheduler job %s starting", job_id)
    with app.app_context():
        try:
            with committing():
                JOB_FUNCTIONS[job_id]()
                missed.record_run(job_id)
        except Exception:
            # Logged, not raised: the next run starts afresh, and the job stays scheduled.
            log.exception("Scheduler job %s failed", job_id)
        else:
            log.info("Scheduler job %s done in %.1fs", job_id, time.monotonic() - started)


def sync_jobs(scheduler: BaseScheduler, app: Flask | None = None) -> dict[str, str]:
    """Make the scheduler's jobs match the ScheduleSetting rows: add, reschedule or remove. Returns what changed.

    A job whose schedule is unchanged is left alone, so a run missed while the scheduler was down still fires.
    """

    app = app or _the_app()
    changes: dict[str, str] = {}
    with app.app_context():
        tz = clock.timezone()
        wanted = {s.spec.job_id: s for s in schedules.job_settings() if s.enabled}
        for job_id, setting in wanted.items():
            try:
                trigger = schedules.trigger_for(setting.cron, tz)
            except schedules.ScheduleError as exc:
                log.error("Schedule for %s is not valid (%s): %s", job_id, setting.cron, exc)
                continue
            job = scheduler.get_job(job_id, jobstore="default")
            if job is None:
                # A new job's first run is the next due time, so a scheduler started after 07:00 on the 1st
                # would skip the month: an email run that was due and did not happen runs now instead.
                now = datetime.now(tz)
                first = {"next_run_time": now} if missed.catch_up_now(setting, now) else {}
                scheduler.add_job(run_job, trigger, args=[job_id], id=job_id, name=setting.spec.title,
                                  jobstore="default", replace_existing=True,
                                  misfire_grace_time=setting.spec.misfire_grace_seconds, **first)
                changes[job_id] = f"added ({setting.cron})" + (", due since the last run: running now" if first
                                                               else "")
            elif repr(job.trigger) != repr(trigger):
                scheduler.reschedule_job(job_id, jobstore="default", trigger=trigger)
                changes[job_id] = f"rescheduled ({setting.cron})"
        for job in scheduler.get_jobs(jobstore="default"):
            if job.id not in wanted:
                scheduler.remove_job(job.id, jobstore="default")
                changes[job.id] = "removed"
    for job_id, change in changes.items():
        log.info("Schedule %s: %s", job_id, change)
    return changes


def build_scheduler(app: Flask, scheduler_class: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """A scheduler with its job store on the app's database, in the service's time zone, coalescing missed runs."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"],
                           **dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}))
    scheduler = scheduler_class(
        jobstores={
            "default": SQLAlchemyJobStore(engine=engine, tablename=JOB_TABLE),
            # The sync job is plumbing: it is re-created at every start, so it need not persist.
            "memory": MemoryJobStore(),
        },
        executors={"default": ThreadPoolExecutor(4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
        timezone=ZoneInfo(app.config["TIMEZONE"]),
    )
    scheduler.lms_engine = engine  # type: ignore[attr-defined]
    return scheduler


def stop_scheduler(scheduler: BaseScheduler, wait: bool = True) -> None:
    """Shut the scheduler down and close its job store's connections.

    APScheduler's loop may read the job store once more after shutdown has disposed of its engine, so the
    engine is disposed of again here, once the loop has ended.
    """
    if scheduler.running:
        scheduler.shutdown(wait=wait)
    engine = getattr(scheduler, "lms_engine", None)
    if engine is not None:
        engine.dispose()


def add_sync_job(scheduler: BaseScheduler, app: Flask) -> None:
    """Re-read the schedules every minute, and once straight after start."""
    scheduler.add_job(sync_jobs, "interval", minutes=1, args=[scheduler, app], id=SYNC_JOB_ID, jobstore="memory",
                      replace_existing=True, next_run_time=datetime.now(ZoneInfo(app.config["TIMEZONE"])),
                      misfire_grace_time=60)


def start_import_worker(app: Flask) -> tuple[threading.Thread, threading.Event]:
    """The background preview worker (lms.imports.worker) in a thread beside the scheduler's jobs: it claims the
    previews any web instance queued (LMS_IMPORT_WORKER=process) and fails those whose worker stopped. A loop, not
    a job: a preview can take longer than any sensible interval, and it must not hold up the jobs."""
    stop = threading.Event()
    thread = threading.Thread(target=import_worker.run_forever, args=(app, stop), name="import-worker", daemon=True)
    thread.start()
    return thread, stop


def run_scheduler(app: Flask) -> None:
    """Run the scheduler in the foreground until SIGTERM (running jobs finish first) or Ctrl-C (they do not)."""
    global _app
    _app = app
    scheduler = build_scheduler(app)
    add_sync_job(scheduler, app)
    worker_thread, worker_stop = start_import_worker(app)

    def stop(signum, frame):
        # Let a running job finish: an email cut off mid-send would be left pending, never resent automatically.
        log.info("Stopping the scheduler (waiting for running jobs)")
        worker_stop.set()  # the preview being read, if any, is finished first
        if scheduler.running:
            scheduler.shutdown(wait=True)
        worker_thread.join()

    signal.signal(signal.SIGTERM, stop)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        worker_stop.set()
        stop_scheduler(scheduler, wait=False)
