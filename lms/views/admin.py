"""Admin pages: accounts and API tokens, forces' chief constable contacts, the role-category rule table and
requirement titles, and the audit log. Administrators only: every route is guarded by the blueprint."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lms import policy
from lms.admin_forms import (
    ROLE_LABELS,
    AuditFilterForm,
    NewRuleForm,
    PasswordForm,
    RequirementForm,
    RuleForm,
    UserCreateForm,
    UserEditForm,
    role_items,
    set_placement_choices,
)
from lms.extensions import db
from lms.forms import ConfirmForm, ForceSettingsForm
from lms.models import User
from lms.services import admin, users
from lms.services.admin import AdminError, AuditFilters
from lms.services.users import UserError

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@policy.role_required(policy.ADMIN)
def _administrators_only() -> None:
    """Every admin page, including any added later: sign-in redirect when anonymous, 403 for other roles."""


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


@bp.context_processor
def _helpers() -> dict:
    return {"local_time": lambda moment: admin.local_time(moment, _tz()), "role_labels": ROLE_LABELS,
            "is_locked": admin.is_locked, "detail_text": admin.detail_text}


def _me() -> User:
    return current_user._get_current_object()


def _field_error(form, exc: AdminError) -> None:
    """Put a service's refusal on the field it is about, so the error summary links to it."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is None:
        field = next(f for f in form if f.type not in ("CSRFTokenField", "SubmitField"))
    field.errors = [*field.errors, str(exc)]


def _status(form) -> int:
    return 400 if form.errors else 200


def _user_or_404(user_id: int) -> User:
    user = admin.get_user(user_id)
    if user is None:
        abort(404)
    return user


def _placement_choices(form) -> None:
    set_placement_choices(form, [(f.code, f.name) for f in admin.all_forces()],
                          [r.name for r in admin.all_regions()])


# --- home ----------------------------------------------------------------------------------------------------


@bp.route("")
def index():
    """Links to every admin page, with the counts that need attention."""
    views = current_app.view_functions
    return render_template("admin/index.html", counts=admin.overview(),
                           has_schedules="schedules.index" in views, has_email_log="schedules.email_log" in views)


# --- users ---------------------------------------------------------------------------------------------------


@bp.route("/users")
def users_list():
    """Every account with its role, force or region, status and last sign-in."""
    return render_template("admin/users.html", users=admin.all_users())


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    """Create an account with an initial password."""
    form = UserCreateForm()
    _placement_choices(form)
    if form.validate_on_submit():
        try:
            user = admin.create_account(email=form.email.data, name=form.name.data, role=form.role.data,
                                        force_code=form.force.data or None, region_name=form.region.data or None,
                                        password=form.password.data, actor=_me())
        except AdminError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(f"Account created for {user.email}. Give them their password by a secure route.", "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=None, role_items=role_items()), _status(form)


@bp.route("/users/<int:user_id>")
def user_detail(user_id: int):
    """One account: its details, what can be done to it, and its API tokens."""
    user = _user_or_404(user_id)
    return render_template("admin/user.html", user=user, tokens=admin.tokens_of(user), form=ConfirmForm(),
                           is_me=user.id == current_user.id)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id: int):
    """Change an account's role, and its force or region."""
    user = _user_or_404(user_id)
    form = UserEditForm(data={"role": user.role, "force": user.force.code if user.force else "",
                              "region": user.region.name if user.region else ""})
    _placement_choices(form)
    if form.validate_on_submit():
        try:
            changes = admin.update_account(user, role=form.role.data, force_code=form.force.data or None,
                                           region_name=form.region.data or None, actor=_me())
        except AdminError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(f"{user.email}: changes saved." if changes else f"{user.email}: nothing changed.", "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user, role_items=role_items()), _status(form)


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
def user_deactivate(user_id: int):
    """Confirm, then deactivate: they cannot sign in, their sessions end and their API tokens stop working."""
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            admin.set_active(user, False, actor=_me())
        except AdminError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"{user.email} has been deactivated: they can no longer sign in.", "success")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/deactivate.html", user=user, form=form, is_me=user.id == current_user.id)


@bp.post("/users/<int:user_id>/reactivate")
def user_reactivate(user_id: int):
    """Let a deactivated account sign in again (its old API tokens stay revoked)."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    admin.set_active(user, True, actor=_me())
    db.session.commit()
    flash(f"{user.email} has been reactivated and can sign in again.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def user_password(user_id: int):
    """Set a new password for someone: their sessions end and any lockout is lifted."""
    user = _user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            admin.reset_password(user, form.password.data, actor=_me())
        except AdminError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(f"Password reset for {user.email}. They have been signed out everywhere.", "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/password.html", form=form, user=user, is_me=user.id == current_user.id), \
        _status(form)


@bp.post("/users/<int:user_id>/unlock")
def user_unlock(user_id: int):
    """Lift the lockout after too many failed sign-ins."""
    user = _user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    admin.unlock(user, actor=_me())
    db.session.commit()
    flash(f"{user.email} is unlocked and can sign in again.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/tokens/new", methods=["GET", "POST"])
def token_new(user_id: int):
    """Confirm, then create an API token and show it once: only its hash is kept."""
    user = _user_or_404(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            token = admin.create_token(user, actor=_me())
        except AdminError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("admin.user_detail", user_id=user.id))
        db.session.commit()
        # Rendered, not redirected: the token must not travel through the session or a URL.
        return render_template("admin/token.html", user=user, token=token)
    return render_template("admin/token_new.html", user=user, form=form)


@bp.route("/users/<int:user_id>/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
def token_revoke(user_id: int, token_id: int):
    """Confirm, then stop an API token working."""
    user = _user_or_404(user_id)
    token = next((t for t in admin.tokens_of(user) if t.id == token_id), None)
    if token is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        admin.revoke_token(user, token_id, actor=_me())
        db.session.commit()
        flash(f"The API token {token.prefix}… of {user.email} no longer works.", "success")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/token_revoke.html", user=user, token=token, form=form)


# --- forces --------------------------------------------------------------------------------------------------


@bp.route("/forces")
def forces_list():
    """The 43 forces with their chief constable's contact; those with no email are flagged."""
    forces = admin.all_forces()
    missing_only = request.args.get("missing") == "1"
    missing = [f for f in forces if not f.chief_email]
    return render_template("admin/forces.html", forces=missing if missing_only else forces, missing=missing,
                           missing_only=missing_only)


