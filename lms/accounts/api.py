"""What every JSON API blueprint under /api/v1 shares (CONTRACT.md): who is calling, CSRF, the error object."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request
from flask_login import current_user

from lms.extensions import csrf

API_PREFIX = "/api/v1"


def error(message: str, status: int, details: list | None = None):
    """The CONTRACT's error object."""
    return jsonify({"error": message, "details": details or []}), status


def _require_auth():
    if not current_user.is_authenticated:
        return error("Authentication required: sign in, or send Authorization: Bearer <token>", 401)
    # Browser-session callers must send the CSRF token on state changes. Only a request that a valid bearer token
    # authenticated skips it: an Authorization header alone (a bogus token beside a session cookie) does not.
    if request.method not in ("GET", "HEAD", "OPTIONS") and not g.get("api_token_auth"):
        csrf.protect()
    return None


def api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under /api/v1: signed-in (session or bearer token) callers only, CSRF only for sessions.

    The rate limits (lms.web.ratelimit) apply one shared budget to every blueprint made here.
    """
    bp = Blueprint(name, import_name, url_prefix=API_PREFIX)
    bp.api = True  # marks it for the rate limits
    csrf.exempt(bp)
    bp.before_request(_require_auth)
    return bp
