"""JSON API under /api/v1 (CONTRACT.md). Same permissions as the pages."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user

from lms import policy
from lms.extensions import csrf
from lms.services import reports
from lms.services.users import UserError, get_force

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.before_request
def _require_auth():
    if not current_user.is_authenticated:
        return jsonify({"error": "Authentication required: sign in, or send Authorization: Bearer <token>",
                        "details": []}), 401
    # Browser-session callers must send the CSRF token on state changes; bearer-token callers need none.
    if request.method not in ("GET", "HEAD", "OPTIONS") and not request.headers.get("Authorization", "").startswith(
        "Bearer "
    ):
        csrf.protect()
    return None


def error(message: str, status: int, details: list | None = None):
    """The CONTRACT's error object."""
    return jsonify({"error": message, "details": details or []}), status


def parse_as_of(value: str | None) -> date | None:
    """Parse ?as_of=YYYY-MM-DD, or abort with a 400 that says the expected form."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, f"as_of must be a date in the form YYYY-MM-DD, not {value!r}")


@bp.get("/league-table")
def league_table():
    """The national league table as of a date (default today)."""
    return jsonify(reports.league_table(parse_as_of(request.args.get("as_of"))))


@bp.get("/forces/<code>")
def force(code: str):
    """One force's object as in the league table; 404 for a force the user may not see."""
    try:
        f = get_force(code)
    except UserError:
        return error(f"No force with code {code!r}", 404)
    if not policy.sees_force(current_user, f):
        return error(f"No force with code {code!r}", 404)
    return jsonify(reports.force_entry(f, parse_as_of(request.args.get("as_of"))))
