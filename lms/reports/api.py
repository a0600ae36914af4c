"""The league table and one force's figures as JSON (CONTRACT.md). Same permissions as the pages."""

from __future__ import annotations

from datetime import date

from flask import abort, jsonify, request
from flask_login import current_user

from lms import policy
from lms.accounts.api import api_blueprint, error
from lms.forces import service as forces
from lms.forces.service import ForceError
from lms.reports import figures

bp = api_blueprint("reports_api", __name__)


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
    return jsonify(figures.league_table(parse_as_of(request.args.get("as_of"))))


@bp.get("/forces/<code>")
def force(code: str):
    """One force's object as in the league table; 404 for a force the user may not see."""
    try:
        f = forces.get_force(code)
    except ForceError:
        return error(f"No force with code {code!r}", 404)
    if not policy.sees_force(current_user, f):
        return error(f"No force with code {code!r}", 404)
    return jsonify(figures.force_entry(f, parse_as_of(request.args.get("as_of"))))
