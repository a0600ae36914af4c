"""Configuration from environment variables, exactly as CONTRACT.md's table says."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from lms import create_app
from lms.config import REPO_ROOT, from_environment

CONTRACT_VARIABLES = (
    "LMS_DATABASE_URL", "LMS_SECRET_KEY", "LMS_SMTP_HOST", "LMS_SMTP_PORT", "LMS_SMTP_USERNAME",
    "LMS_SMTP_PASSWORD", "LMS_SMTP_STARTTLS", "LMS_MAIL_FROM", "LMS_BASE_URL", "LMS_DEADLINE",
    "LMS_MAX_UPLOAD_MB", "LMS_TIMEZONE", "LMS_INSTANCE_PATH",
)


@pytest.fixture
def clean_env(monkeypatch):
    """No LMS_* variable from the developer's shell leaks into these tests."""
    for name in list(os.environ):
        if name.startswith("LMS_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_defaults(clean_env, tmp_path):
    config = from_environment(tmp_path)

    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'lms.db'}"
    assert config["SMTP_HOST"] == "localhost"
    assert config["SMTP_PORT"] == 25
    assert config["SMTP_USERNAME"] is None
    assert config["SMTP_PASSWORD"] is None
    assert config["SMTP_STARTTLS"] is False
    assert config["MAIL_FROM"] == "oic-training@localhost"
    assert config["BASE_URL"] == "http://127.0.0.1:5000"
    assert config["DEADLINE"] == date(2026, 4, 30)
    assert config["MAX_UPLOAD_MB"] == 50
    assert config["TIMEZONE"] == "Europe/London"
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_default_database_is_sqlite_under_the_repository_instance_folder(clean_env):
    # Without an instance path the CONTRACT's default: sqlite:///<repo>/instance/lms.db. The secret key is
    # supplied so that this test writes nothing into the repository.
    clean_env.setenv("LMS_SECRET_KEY", "k" * 32)
    config = from_environment()

    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{REPO_ROOT / 'instance' / 'lms.db'}"
    assert Path(config["INSTANCE_DIR"]) == REPO_ROOT / "instance"


def test_every_contract_variable_is_read(clean_env, tmp_path):
    env = {
        "LMS_DATABASE_URL": "postgresql+psycopg://lms:pw@db.example:5432/lms",
        "LMS_SECRET_KEY": "from-the-environment",
        "LMS_SMTP_HOST": "smtp.example.police.uk",
        "LMS_SMTP_PORT": "587",
        "LMS_SMTP_USERNAME": "mailer",
        "LMS_SMTP_PASSWORD": "s3cret-mail-password",
        "LMS_SMTP_STARTTLS": "true",
        "LMS_MAIL_FROM": "oic@example.police.uk",
        "LMS_BASE_URL": "https://oic.example.police.uk/",
        "LMS_DEADLINE": "2026-10-31",
        "LMS_MAX_UPLOAD_MB": "7",
        "LMS_TIMEZONE": "Europe/Dublin",
    }
    for name, value in env.items():
        clean_env.setenv(name, value)

    config = from_environment(tmp_path)

    assert config["SQLALCHEMY_DATABASE_URI"] == env["LMS_DATABASE_URL"]
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["SMTP_HOST"] == "smtp.example.police.uk"
    assert config["SMTP_PORT"] == 587
    assert config["SMTP_USERNAME"] == "mailer"
    assert config["SMTP_PASSWORD"] == "s3cret-mail-password"
    assert config["SMTP_STARTTLS"] is True
    assert config["MAIL_FROM"] == "oic@example.police.uk"
    assert config["BASE_URL"] == "https://oic.example.police.uk"  # trailing slash dropped for building links
    assert config["DEADLINE"] == date(2026, 10, 31)
    assert config["MAX_UPLOAD_MB"] == 7
    assert config["TIMEZONE"] == "Europe/Dublin"
    # A key from the environment is used as it is: nothing is written.
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("1", True), ("yes", True), ("on", True), ("false", False), ("0", False), ("", False)],
)
def test_starttls_flag(clean_env, tmp_path, value, expected):
    clean_env.setenv("LMS_SECRET_KEY", "k")
    clean_env.setenv("LMS_SMTP_STARTTLS", value)

    assert from_environment(tmp_path)["SMTP_STARTTLS"] is expected


