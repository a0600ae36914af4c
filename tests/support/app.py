"""Helpers of the app fixtures (tests/conftest.py): databases, the test password, signing in."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PASSWORD = "correct-horse-battery-staple"


def worker() -> str:
    """This pytest-xdist worker's name ("main" without xdist)."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def postgres_database(base_url: str, name: str) -> str:
    """Create (or recreate) a fresh database `name` on the server of `base_url`; return its URL."""
    url = make_url(base_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def fresh_database_url(tmp_path: Path, label: str) -> str:
    """An empty database for a test that needs its own (migrations, subprocesses)."""
    base = os.environ.get("LMS_TEST_DATABASE_URL")
    if base and base.startswith("postgresql"):
        return postgres_database(base, f"lms_{label}_{worker()}")
    return f"sqlite:///{tmp_path / (label + '.db')}"

def sign_in(client, email: str, password: str = PASSWORD):
    """Sign in through the real form."""
    return client.post("/sign-in", data={"email": email, "password": password}, follow_redirects=False)
