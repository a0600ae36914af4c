"""The scheduler survives the database going away: its connections are dropped, and the next job still runs."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import create_engine, func, select, text

from lms.extensions import db
from lms.models import ForceSnapshot
from lms.scheduler import jobs

pytestmark = pytest.mark.skipif(
    not (os.environ.get("LMS_TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="PostgreSQL only: set LMS_TEST_DATABASE_URL (SQLite has no server to restart)",
)


def _drop_every_other_connection(url) -> int:
    """What a server restart does to a client: every connection to the database is closed under it."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        n = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )).scalar()
    admin.dispose()
    return int(n)


def test_jobs_run_after_the_database_dropped_every_connection(app, monkeypatch):
    monkeypatch.setattr(jobs, "_app", app)
    scheduler = jobs.build_scheduler(app, BackgroundScheduler)
    scheduler.start()
    try:
        # Both the job store and the app's pool hold live connections now.
        scheduler.add_job(jobs.run_job, "date", run_date=datetime.now(scheduler.timezone) + timedelta(hours=1),
                          args=["snapshots"], id="later", jobstore="default")
        db.session.execute(text("SELECT 1"))
        db.session.commit()
        assert _drop_every_other_connection(db.engine.url) >= 1

        # The job store answers again (its pool pings and reconnects), and a job due now runs and commits.
        assert [j.id for j in scheduler.get_jobs(jobstore="default")] == ["later"]
        scheduler.add_job(jobs.run_job, "date", run_date=datetime.now(scheduler.timezone), args=["snapshots"],
                          id="now", jobstore="default")
        deadline = time.monotonic() + 30
        count = 0
        while time.monotonic() < deadline:
            db.session.rollback()
            count = db.session.scalar(select(func.count()).select_from(ForceSnapshot))
            if count:
                break
            time.sleep(0.2)
        assert count == 43
    finally:
        jobs.stop_scheduler(scheduler)