@bp.route("/forces/<code>", methods=["GET", "POST"])
def force_edit(code: str):
    """Change a force's chief constable contact and whether its people get personal reminders."""
    force = admin.get_force(code)
    if force is None:
        abort(404)
    form = ForceSettingsForm(data={"chief_name": force.chief_name or "", "chief_email": force.chief_email or "",
                                   "personal_reminders": "on" if force.personal_reminders else "off"})
    if form.validate_on_submit():
        try:
            users.update_force(force, chief_name=form.chief_name.data or "", chief_email=form.chief_email.data or "",
                               personal_reminders=form.personal_reminders.data == "on", actor=_me())
        except UserError as exc:
            db.session.rollback()
            form.chief_email.errors = [*form.chief_email.errors, str(exc)]
        else:
            db.session.commit()
            flash(f"{force.name}: settings saved.", "success")
            return redirect(url_for("admin.forces_list"))
    return render_template("admin/force.html", form=form, force=force), _status(form)


# --- the rule table and requirements -------------------------------------------------------------------------


@bp.route("/rules")
def rules():
    """The role-category rule table and the requirements with the titles College Learn exports use."""
    return render_template("admin/rules.html", rules=admin.rule_table(), requirements=admin.all_requirements())


@bp.route("/rules/new", methods=["GET", "POST"])
def rule_new():
    """Add a role category that rosters may use."""
    form = NewRuleForm()
    if form.validate_on_submit():
        try:
            rule = admin.add_rule(form.category.data, elearning=form.elearning.data == "yes",
                                  hydra=form.hydra.data == "yes", actor=_me())
        except AdminError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(f"Role category {rule.role_category} added. Rosters can use it from their next upload.", "success")
            return redirect(url_for("admin.rules"))
    return render_template("admin/rule_form.html", form=form, row=None), _status(form)


def _rule_or_404(category: str) -> admin.RuleRow:
    row = admin.get_rule(category)
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
        admin.update_rule(row.rule, elearning=form.elearning.data == "yes", hydra=form.hydra.data == "yes",
                          actor=_me())
        db.session.commit()
        flash(f"Role category {row.rule.role_category} saved. Each force's people follow it from the force's next "
              "roster upload.", "success")
        return redirect(url_for("admin.rules"))
    return render_template("admin/rule_form.html", form=form, row=row), _status(form)


@bp.route("/rules/<category>/delete", methods=["GET", "POST"])
def rule_delete(category: str):
    """Confirm, then delete a role category no active person holds."""
    row = _rule_or_404(category)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            admin.delete_rule(row.rule, actor=_me())
        except AdminError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"Role category {category} deleted.", "success")
        return redirect(url_for("admin.rules"))
    return render_template("admin/rule_delete.html", row=row, form=form)


@bp.route("/requirements/<code>", methods=["GET", "POST"])
def requirement_edit(code: str):
    """Change a requirement's title and the other titles College Learn exports may give it."""
    requirement = admin.get_requirement(code)
    if requirement is None:
        abort(404)
    form = RequirementForm(data={"title": requirement.title, "aliases": "\n".join(requirement.aliases or [])})
    if form.validate_on_submit():
        try:
            admin.update_requirement(requirement, title=form.title.data, aliases=form.alias_lines(), actor=_me())
        except AdminError as exc:
            db.session.rollback()
            _field_error(form, exc)
        else:
            db.session.commit()
            flash(f"{requirement.code}: saved. Uploads from now on are matched by these titles.", "success")
            return redirect(url_for("admin.rules"))
    return render_template("admin/requirement.html", form=form, requirement=requirement), _status(form)


# --- the audit log -------------------------------------------------------------------------------------------


@bp.route("/audit")
def audit_log():
    """Who did what, newest first, 50 to a page; filters by action, who, force and local dates."""
    form = AuditFilterForm(formdata=request.args)
    forces = admin.all_forces()
    form.force.choices = [("", "All forces"), *[(f.code, f.name) for f in forces]]
    actions = admin.audit_actions()
    form.action.choices = [("", "All actions"), *[(a, a) for a in actions]]
    form.validate()
    filters = AuditFilters(
        action=form.action.data or None,
        actor=(form.actor.data or "").strip() or None,
        force_code=form.force.data if form.force.data and not form.force.errors else None,
        date_from=None if form.date_from.errors else form.date_from.day,
        date_to=None if form.date_to.errors else form.date_to.day,
    )
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        page = 1
    result = admin.audit_log(filters, page, _tz())
    return render_template("admin/audit.html", form=form, result=result, args=filters.as_args(),
                           tz=current_app.config["TIMEZONE"]), _status(form)
