"""The audit log: who did what, when, page by page or as CSV. Administrators only."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask_login import current_user

from lms import policy
from lms.audit import service as audit
from lms.audit.forms import AuditFilterForm
from lms.audit.service import AuditFilters
from lms.core.clock import timezone, today
from lms.core.forms import form_status
from lms.core.paging import page_number

bp = Blueprint("audit", __name__)


@bp.before_request
@policy.role_required(policy.ADMIN)
def _administrators_only() -> None:
    """Every page here: sign-in redirect when anonymous, 403 for other roles."""


@bp.context_processor
def _helpers() -> dict:
    return {"detail_items": audit.detail_items, "target_text": audit.target_text}


def _filters() -> tuple[AuditFilterForm, AuditFilters, list[tuple[str, str]]]:
    """The filter form read from the query string, and the filters it gives (a wrong field is left out)."""
    form = AuditFilterForm(formdata=request.args)
    forces = audit.force_choices()
    form.force.choices = [("", "All forces"), *forces]
    form.action.choices = [("", "All actions"), *audit.audit_actions()]
    form.validate()
    filters = AuditFilters(
        action=form.action.data or None,
        actor=(form.actor.data or "").strip() or None,
        force_code=form.force.data if form.force.data and not form.force.errors else None,
        date_from=None if form.date_from.errors else form.date_from.day,
        date_to=None if form.date_to.errors else form.date_to.day,
    )
    return form, filters, forces


@bp.route("/admin/audit")
def audit_log():
    """Who did what, newest first, 50 to a page; filters by action, user, force and local dates."""
    form, filters, forces = _filters()
    result = audit.audit_log(filters, page_number(request.args.get("page")), timezone(), current_user)
    return render_template("audit/log.html", form=form, result=result, args=filters.as_args(),
                           selected=filters.selected(dict(forces)),
                           tz=current_app.config["TIMEZONE"]), form_status(form)


@bp.route("/admin/audit.csv")
def audit_csv():
    """The events the filters match, every one of them, as CSV."""
    _form, filters, _forces = _filters()
    name = f"oic-audit-log-{today().isoformat()}.csv"
    response = Response(stream_with_context(audit.audit_csv(filters, timezone())), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
