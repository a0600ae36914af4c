"""Settings from environment variables, exactly as CONTRACT.md names them."""

from __future__ import annotations

import os
import secrets
from datetime import date
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "y"}


def _secret_key(instance: Path) -> str:
    """Return LMS_SECRET_KEY, or a key generated once into instance/secret_key."""
    key = os.environ.get("LMS_SECRET_KEY")
    if key:
        return key
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with owner-only permissions: the key signs every session. Written to a private file first and
    # linked into place, so a web worker and the scheduler starting together on a fresh instance agree on one
    # key and neither can read a half-written file.
    partial = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    try:
        os.link(partial, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        partial.unlink()
    return key


def from_environment(instance_path: str | Path | None = None, *, secret_key: str | None = None) -> dict:
    """Build the Flask config mapping from the process environment."""
    instance = Path(instance_path or os.environ.get("LMS_INSTANCE_PATH") or REPO_ROOT / "instance")
    db_url = os.environ.get("LMS_DATABASE_URL") or f"sqlite:///{instance / 'lms.db'}"
    base_url = os.environ.get("LMS_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    return {
        "INSTANCE_DIR": str(instance),
        "SQLALCHEMY_DATABASE_URI": db_url,
        "SECRET_KEY": secret_key or _secret_key(instance),
        "SMTP_HOST": os.environ.get("LMS_SMTP_HOST", "localhost"),
        "SMTP_PORT": int(os.environ.get("LMS_SMTP_PORT", "25")),
        "SMTP_USERNAME": os.environ.get("LMS_SMTP_USERNAME") or None,
        "SMTP_PASSWORD": os.environ.get("LMS_SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": _bool(os.environ.get("LMS_SMTP_STARTTLS"), False),
        "MAIL_FROM": os.environ.get("LMS_MAIL_FROM", "oic-training@localhost"),
        "BASE_URL": base_url,
        "DEADLINE": date.fromisoformat(os.environ.get("LMS_DEADLINE", "2026-04-30")),
        "MAX_UPLOAD_MB": int(os.environ.get("LMS_MAX_UPLOAD_MB", "50")),
        "TIMEZONE": os.environ.get("LMS_TIMEZONE", "Europe/London"),
        "UPLOAD_DIR": str(instance / "uploads"),
        # Cookies are Secure only when the service is reached over HTTPS.
        "SESSION_COOKIE_SECURE": base_url.startswith("https://"),
        "REMEMBER_COOKIE_SECURE": base_url.startswith("https://"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "WTF_CSRF_TIME_LIMIT": None,
    }
