"""Settings from environment variables, exactly as CONTRACT.md names them."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
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


OIDC_NAME_SHAPE = re.compile(r"[a-z][a-z0-9-]{0,39}")


def oidc_providers(environ: Mapping[str, str] | None = None) -> dict[str, dict]:
    """The single sign-on providers: LMS_OIDC_PROVIDERS names them (``entra,kent``), and for each NAME
    LMS_OIDC_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET and _DOMAINS (the email domains it may sign in) are required;
    _LABEL (the button says "Sign in with <label>"), _TENANTS (Entra multi-tenant: the tenant ids allowed) and
    _EMAIL_CLAIM (default ``email``) are optional. A provider half configured stops the app starting, with the
    variable named, rather than showing a button that cannot work."""
    environ = os.environ if environ is None else environ
    providers: dict[str, dict] = {}
    for name in (part.strip().lower() for part in environ.get("LMS_OIDC_PROVIDERS", "").split(",")):
        if not name:
            continue
        if not OIDC_NAME_SHAPE.fullmatch(name):
            raise ValueError(f"LMS_OIDC_PROVIDERS: '{name}' is not a provider name (letters, digits and hyphens)")
        prefix = f"LMS_OIDC_{name.upper().replace('-', '_')}_"
        values = {key: environ.get(prefix + key.upper(), "").strip()
                  for key in ("issuer", "client_id", "client_secret", "domains", "label", "tenants", "email_claim")}
        missing = [prefix + key.upper() for key in ("issuer", "client_id", "client_secret", "domains")
                   if not values[key]]
        if missing:
            raise ValueError(f"Single sign-on provider '{name}' needs {', '.join(missing)}")
        providers[name] = {
            **values,
            "issuer": values["issuer"].rstrip("/"),
            "domains": [d.strip().lower().lstrip("@") for d in values["domains"].split(",") if d.strip()],
            "tenants": [t.strip().lower() for t in values["tenants"].split(",") if t.strip()],
            "label": values["label"] or name.replace("-", " ").title(),
            "email_claim": values["email_claim"] or "email",
        }
    return providers


IMPORT_WORKERS = ("thread", "process")


def _import_worker(value: str | None) -> str:
    """LMS_IMPORT_WORKER: `thread` (the default) or `process`; anything else stops the app starting."""
    worker = (value or "thread").strip().lower()
    if worker not in IMPORT_WORKERS:
        raise ValueError(f"LMS_IMPORT_WORKER must be 'thread' or 'process', not '{value}'")
    return worker


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
        # Below gunicorn's 30-second worker timeout, so a request stuck behind a lock is answered, not killed.
        "DB_LOCK_TIMEOUT_SECONDS": float(os.environ.get("LMS_DB_LOCK_TIMEOUT", "10")),
        # How long a chief constable's read-only link works (lms.briefings.links).
        "CHIEF_LINK_DAYS": int(os.environ.get("LMS_CHIEF_LINK_DAYS", "45")),
        # Single sign-on (lms.accounts.oidc): none by default, and then the sign-in page has the password form only.
        "OIDC_PROVIDERS": oidc_providers(),
        "UPLOAD_DIR": str(instance / "uploads"),
        # Background previews (lms.imports.worker): read in a thread of the web process that took the upload
        # ("thread"), or queued in the database for `lms work-imports` / `lms run-scheduler` ("process").
        "IMPORT_WORKER": _import_worker(os.environ.get("LMS_IMPORT_WORKER")),
        # A preview whose worker has not been heard from for this long has stopped: it is marked failed.
        "IMPORT_TIMEOUT_SECONDS": float(os.environ.get("LMS_IMPORT_TIMEOUT", "120")),
        # A queued preview no worker has started within this long is marked failed, saying to check the worker.
        "IMPORT_QUEUE_TIMEOUT_SECONDS": float(os.environ.get("LMS_IMPORT_QUEUE_TIMEOUT", "900")),
        # Cookies are Secure only when the service is reached over HTTPS.
        "SESSION_COOKIE_SECURE": base_url.startswith("https://"),
        "REMEMBER_COOKIE_SECURE": base_url.startswith("https://"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "WTF_CSRF_TIME_LIMIT": None,
    }
