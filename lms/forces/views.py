"""The admin's force pages: each force's chief constable contact and reminders, the role-category rule table
and the requirements' course titles. Administrators only: every route is guarded by the blueprint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms import policy
from lms.core.clock import today
from lms.core.forms import ConfirmForm, attach_error, form_status
from lms.core.transaction import committing
from lms.forces import due_dates, requirements
from lms.forces import service as forces
from lms.forces.due_dates import DueDateError
from lms.forces.forms import DueDateForm, ForceSettingsForm, NewRuleForm, RequirementForm, RuleForm
from lms.forces.service import ForceError

if TYPE_CHECKING:
    from lms.models import Force, User

bp = Blueprint("forces", __name__, url_prefix="/admin")


@bp.before_request
@policy.role_required(policy.ADMIN)
def _administrators_only() -> None:
    """Every page here, including any added later: sign-in redirect when anonymous, 403 for other roles."""


def _me() -> User:
    return current_user._get_current_object()


def _force_or_404(code: str) -> Force:
    try:
        return forces.get_force(code)
    except ForceError:
        abort(404)


@bp.route("/forces")
def forces_list():
    """The 43 forces with their chief constable's contact; those with no email are flagged."""
    every_force = forces.all_forces()
    missing_only = request.args.get("missing") == "1"
    missing = [f for f in every_force if not f.chief_email]
    return render_template("forces/forces.html", forces=missing if missing_only else every_force, missing=missing,
                           missing_only=missing_only)


@bp.route("/forces/<code>", methods=["GET", "POST"])
def force_edit(code: str):
    """Change a force's chief constable contact, whether its people get personal reminders, and whether its
    accounts must sign in with single sign-on."""
    force = _force_or_404(code)
    form = ForceSettingsForm(data={"chief_name": force.chief_name or "", "chief_email": force.chief_email or "",
                                   "personal_reminders": "on" if force.personal_reminders else "off",
                                   "sso_only": "on" if force.sso_only else "off"})
    if form.validate_on_submit():
        try:
            with committing():
                forces.update_force(force, chief_name=form.chief_name.data or "",
                                    chief_email=form.chief_email.data or "",
                                    personal_reminders=form.personal_reminders.data == "on",
                                    sso_only=form.sso_only.data == "on", actor=_me())
        except ForceError as exc:
            form.chief_email.errors = [*form.chief_email.errors, str(exc)]
        else:
            flash(f"{force.name}: settings saved.", "success")
            return redirect(url_for("forces.forces_list"))
    return render_template("forces/force.html", form=form, force=force), form_status(form)


# --- the rule table and requirements -------------------------------------------------------------------------


@bp.route("/rules")
def rules():
    """The role-category rule table and the requirements with the titles College Learn exports use."""
    return render_template("forces/rules.html", rules=requirements.rule_table(),
                           requirements=requirements.all_requirements())


@bp.route("/rules/new", methods=["GET", "POST"])
def rule_new():
    """Add a role category that rosters may use."""
    form = NewRuleForm()
    if form.validate_on_submit():
        try:
            with committing():
                rule = requirements.add_rule(form.category.data, elearning=form.elearning.data == "yes",
                                             hydra=form.hydra.data == "yes", actor=_me())
        except ForceError as exc:
            attach_error(form, exc)
        else:
            flash(f"Role category {rule.role_category} added. Rosters can use it from their next upload.", "success")
            return redirect(url_for("forces.rules"))
    return render_template("forces/rule_form.html", form=form, row=None), form_status(form)


def _rule_or_404(category: str) -> requirements.RuleRow:
    row = requirements.get_rule(category)
    if row is None:
        abort(404)
    return row


@bp.route("/rules/<category>", methods=["GET", "POST"])
def rule_edit(category: str):
    """Change what a role category requires."""
    row = _rule_or_404(category)
    rule = row.rule
    form = RuleForm(data={"elearning": "yes" if rule.elearning else "no", "hydra": "yes" if rule.hydra else "no"})
    if form.validate_on_submit():
        with committing():
            requirements.update_rule(row.rule, elearning=form.elearning.data == "yes",
                                     hydra=form.hydra.data == "yes", actor=_me())
        flash(f"Role category {row.rule.role_category} saved. Each force's people follow it from the force's next "
              "roster upload.", "success")
        return redirect(url_for("forces.rules"))
    return render_template("forces/rule_form.html", form=form, row=row), form_status(form)


@bp.route("/rules/<category>/delete", methods=["GET", "POST"])
def rule_delete(category: str):
    """Confirm, then delete a role category no active person holds."""
    row = _rule_or_404(category)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            with committing():
                requirements.delete_rule(row.rule, actor=_me())
        except ForceError as exc:
            flash(str(exc), "error")
        else:
            flash(f"Role category {category} deleted.", "success")
        return redirect(url_for("forces.rules"))
    return render_template("forces/rule_delete.html", row=row, form=form)


@bp.route("/requirements/<code>", methods=["GET", "POST"])
def requirement_edit(code: str):
    """Change a requirement's title and the other titles College Learn exports may give it."""
    requirement = requirements.get_requirement(code)
    if requirement is None:
        abort(404)
    form = RequirementForm(data={"title": requirement.title, "aliases": "\n".join(requirement.aliases or [])})
    if form.validate_on_submit():
        try:
            with committing():
                requirements.update_requirement(requirement, title=form.title.data, aliases=form.alias_lines(),
                                                actor=_me())
        except ForceError as exc:
            attach_error(form, exc)
        else:
            flash(f"{requirement.code}: saved. Uploads from now on are matched by these titles.", "success")
            return redirect(url_for("forces.rules"))
    return render_template("forces/requirement.html", form=form, requirement=requirement), form_status(form)


# --- due dates: the grace period and validities, previewed before they are saved --------------------------------


def _due_date_form_data(policy) -> dict:
    def text(value) -> str:
        return "" if value is None else str(value)

    return {"grace_days": text(policy.grace_days), "elearning_validity_months": text(policy.elearning_validity_months),
            "hydra_validity_months": text(policy.hydra_validity_months)}


@bp.route("/due-dates", methods=["GET", "POST"])
def due_dates_edit():
    """The joiners' grace period and each package's validity; continuing shows what they would change."""
    current = due_dates.current_policy()
    # "Change" on the check page comes back here with the entered values in the query string.
    form = DueDateForm(data={**_due_date_form_data(current),
                             **{k: v for k, v in request.args.items() if k in _due_date_form_data(current)}})
    if form.validate_on_submit():
        try:
            change = due_dates.propose(*form.values(), today())
        except DueDateError as exc:
            attach_error(form, exc)
        else:
            return render_template("forces/due_dates_confirm.html", form=form, change=change,
                                   labels=due_dates.PACKAGE_LABELS)
    return render_template("forces/due_dates.html", form=form, current=current), form_status(form)


@bp.route("/due-dates/confirm", methods=["POST"])
def due_dates_confirm():
    """Save the settings the check page showed (audited); the figures follow them from now on."""
    form = DueDateForm()
    if not form.validate_on_submit():
        flash("The settings could not be saved: enter them again.", "error")
        return redirect(url_for("forces.due_dates_edit"))
    try:
        with committing():
            saved = due_dates.save(due_dates.proposed_policy(*form.values()), _me())
    except DueDateError as exc:
        flash(str(exc), "error")
        return redirect(url_for("forces.due_dates_edit"))
    flash("Due-date settings saved: every figure now follows them." if saved else "Nothing changed.", "success")
    return redirect(url_for("forces.due_dates_edit"))
