"""Help pages: file formats, privacy and accessibility. Public: no sign-in needed."""

from __future__ import annotations

from flask import Blueprint, render_template

from lms.help.service import FIXES, KNOWN_VALUES, kinds_of_file, systems

bp = Blueprint("help", __name__, url_prefix="/help")


@bp.route("/")
def index():
    """How to prepare each kind of file: the columns, every heading recognised for them, mapping, and fixes."""
    return render_template("help/index.html", kinds=kinds_of_file(), fixes=FIXES, known_values=KNOWN_VALUES,
                           systems=systems())


@bp.route("/privacy")
def privacy():
    """How the service handles personal data."""
    return render_template("help/privacy.html")


@bp.route("/accessibility")
def accessibility():
    """The accessibility statement."""
    return render_template("help/accessibility.html")
