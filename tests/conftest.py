"""Shared fixtures: app, client, runner, db, and create_* factories (Flask tutorial style).

The database is SQLite by default; set LMS_TEST_DATABASE_URL to a PostgreSQL URL to run the same suite
against a real server (each pytest-xdist worker gets its own database there).
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from sqlalchemy import create_engine

from lms import create_app
from lms.extensions import db as _db
from lms.models import Base
from tests.support.app import PASSWORD, postgres_database, sign_in, worker


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    base = os.environ.get("LMS_TEST_DATABASE_URL")
    if base and base.startswith("postgresql"):
        url = postgres_database(base, f"lms_test_{worker()}")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'lms.db'}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


def _clean(connection) -> None:
    for table in reversed(Base.metadata.sorted_tables):
        connection.execute(table.delete())


@pytest.fixture
def app(database_url, tmp_path):
    """An app on a clean database holding the reference data (43 forces, requirements, rules)."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "UPLOAD_DIR": str(tmp_path / "instance" / "uploads"),
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test-secret-key",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": 1,
            "BASE_URL": "http://127.0.0.1:5000",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        with _db.engine.begin() as conn:
            _clean(conn)
        from lms.forces.reference import load_reference_data

        load_reference_data()
        _db.session.commit()
        yield app
        _db.session.remove()
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def today() -> date:
    from lms.core.clock import today as service_today

    return service_today()


@pytest.fixture
def create_user(app):
    """Factory: create_user(role, email=None, force="kent", region=None, password=PASSWORD) -> User."""
    from lms.accounts.service import create_user as create

    counter = {"n": 0}

    def make(role: str = "admin", email: str | None = None, force: str | None = None, region: str | None = None,
             password: str = PASSWORD):
        counter["n"] += 1
        email = email or f"{role}{counter['n']}@example.invalid"
        if role == "force_lead" and force is None:
            force = "kent"
        if role == "regional" and region is None:
            region = "South East"
        user = create(email, role, password=password, force_code=force, region_name=region)
        _db.session.commit()
        return user

    return make




@pytest.fixture
def signed_in(client, create_user):
    """Factory: signed_in(role, **kw) -> (client, user), signed in through the sign-in form."""

    def make(role: str = "admin", **kwargs):
        user = create_user(role, **kwargs)
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client, user

    return make


@pytest.fixture(autouse=True)
def _dispose_engines():
    """Close every pooled connection of every app a test built, so none is left for the garbage collector
    (psycopg warns about unclosed connections, and warnings are errors here)."""
    yield
    for engines in list(_db._app_engines.values()):
        for engine in engines.values():
            engine.dispose()
