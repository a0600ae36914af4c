"""Sign-in and API requests under pressure: parallel wrong passwords, bogus tokens, busy databases."""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import create_engine, select, text

from lms import create_app
from lms.accounts.auth import SignInError, authenticate
from lms.cli import cli
from lms.extensions import db as _db
from lms.models import ApiToken, User, utcnow
from tests.support.files import P, roster


def new_token(runner, email: str) -> str:
    result = runner.invoke(cli, ["create-token", email])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_five_wrong_passwords_at_once_lock_the_account(app, create_user, db):
    user = create_user("national", email="parallel@example.invalid")
    email = user.email  # read here: the threads must not touch this session's objects
    start = threading.Barrier(5)
    refused = []

    def attempt():
        with app.app_context():
            start.wait()
            try:
                authenticate(email, "wrong password, tried in parallel")
            except SignInError:
                refused.append(True)
                _db.session.commit()
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(refused) == 5
    db.session.expire_all()
    locked = db.session.get(User, user.id)
    assert locked.locked_until is not None and locked.locked_until > utcnow().replace(tzinfo=None)
    with pytest.raises(SignInError):  # even the right password, until the pause ends
        authenticate(user.email, "correct horse battery staple")


def test_a_bogus_bearer_token_beside_a_session_does_not_skip_the_csrf_check(app, signed_in, runner):
    client, user = signed_in("admin")
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post("/api/v1/imports", headers={"Authorization": "Bearer lms_not-a-real-token"},
                           data={"kind": "roster", "force": "kent"})

    assert response.status_code == 400
    assert response.get_json()["error"] == "CSRF token missing or invalid"


def test_a_valid_bearer_token_needs_no_csrf_token(app, create_user, runner):
    user = create_user("admin", email="tokens@example.invalid")
    token = new_token(runner, user.email)
    app.config["WTF_CSRF_ENABLED"] = True

    response = app.test_client().post("/api/v1/imports", headers={"Authorization": f"Bearer {token}"},
                                      data={"kind": "roster", "force": "kent"})

    assert response.status_code == 400
    assert response.get_json()["error"] == "Missing fields: file"


def last_used(db, token_prefix: str):
    db.session.expire_all()
    return db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.prefix == token_prefix))


def test_token_use_is_written_at_most_once_a_minute(app, create_user, runner, db):
    user = create_user("national", email="reader@example.invalid")
    token = new_token(runner, user.email)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    with time_machine.travel(utcnow(), tick=False) as clock:
        assert client.get("/api/v1/league-table", headers=headers).status_code == 200
        first = last_used(db, token[:10])
        assert first is not None
        clock.shift(timedelta(seconds=30))
        client.get("/api/v1/league-table", headers=headers)
        assert last_used(db, token[:10]) == first
        clock.shift(timedelta(seconds=31))
        client.get("/api/v1/league-table", headers=headers)
        assert last_used(db, token[:10]) - first == timedelta(seconds=61)


@pytest.fixture
def impatient_app(app, database_url):
    """A second app on the same database that waits half a second for a lock instead of ten."""
    config = dict(app.config)
    config.pop("SQLALCHEMY_ENGINE_OPTIONS", None)
    config["DB_LOCK_TIMEOUT_SECONDS"] = 0.5
    other = create_app({k: config[k] for k in ("TESTING", "SQLALCHEMY_DATABASE_URI", "INSTANCE_DIR", "UPLOAD_DIR",
                                               "WTF_CSRF_ENABLED", "SECRET_KEY", "RATELIMIT_ENABLED",
                                               "DB_LOCK_TIMEOUT_SECONDS")})
    yield other
    with other.app_context():
        _db.engine.dispose()


@contextmanager
def held_lock(database_url, table: str = "import_batch", mode: str = "ACCESS EXCLUSIVE"):
    """Another connection holding a lock, as a long import does: SQLite's write lock, or a PostgreSQL table lock
    (EXCLUSIVE lets reads through and stops writes)."""
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    conn = engine.connect()
    conn.exec_driver_sql("BEGIN IMMEDIATE" if engine.dialect.name == "sqlite" else "BEGIN")
    if engine.dialect.name != "sqlite":
        conn.execute(text(f"LOCK TABLE {table} IN {mode} MODE"))
    yield
    conn.exec_driver_sql("ROLLBACK")
    conn.close()
    engine.dispose()


def test_a_request_stuck_behind_a_lock_gets_a_503_in_json_under_the_api(impatient_app, create_user, runner,
                                                                          database_url):
    user = create_user("admin", email="busy@example.invalid")
    token = new_token(runner, user.email)
    upload = roster([P("1001", "Ada", "Example")])

    with held_lock(database_url):
        response = impatient_app.test_client().post(
            "/api/v1/imports", headers={"Authorization": f"Bearer {token}"},
            data={"kind": "roster", "force": "kent", "file": (io.BytesIO(upload), "roster.csv")})

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    body = response.get_json()
    assert body["error"] == "The service is busy"
    assert "Nothing was changed" in " ".join(body["details"])


@pytest.mark.parametrize("address", ["new.lead@kent.police.invalid\r\nBcc: all@example.invalid",
                                     "evil@evil.example>x@kent.police.invalid", "new.lead@kent.police.invalid>"])
def test_create_user_refuses_an_address_that_is_not_exactly_one(runner, db, address):
    result = runner.invoke(cli, ["create-user", address, "--role", "national", "--password-stdin"],
                           input="a long enough password 123\n")

    assert result.exit_code == 1
    assert "Enter an email address in the correct format" in result.stderr
    assert db.session.scalar(select(User).where(User.role == "national")) is None


def test_set_force_refuses_a_chief_email_with_a_second_address(runner, db):
    result = runner.invoke(cli, ["set-force", "kent", "--chief-email", "evil@evil.example>cc@kent.police.invalid"])

    assert result.exit_code == 1
    assert "chief constable's email address in the correct format" in result.stderr


def test_the_admin_form_refuses_two_addresses_in_one(signed_in, db):
    client, _ = signed_in("admin")

    response = client.post("/admin/users/new", data={"email": "a@kent.police.invalid,b@kent.police.invalid",
                                                     "role": "national"})

    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.get_data(as_text=True)


def test_an_api_read_does_not_wait_for_a_writer_to_note_the_token_use(impatient_app, create_user, runner,
                                                                       database_url, db):
    user = create_user("national", email="reader.busy@example.invalid")
    token = new_token(runner, user.email)

    with held_lock(database_url, "api_token", "EXCLUSIVE"):
        response = impatient_app.test_client().get("/api/v1/league-table",
                                                   headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200  # answered, not "busy": the use is noted by a later request
    assert last_used(db, token[:10]) is None
