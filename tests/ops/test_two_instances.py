"""Two machines behind one database: two gunicorn instances on loopback, each with its own instance folder (no disk
shared), one PostgreSQL database, and a real `lms work-imports` worker. A large file uploaded on one instance is
previewed by the worker even though that instance restarts meanwhile, and committed on the other instance.

PostgreSQL only (SQLite is one machine's file); CI runs the suite on PostgreSQL too.
"""

from __future__ import annotations

import os
import re
import subprocess

import pytest
import requests
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from lms.models import ImportBatch, Person, StoredUpload
from tests.support.app import PASSWORD, fresh_database_url
from tests.support.files import P, roster
from tests.support.lms_processes import free_port, lms_command, lms_env, start_gunicorn, start_lms, stop, wait_for

pytestmark = [
    pytest.mark.skipif(not (os.environ.get("LMS_TEST_DATABASE_URL") or "").startswith("postgresql"),
                       reason="two instances share one PostgreSQL database: set LMS_TEST_DATABASE_URL to a "
                              "postgresql+psycopg:// URL (CI does)"),
    pytest.mark.slow,
]

LEAD = "lead@kent.police.invalid"
ROWS = 15_000
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Instance:
    """One gunicorn instance of the service: its own port and instance folder, the shared database."""

    def __init__(self, env: dict[str, str], log_dir, name: str):
        self.env, self.log, self.name = env, log_dir / f"{name}.log", name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> Instance:
        self.process = start_gunicorn(self.env, self.port, self.log)
        wait_for(self.answers, 120, f"instance {self.name} answering")
        return self

    def answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"instance {self.name} exited: {self.log.read_text()[-3000:]}")
        try:
            return requests.get(self.base + "/sign-in", timeout=10).status_code == 200
        except requests.RequestException:  # not listening yet, or its workers still starting
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


def csrf(http: requests.Session, url: str) -> str:
    page = http.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    return CSRF.search(page.text).group(1)


@pytest.fixture
def cluster(tmp_path):
    url = fresh_database_url(tmp_path, "cluster")
    env = lms_env(url, tmp_path / "setup", LMS_IMPORT_WORKER="process")
    subprocess.run([*lms_command(), "init-db"], env=env, check=True, capture_output=True, timeout=300)
    subprocess.run([*lms_command(), "create-user", LEAD, "--role", "force_lead", "--force", "kent",
                    "--password-stdin"], env=env, input=PASSWORD, text=True, check=True, capture_output=True,
                   timeout=120)
    # The same secret key on both (lms_env): a session signed in on one is valid on the other, as behind a balancer.
    one = Instance(lms_env(url, tmp_path / "one", LMS_IMPORT_WORKER="process"), tmp_path, "one")
    two = Instance(lms_env(url, tmp_path / "two", LMS_IMPORT_WORKER="process"), tmp_path, "two")
    worker_env = lms_env(url, tmp_path / "worker", LMS_IMPORT_WORKER="process")
    try:
        yield url, one.start(), two.start(), worker_env
    finally:
        one.stop()
        two.stop()


def test_a_preview_made_on_one_instance_is_committed_on_the_other(cluster, tmp_path):
    url, one, two, worker_env = cluster
    engine = create_engine(url, poolclass=NullPool)
    http = requests.Session()
    signed_in = http.post(one.base + "/sign-in", timeout=30, allow_redirects=False,
                          data={"email": LEAD, "password": PASSWORD, "csrf_token": csrf(http, one.base + "/sign-in")})
    assert signed_in.status_code == 302, signed_in.text[:500]
    data = roster([P(f"K{n:06}", f"Fore{n}", f"Sur{n}") for n in range(ROWS)])
    assert len(data) > 256 * 1024  # previewed in the background

    uploaded = http.post(one.base + "/upload", timeout=60, allow_redirects=False,
                         data={"kind": "roster", "force": "kent", "csrf_token": csrf(http, one.base + "/upload")},
                         files={"file": ("big-roster.csv", data, "text/csv")})
    assert uploaded.status_code == 302, uploaded.text[:500]
    batch_id = int(uploaded.headers["Location"].rsplit("/", 1)[1])
    assert "Reading your file" in http.get(two.base + f"/imports/{batch_id}", timeout=30).text

    one.stop()  # the instance that took the upload goes away before any worker has started on it
    worker = start_lms(worker_env, "work-imports", "--poll", "0.2", log=tmp_path / "worker.log")
    try:
        ready = wait_for(lambda: (p := http.get(two.base + f"/imports/{batch_id}/progress", timeout=30).json())
                         ["ready"] and p, 300, "the worker finishing the preview", every=0.5)
        assert ready["status"] == "preview", ready
        preview = http.get(two.base + f"/imports/{batch_id}", timeout=30)
        assert "Check what this file will change" in preview.text

        committed = http.post(two.base + f"/imports/{batch_id}/commit", timeout=120, allow_redirects=False,
                              data={"csrf_token": CSRF.search(preview.text).group(1)})
        assert committed.status_code == 302, committed.text[:500]
    finally:
        assert stop(worker) == 0, (tmp_path / "worker.log").read_text()[-3000:]  # SIGTERM: a clean stop

    with engine.connect() as conn:
        assert conn.scalar(select(ImportBatch.status).where(ImportBatch.id == batch_id)) == "committed"
        assert conn.scalar(select(func.count()).select_from(Person)) == ROWS
        assert conn.scalar(select(func.count()).select_from(StoredUpload)) == 1
    engine.dispose()
    # Nothing went through either web server's disk.
    for instance in ("one", "two"):
        uploads = tmp_path / instance / "uploads"
        assert not uploads.exists() or not any(uploads.iterdir())
    one.start()  # back again: it shows what the other instance did
    assert f"Batch {batch_id}: committed" in http.get(one.base + f"/imports/{batch_id}", timeout=30).text
