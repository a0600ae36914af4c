"""The national league table, region pages and force pages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from lms import policy
from lms.services import reports
from lms.services.users import UserError, get_force
from lms.views.api import parse_as_of

bp = Blueprint("reports", __name__)


@bp.route("/league-table")
@policy.signed_in
def league_table():
    """Every force ranked by overall compliance (aggregates only)."""
    as_of = parse_as_of(request.args.get("as_of"))
    table = reports.league_table(as_of)
    return render_template("reports/league_table.html", table=table,
                           visible_codes=reports.visible_force_codes(current_user))


@bp.route("/forces/<code>")
@policy.signed_in
def force_page(code: str):
    """A force's figures; the force's own leads also see its people."""
    try:
        force = get_force(code)
    except UserError:
        abort(404)
    if not policy.sees_force(current_user, force):
        abort(404)
    entry = reports.force_entry(force, parse_as_of(request.args.get("as_of")))
    return render_template("reports/force.html", force=force, entry=entry,
                           sees_people=policy.sees_people(current_user, force))
