"""The audit log: who did what, when. Administrators only."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from lms import policy
from lms.audit import service as audit
from lms.audit.forms import AuditFilterForm
from lms.audit.service import AuditFilters
from lms.core.clock import local_time, timezone
from lms.core.forms import form_status

bp = Blueprint("audit", __name__)


@bp.before_request
@policy.role_required(policy.ADMIN)
def _administrators_only() -> None:
    """Every page here: sign-in redirect when anonymous, 403 for other roles."""


@bp.context_processor
def _helpers() -> dict:
    return {"local_time": local_time, "detail_text": audit.detail_text}


@bp.route("/admin/audit")
def audit_log():
    """Who did what, newest first, 50 to a page; filters by action, who, force and local dates."""
    form = AuditFilterForm(formdata=request.args)
    form.force.choices = [("", "All forces"), *audit.force_choices()]
    actions = audit.audit_actions()
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
    result = audit.audit_log(filters, page, timezone())
    return render_template("audit/log.html", form=form, result=result, args=filters.as_args(),
                           tz=current_app.config["TIMEZONE"]), form_status(form)
