"""The pending queue's pages: a force's lead, its ROCU or an admin accepts or declines the Hydra lines another
force's register sent to it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms import policy
from lms.core.paging import page_number
from lms.core.text import count_of
from lms.core.transaction import committing
from lms.forces import service as forces
from lms.forces.service import ForceError
from lms.pending import service as pending
from lms.pending.forms import AcceptAllForm, LineDecisionForm

bp = Blueprint("pending", __name__)


def _user():
    return current_user._get_current_object()


def _review_force(code: str):
    """The force named by the URL, when the user may review its pending lines (404 when they cannot see it)."""
    try:
        force = forces.get_force(code)
    except ForceError:
        abort(404)
    if not policy.sees_force(_user(), force):
        abort(404)
    if not policy.can_review_pending(_user(), force):
        abort(403)
    return force


@bp.route("/pending")
@policy.role_required(policy.ADMIN, policy.FORCE_LEAD, policy.REGIONAL)
def pending_home():
    """A force lead's own queue; admins and ROCUs choose a force from those with lines waiting."""
    if current_user.role == policy.FORCE_LEAD and current_user.force:
        return redirect(url_for("pending.queue", code=current_user.force.code))
    return render_template("pending/forces.html", forces=pending.forces_waiting(_user()))


@bp.route("/forces/<code>/pending", methods=["GET", "POST"])
@policy.signed_in
def queue(code: str):
    """Lines other forces' registers sent here: accept (they count) or decline (kept, never counted) each one."""
    force = _review_force(code)
    form = LineDecisionForm()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                with committing():
                    message = pending.decide(force, form.line.data, form.decision.data, _user())
            except pending.PendingError as exc:
                flash(str(exc), "error")
            else:
                flash(message, "success")
        else:
            flash("Choose Accept or Decline for one of the lines listed" if form.line.errors
                  else form.decision.errors[0], "error")
        return redirect(url_for("pending.queue", code=code, page=request.args.get("page")))
    lines, paging = pending.waiting(force, page_number(request.args.get("page")))
    return render_template("pending/queue.html", force=force, lines=lines, paging=paging, form=form,
                           sees_people=policy.sees_people(_user(), force))


@bp.route("/forces/<code>/pending/accept-all", methods=["GET", "POST"])
@policy.signed_in
def accept_all(code: str):
    """Accept every waiting line: a confirmation first (how many, from which registers), then one POST."""
    force = _review_force(code)
    form = AcceptAllForm()
    if form.validate_on_submit():
        try:
            with committing():
                n = pending.accept(force, _user(), upto=form.upto.data)
        except pending.PendingError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Accepted {count_of(n, 'line')}: they now count in {force.name}'s figures", "success")
        return redirect(url_for("pending.queue", code=code))
    upto = pending.latest_waiting_id(force)
    form.upto.data = upto
    return render_template("pending/accept_all.html", force=force, form=form, upto=upto,
                           senders=pending.senders(force, upto)), 400 if form.errors else 200
