"""`lms run-scheduler`: the one process that runs the scheduled jobs."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.core.cli import fail


@click.command("run-scheduler")
@with_appcontext
def run_scheduler() -> None:
    """Run the scheduler in the foreground (Ctrl-C stops it): league tables, reminders, daily figures, retries.

    Schedules come from the Schedules admin page and are re-read every minute. Run exactly one of these beside the
    web server; web workers never run jobs.
    """
    import logging

    from sqlalchemy.exc import SQLAlchemyError

    from lms.core.clock import local_time
    from lms.extensions import db
    from lms.scheduler import jobs
    from lms.scheduler import settings as schedules

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # APScheduler logs every run of the one-minute sync at INFO; lms.scheduler.jobs logs the runs that matter.
    logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        settings = schedules.job_settings()
    except SQLAlchemyError as exc:
        fail(f"Cannot read the schedules ({type(exc).__name__}); run `lms init-db` first")
    tz = app.config["TIMEZONE"]
    click.echo(f"Scheduler starting ({tz}). Ctrl-C stops it.")
    for setting in settings:
        if setting.enabled:
            upcoming = schedules.next_runs(setting.cron, count=1)
            when = local_time(upcoming[0]) if upcoming else "never"
            click.echo(f"  {setting.spec.job_id}: {setting.cron} (next {when})")
        else:
            click.echo(f"  {setting.spec.job_id}: off")
    db.session.remove()
    jobs.run_scheduler(app)
