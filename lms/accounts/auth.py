"""Sign-in, passwords, lockout and API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Flask, Request, g
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from lms.extensions import db, login_manager
from lms.models import ApiToken, User, utcnow

MIN_PASSWORD_LENGTH = 12
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
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
        user.failed_signins = (user.failed_signins or 0) + 1
        if user.failed_signins >= MAX_FAILURES:
            user.locked_until = now + LOCKOUT
            user.failed_signins = 0
        db.session.flush()
        raise SignInError(GENERIC_FAILURE)
    user.failed_signins = 0
    user.locked_until = None
    user.last_signin_at = now
    db.session.flush()
    return user


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
    row.last_used_at = utcnow()
    return row.user


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
        db.session.commit()  # last_used_at
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
