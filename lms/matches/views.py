"""The unmatched queue's pages: a force lead confirms (from the suggestions or a search of the whole roster) or
dismisses the records no rule could match, accepts all close suggestions at once, and reviews or undoes the
decisions remembered for the force."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from lms import policy
from lms.core.errors import ServiceError
from lms.core.forms import ConfirmForm
from lms.core.paging import page_number
from lms.core.text import count_of
from lms.core.transaction import committing
from lms.forces import service as forces
from lms.forces.service import ForceError
from lms.matches import decisions, queue, roster, suggestions

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
    """Records no rule could match: confirm a suggested person or one found on the roster, or dismiss.

    `?learner=<identity>&q=<text>` searches the roster for that learner (the form that works without JavaScript)."""
    force = _people_force(code)
    form = ConfirmForm()
    errors: dict[str, str] = {}
    if request.method == "POST" and form.validate_on_submit():
        key = request.form.get("identity_key", "")
        try:
            with committing():
                message = queue.decide(force, key, request.form.get("person_id", ""), _user())
        except queue.DecisionError as exc:
            errors[exc.field or key] = str(exc)
        else:
            flash(message, "success")
            return redirect(url_for("matches.unmatched", code=code, page=request.args.get("page")))
    shown = queue.page(force, request.args.get("learner"), request.args.get("q"), page_number(request.args.get("page")))
    return render_template("matches/unmatched.html", force=force, page=shown, form=form, errors=errors,
                           minimum=suggestions.DEFAULT_MINIMUM), 400 if errors else 200


@bp.route("/forces/<code>/unmatched/people.json")
@policy.signed_in
def roster_search(code: str):
    """The roster search as JSON for the autocomplete: at most 20 active people of this force, never another's."""
    force = _people_force(code)
    return jsonify(people=[roster.as_json(p) for p in roster.search(force, request.args.get("q"))])


@bp.route("/forces/<code>/unmatched/accept-all", methods=["GET", "POST"])
@policy.signed_in
def accept_all(code: str):
    """Accept every suggestion at or above the similarity chosen: the list to check, then one confirmation."""
    force = _people_force(code)
    form = ConfirmForm()
    source = request.form if request.method == "POST" else request.args
    try:
        minimum = suggestions.minimum_from(source.get("minimum"))
    except ServiceError as exc:
        return render_template("matches/accept_all.html", force=force, form=form, error=str(exc),
                               value=source.get("minimum", ""), found=None), 400
    if request.method == "POST" and form.validate_on_submit():
        with committing():
            learners, records = suggestions.accept_all(
                force, suggestions.parse_choices(request.form.getlist("choice")), minimum, _user())
        flash(f"Matched {count_of(learners, 'learner')} ({count_of(records, 'record')}) to the people "
              "suggested; later uploads will match them too", "success")
        return redirect(url_for("matches.unmatched", code=code))
    found = suggestions.proposals(force, minimum)
    return render_template("matches/accept_all.html", force=force, form=form, error=None, value=str(minimum),
                           found=found)


@bp.route("/forces/<code>/decisions")
@policy.signed_in
def decisions_list(code: str):
    """Every decision remembered for the force, newest first, paged; each can be undone."""
    force = _people_force(code)
    lines, paging = decisions.page_of(force, page_number(request.args.get("page")))
    return render_template("matches/decisions.html", force=force, lines=lines, paging=paging,
                           can_open=lambda batch: policy.can_manage_batch(_user(), batch))


@bp.route("/forces/<code>/decisions/<int:decision_id>/undo", methods=["GET", "POST"])
@policy.signed_in
def undo_decision(code: str, decision_id: int):
    """Are you sure? Then forget the decision: the records go back to the queue (or re-match), figures follow."""
    force = _people_force(code)
    form = ConfirmForm()
    try:
        if request.method == "POST" and form.validate_on_submit():
            with committing():
                message = decisions.undo(force, decision_id, _user())
            flash(message, "success")
            return redirect(url_for("matches.decisions_list", code=code))
        line = decisions.get(force, decision_id)
    except decisions.DecisionNotFound:
        abort(404)
    return render_template("matches/undo.html", force=force, line=line, form=form)
