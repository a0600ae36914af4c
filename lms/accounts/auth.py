"""Sign-in, passwords, lockout and API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Flask, Request, g
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from werkzeug.security import check_password_hash, generate_password_hash

from lms.extensions import db, login_manager
from lms.models import ApiToken, User, utcnow

MIN_PASSWORD_LENGTH = 12
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
TOKEN_USE_RESOLUTION = timedelta(minutes=1)
# A hash to check against when the email is unknown, so timing does not reveal which emails exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0000", method="scrypt")

# A short deny-list of the passwords most often tried; length alone lets these through.
COMMON_PASSWORDS = frozenset(
    {
        "password1234", "password12345", "password123456", "123456789012", "1234567890123",
        "qwertyuiopas", "qwerty123456", "iloveyou1234", "letmein12345", "welcome12345",
        "passwordpassword", "administrator", "changeme1234", "police123456", "policepolice",
        "abcdefghijkl", "111111111111", "000000000000", "aaaaaaaaaaaa", "password!234",
    }
)


class PasswordRejected(ValueError):
    """The password does not meet the rules; the message says which."""


def check_password_rules(password: str) -> None:
    """Raise PasswordRejected unless the password is at least 12 characters and not a common one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(f"Password must be {MIN_PASSWORD_LENGTH} characters or more")
    if password.lower() in COMMON_PASSWORDS:
        raise PasswordRejected("Password is too common: choose one that is harder to guess")


def hash_password(password: str) -> str:
    """Hash with scrypt (a memory-hard KDF)."""
    check_password_rules(password)
    return generate_password_hash(password, method="scrypt")


class SignInError(Exception):
    """Sign-in refused; the message is safe to show (it never says whether the email exists)."""


# One message for every failure, locked accounts included, so sign-in never reveals whether an email has an account.
GENERIC_FAILURE = ("Enter a correct email address and password. After 5 failed attempts, sign-in is paused for "
                   "15 minutes")


class SsoOnlyError(SignInError):
    """The password was right, but the account (or its whole force) signs in with single sign-on only."""


# Shown only after a correct password, so it tells nothing to someone guessing.
SSO_ONLY = ("Your account signs in with your organisation's account only (single sign-on), not with a password. "
            "Use the Sign in with button on this page; if there is none, ask your service administrator.")


def sso_only(user: User) -> bool:
    """The password form refuses this account: it, or its force, is marked single sign-on only."""
    return bool(user.sso_only or (user.force is not None and user.force.sso_only))


def authenticate(email: str, password: str) -> User:
    """Check credentials with lockout: 5 failures lock the account for 15 minutes. Flushes; caller commits."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    now = utcnow()
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        raise SignInError(GENERIC_FAILURE)
    if user.locked_until and user.locked_until > now:
        check_password_hash(_DUMMY_HASH, password)  # same work as any other attempt
        raise SignInError(GENERIC_FAILURE)
    if not check_password_hash(user.password_hash, password) or not user.active:
        count_failure(user, now)
        raise SignInError(GENERIC_FAILURE)
    if sso_only(user):
        raise SsoOnlyError(SSO_ONLY)
    user.failed_signins = 0
    user.locked_until = None
    user.last_signin_at = now
    db.session.flush()
    return user


def count_failure(user: User, now) -> None:
    """Count a failed sign-in in one UPDATE, so parallel attempts cannot lose each other's counts; lock at 5."""
    failures = db.session.scalar(
        update(User).where(User.id == user.id)
        .values(failed_signins=func.coalesce(User.failed_signins, 0) + 1)
        .returning(User.failed_signins)
        .execution_options(synchronize_session=False)
    )
    if failures >= MAX_FAILURES:
        # Only the attempt that reached the limit resets the count, and it locks whatever others did meanwhile.
        db.session.execute(
            update(User).where(User.id == user.id, User.failed_signins >= MAX_FAILURES)
            .values(locked_until=now + LOCKOUT, failed_signins=0)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    db.session.expire(user, ["failed_signins", "locked_until"])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    """Create an API token for the user; only its hash is stored. Returns the token once."""
    token = "lms_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), prefix=token[:10]))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked or not row.user.active:
        return None
    note_token_use(row)
    return row.user


def note_token_use(row: ApiToken) -> None:
    """Record when a token was last used, at most once a minute and never waiting for another writer.

    Every API read used to write ``last_used_at``, so reads queued behind an import holding the write lock. The
    update now runs on a connection of its own that gives up at once if the database is busy: the time is
    a hint for the admin ("last used"), not worth delaying an answer for.
    """
    now = utcnow()
    last = row.last_used_at
    if last is not None and now - last < TOKEN_USE_RESOLUTION:
        return
    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        busy_ms = conn.exec_driver_sql("PRAGMA busy_timeout").scalar() if sqlite else None
        try:
            # SET LOCAL ends with the transaction; SQLite's setting belongs to the pooled connection: put it back.
            conn.exec_driver_sql("PRAGMA busy_timeout = 0" if sqlite else "SET LOCAL lock_timeout = '100ms'")
            conn.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
            conn.commit()
        except OperationalError:
            conn.rollback()  # busy: a later request will record it
        finally:
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(busy_ms)}")


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    try:
        uid, version = (int(part) for part in user_id.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or user.session_version != version or not user.active:
        return None
    return user


@login_manager.request_loader
def _load_from_bearer(request: Request) -> User | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    user = user_for_token(header[7:].strip())
    if user is not None:
        g.api_token_auth = True
    return user


def init_app(app: Flask) -> None:
    """Configure Flask-Login for the app."""
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Sign in to see this page"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @app.before_request
    def _forget_previous_user() -> None:
        # Flask-Login caches the user in `g`, which lives in the app context. When an outer app context is already
        # pushed (the test fixtures, scripts) every request shares it, and the first request's user would answer
        # for later requests whatever cookie or token they carry. Each request must load its own user.
        g.pop("_login_user", None)
        g.pop("api_token_auth", None)
