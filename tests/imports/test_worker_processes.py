"""A real `lms work-imports` process killed (SIGKILL) mid-preview of a big file: the batch becomes "failed" cleanly
once the timeout passes, nothing is imported, and "Try again" with a new worker gives the preview, which commits.

On SQLite, and on PostgreSQL when LMS_TEST_DATABASE_URL points at a server.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from lms import create_app
from lms.extensions import db
from lms.models import Base, ImportBatch, Person
from tests.support.app import PASSWORD, fresh_database_url, sign_in
from tests.support.files import P, roster
from tests.support.lms_processes import lms_env, start_lms, stop, wait_for

ROWS = 20_000
TIMEOUT = 3  # seconds without a heartbeat before a preview counts as stopped


@pytest.fixture
def web(tmp_path):
    """A web app on a database of its own that queues previews for worker processes, with a short timeout."""
    url = fresh_database_url(tmp_path, "worker")
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp_path / "web"),
        "SECRET_KEY": "worker", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
        "IMPORT_WORKER": "process", "IMPORT_TIMEOUT_SECONDS": TIMEOUT, "BACKGROUND_IMPORT_BYTES": 256 * 1024,
    })
    with app.app_context():
        from lms.accounts.service import create_user
        from lms.forces.reference import load_reference_data

        load_reference_data()
        create_user("lead@kent.police.invalid", "force_lead", password=PASSWORD, force_code="kent")
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def state(url: str, batch_id: int):
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(select(ImportBatch.status, ImportBatch.progress_rows, ImportBatch.claimed_by,
                                       ImportBatch.heartbeat_at).where(ImportBatch.id == batch_id)).one()
    finally:
        engine.dispose()


def people(url: str) -> int:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(Person))
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_killed_worker_leaves_a_failed_batch_that_try_again_previews_and_commits(web, tmp_path):
    url = web.config["SQLALCHEMY_DATABASE_URI"]
    env = lms_env(url, tmp_path / "worker", LMS_IMPORT_WORKER="process", LMS_IMPORT_TIMEOUT=str(TIMEOUT))
    client = web.test_client()
    assert sign_in(client, "lead@kent.police.invalid").status_code == 302
    data = roster([P(f"K{n:06}", f"Fore{n}", f"Sur{n}") for n in range(ROWS)])
    assert len(data) > 256 * 1024

    # Encoded in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart({"kind": "roster", "force": "kent",
                                       "file": FileStorage(io.BytesIO(data), filename="big-roster.csv")})
    response = client.post("/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    batch_id = int(response.location.rsplit("/", 1)[1])
    assert state(url, batch_id).status == "processing"

    first = start_lms(env, "work-imports", "--poll", "0.2", log=tmp_path / "worker-1.log")
    try:
        reading = wait_for(lambda: (s := state(url, batch_id)).progress_rows > 0 and s, 60,
                           "the worker starting to read the file")
        assert reading.status == "processing" and f":{first.pid}:" in reading.claimed_by
        os.kill(first.pid, signal.SIGKILL)
        assert first.wait(10) == -signal.SIGKILL
    finally:
        stop(first)

    # Still "processing" until the timeout passes: the page keeps polling.
    assert client.get(f"/imports/{batch_id}/progress").get_json()["status"] == "processing"
    polled = wait_for(lambda: (p := client.get(f"/imports/{batch_id}/progress").get_json())["ready"] and p,
                      TIMEOUT + 30, "the batch of the killed worker failing")
    assert polled["status"] == "failed" and "stopped before it finished" in polled["message"]
    assert people(url) == 0  # nothing of the half-read file was imported
    page = client.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert "Try again" in page and "Cancel" in page

    client.post(f"/imports/{batch_id}/retry")
    assert state(url, batch_id).status == "processing"
    second = start_lms(env, "work-imports", "--once", log=tmp_path / "worker-2.log")
    try:
        assert second.wait(300) == 0, (tmp_path / "worker-2.log").read_text()[-3000:]
    except subprocess.TimeoutExpired:
        stop(second)
        raise

    assert state(url, batch_id).status == "preview"
    assert "Check what this file will change" in client.get(f"/imports/{batch_id}").get_data(as_text=True)
    client.post(f"/imports/{batch_id}/commit")
    assert state(url, batch_id).status == "committed" and people(url) == ROWS
