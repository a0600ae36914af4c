"""The unmatched queue's pages: a force lead confirms or dismisses the records no rule could match."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms import policy
from lms.core.forms import ConfirmForm
from lms.core.transaction import committing
from lms.forces import service as forces
from lms.forces.service import ForceError
from lms.matches import queue

if TYPE_CHECKING:
    from lms.models import Force

bp = Blueprint("matches", __name__)


def _user():
    return current_user._get_current_object()


def _people_force(code: str) -> Force:
    """The force named by the URL, when the user may see its people (404 for a force they cannot see at all)."""
    try:
        force = forces.get_force(code)
    except ForceError:
        abort(404)
    if not policy.sees_force(_user(), force):
        abort(404)
    if not policy.sees_people(_user(), force):
        abort(403)
    return force


@bp.route("/unmatched")
@policy.role_required(policy.ADMIN, policy.FORCE_LEAD)
def unmatched_home():
    """A force lead's own queue; admins choose a force from those with records waiting."""
    if current_user.force:
        return redirect(url_for("matches.unmatched", code=current_user.force.code))
    return render_template("matches/unmatched_forces.html", forces=queue.forces_waiting())


@bp.route("/forces/<code>/unmatched", methods=["GET", "POST"])
@policy.signed_in
def unmatched(code: str):
    """Records no rule could match: confirm a likely person, or dismiss."""
    force = _people_force(code)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        key = request.form.get("identity_key", "")
        choice = request.form.get("person_id", "")
        try:
            with committing():
                message = queue.decide(force, key, choice, _user())
        except queue.DecisionError as exc:
            flash(str(exc), "error")
        else:
            flash(message, "success")
        return redirect(url_for("matches.unmatched", code=code))
    learners, total = queue.waiting(force)
    return render_template("matches/unmatched.html", force=force, learners=learners, total=total, form=form)
