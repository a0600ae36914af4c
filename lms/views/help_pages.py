"""Help pages: file formats, privacy and accessibility. Public: no sign-in needed."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("help", __name__, url_prefix="/help")


@bp.route("/")
def index():
    """How to prepare each kind of file."""
    return render_template("help/index.html")


@bp.route("/privacy")
def privacy():
    return render_template("help/privacy.html")


@bp.route("/accessibility")
def accessibility():
    return render_template("help/accessibility.html")
