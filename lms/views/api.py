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


def _flag(name: str) -> bool:
    return (request.form.get(name) or "").strip().lower() in {"1", "true", "yes", "on"}


@bp.post("/imports")
def create_import():
    """Run an import (multipart: kind, force, file, optional dry_run=true, strict=true, confirm_leavers=true)."""
    from lms.extensions import db
    from lms.services.imports import ImportError_, run_import

    upload = request.files.get("file")
    missing = [name for name in ("kind", "force") if not request.form.get(name)]
    if upload is None or not upload.filename:
        missing.append("file")
    if missing:
        return error("Missing fields: " + ", ".join(missing), 400, [f"Send {m} as a multipart form field"
                                                                  for m in missing])
    dry_run = _flag("dry_run")
    try:
        outcome = run_import(request.form["kind"], upload.read(), upload.filename, request.form["force"],
                             current_user._get_current_object(), mode="dry_run" if dry_run else "commit",
                             strict=_flag("strict"), confirm_leavers=_flag("confirm_leavers"))
    except ImportError_ as exc:
        db.session.rollback()
        return error(exc.message, exc.status)
    db.session.commit()
    if outcome.refused:
        return jsonify(outcome.summary), 422
    return jsonify(outcome.summary), 200 if dry_run else 201


@bp.get("/imports/<int:batch_id>")
def get_import(batch_id: int):
    """The summary of an import batch."""
    from lms.services.imports import ImportError_, get_batch, summary_of

    try:
        batch = get_batch(batch_id, current_user._get_current_object())
    except ImportError_ as exc:
        return error(exc.message, exc.status)
    return jsonify(summary_of(batch))


@bp.post("/imports/<int:batch_id>/rollback")
def rollback_import(batch_id: int):
    """Undo a committed batch."""
    from lms.extensions import db
    from lms.services.imports import ImportError_, get_batch, rollback

    try:
        batch = get_batch(batch_id, current_user._get_current_object())
        summary = rollback(batch, current_user._get_current_object())
    except ImportError_ as exc:
        db.session.rollback()
        return error(exc.message, exc.status)
    db.session.commit()
    return jsonify(summary)