def test_empty_smtp_credentials_mean_unset(clean_env, tmp_path):
    clean_env.setenv("LMS_SECRET_KEY", "k")
    clean_env.setenv("LMS_SMTP_USERNAME", "")
    clean_env.setenv("LMS_SMTP_PASSWORD", "")
    config = from_environment(tmp_path)

    assert config["SMTP_USERNAME"] is None
    assert config["SMTP_PASSWORD"] is None


def test_secret_key_is_generated_once_and_reused(clean_env, tmp_path):
    instance = tmp_path / "instance"  # does not exist yet

    first = from_environment(instance)["SECRET_KEY"]
    key_file = instance / "secret_key"

    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert key_file.read_text().strip() == first
    assert from_environment(instance)["SECRET_KEY"] == first


def test_secret_keys_differ_between_installations(clean_env, tmp_path):
    assert from_environment(tmp_path / "a")["SECRET_KEY"] != from_environment(tmp_path / "b")["SECRET_KEY"]


def test_secret_key_written_by_another_process_meanwhile_is_used(clean_env, tmp_path, monkeypatch):
    # Two workers starting at once on a fresh instance: the second must read the first one's key, not crash.
    (tmp_path / "secret_key").write_text("the-other-worker-won")
    real_exists = Path.exists
    monkeypatch.setattr(Path, "exists", lambda self: False if self.name == "secret_key" else real_exists(self))

    assert from_environment(tmp_path)["SECRET_KEY"] == "the-other-worker-won"


def test_environment_key_wins_over_the_file(clean_env, tmp_path):
    generated = from_environment(tmp_path)["SECRET_KEY"]
    clean_env.setenv("LMS_SECRET_KEY", "rotated-key")

    assert from_environment(tmp_path)["SECRET_KEY"] == "rotated-key" != generated


def test_cookies_are_secure_when_the_base_url_is_https(clean_env, tmp_path):
    clean_env.setenv("LMS_SECRET_KEY", "k")
    clean_env.setenv("LMS_BASE_URL", "https://oic.example.police.uk")
    config = from_environment(tmp_path)

    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["REMEMBER_COOKIE_HTTPONLY"] is True


def test_session_cookie_flags_on_the_wire(clean_env, tmp_path, database_url, create_user):
    clean_env.setenv("LMS_BASE_URL", "https://oic.example.police.uk")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "INSTANCE_DIR": str(tmp_path / "https-instance"), "WTF_CSRF_ENABLED": False})
    user = create_user("admin", email="cookies@example.com")
    client = app.test_client()

    response = client.post("/sign-in", data={"email": user.email, "password": "correct-horse-battery-staple"},
                           base_url="https://oic.example.police.uk")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))

    assert response.status_code == 302
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_max_upload_mb_sets_max_content_length(clean_env, tmp_path):
    clean_env.setenv("LMS_MAX_UPLOAD_MB", "2")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_DIR": str(tmp_path)})

    assert app.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024


def test_a_request_over_the_upload_limit_is_refused(clean_env, tmp_path, database_url):
    clean_env.setenv("LMS_MAX_UPLOAD_MB", "1")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": str(tmp_path),
                      "WTF_CSRF_ENABLED": False})
    body = {"email": "someone@example.com", "password": "x" * (1024 * 1024 + 1)}

    response = app.test_client().post("/sign-in", data=body)

    assert response.status_code == 413
    assert "Files must be smaller than 1 MB" in response.get_data(as_text=True)
