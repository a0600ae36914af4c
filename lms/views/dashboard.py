"""The first page after sign-in: the forces this user may see, by region."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from lms import policy
from lms.services import dashboard as dashboard_service

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@policy.signed_in
def index():
    """Forces grouped by region with their current figures."""
    regions = dashboard_service.forces_by_region(current_user)
    return render_template("dashboard/index.html", regions=regions)
