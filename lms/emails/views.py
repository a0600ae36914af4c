"""The admin's email pages: the email log, "send now" after a preview, the preview of a chief constable's
email; and the monthly publish step (MSOICU and admins)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from lms import policy
from lms.core import clock
from lms.core.clock import local_time
from lms.core.forms import form_status
from lms.core.paging import page_number
from lms.core.text import long_date
from lms.core.transaction import committing, discarding
from lms.emails import common as email_common
from lms.emails import delivery as emails
from lms.emails import league
from lms.emails import log as email_log_service
from lms.emails import publish as publishing
from lms.emails.common import EmailRefused
from lms.emails.forms import PublishForm, SendNowForm
from lms.emails.log import EmailLogFilters
from lms.forces import service as forces_service
from lms.forces.service import ForceError
from lms.reports import figures

if TYPE_CHECKING:
    from lms.models import Force

bp = Blueprint("emails", __name__)

admin_only = policy.role_required(policy.ADMIN)
SEND_KINDS = {"league_tables": "League tables to chief constables", "reminders": "Stale-data and personal reminders"}


def _log_filters() -> EmailLogFilters:
    """The email log's filters from the query string (a GET form: it works without JavaScript)."""
    value = {key: (request.args.get(key) or "").strip() for key in ("kind", "status", "period", "force", "q")}
    return EmailLogFilters(kind=value["kind"], status=value["status"], force_code=value["force"].lower(),
                           period=value["period"], recipient=value["q"])


@bp.route("/admin/emails")
@admin_only
def email_log():
    """Every email sent or tried, newest first, 50 to a page, filtered by kind, status, force, period or recipient."""
    filters = _log_filters()
    result = email_log_service.email_log_page(filters, page_number(request.args.get("page")), current_user)
    forces = forces_service.force_choices()
    return render_template(
        "emails/log.html", result=result, filters=filters, args=filters.as_args(),
        selected=filters.selected(dict(forces)), kinds=email_common.KIND_LABELS,
        statuses=email_log_service.LOG_STATUSES, periods=email_log_service.log_periods(), forces=forces,
    )


@bp.route("/admin/emails.csv")
@admin_only
def email_log_csv():
    """The emails the filters match, every one of them, as CSV."""
    rows = email_log_service.email_log_csv(_log_filters(), clock.timezone())
    response = Response(stream_with_context(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="oic-email-log-{clock.today().isoformat()}.csv"'
    return response


# --- send now ------------------------------------------------------------------------------------------------


def _run(kind: str, force_code: str | None, *, dry_run: bool):
    if kind == "league_tables":
        return emails.send_league_tables(dry_run=dry_run, force_code=force_code or None, actor=current_user)
    return emails.send_reminders(dry_run=dry_run, actor=current_user)


@bp.route("/admin/emails/send", methods=["GET", "POST"])
@admin_only
def send_now():
    """Preview exactly what a run would send (a dry run), then send it. Nothing already sent goes again."""
    kind = request.values.get("kind", "league_tables")
    if kind not in SEND_KINDS:
        abort(404)
    force_code = (request.values.get("force") or "").strip().lower() or None
    if kind != "league_tables":
        force_code = None
    form = SendNowForm(kind=kind, force=force_code or "")
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            with committing():
                report = _run(kind, force_code, dry_run=False)
        except EmailRefused as exc:
            flash(str(exc), "error")
            return redirect(url_for("emails.send_now", kind=kind, force=force_code))
        flash(report.summary(), "success" if not report.failed else None)
        return redirect(url_for("emails.email_log",
                                period=report.outcomes[0].period if report.outcomes else None))
    refused = None
    report = None
    try:
        with discarding():
            report = _run(kind, force_code, dry_run=True)
    except EmailRefused as exc:
        refused = str(exc)
    forces = forces_service.force_choices()
    would = [o for o in report.outcomes if o.action == "would send"] if report else []
    return render_template("emails/send.html", kind=kind, kinds=SEND_KINDS, force_code=force_code, forces=forces,
                           report=report, would=would, refused=refused, form=form)


# --- preview of a chief constable's email --------------------------------------------------------------------


def _preview_force() -> Force:
    code = (request.args.get("force") or "").strip().lower()
    if not code:
        abort(404)
    try:
        return forces_service.get_force(code)
    except ForceError:
        abort(404)


@bp.route("/admin/emails/preview")
@admin_only
def preview():
    """The email a force's chief constable would get this month: subject, text part, and links to the rest."""
    forces = forces_service.force_choices()
    code = (request.args.get("force") or "").strip().lower()
    email = notes = force = None
    if code:
        force = _preview_force()
        email, notes = league.preview_league_email(force)
    return render_template("emails/preview.html", forces=forces, force=force, email=email, notes=notes)


@bp.route("/admin/emails/preview/email.html")
@admin_only
def preview_html():
    """The HTML part on its own: its inline styles need a policy of their own (scripts stay forbidden)."""
    email, _ = league.preview_league_email(_preview_force())
    response = current_app.response_class(email.html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )
    return response


@bp.route("/admin/emails/preview/attachment.xlsx")
@admin_only
def preview_attachment():
    """The .xlsx a force's chief constable would get with this month's email."""
    email, _ = league.preview_league_email(_preview_force())
    attachment = email.attachments[0]
    response = current_app.response_class(attachment.data, mimetype=attachment.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{attachment.filename}"'
    return response


# --- publishing the month's table ----------------------------------------------------------------------------


@bp.route("/publish", methods=["GET", "POST"])
@policy.signed_in
def publish():
    """MSOICU reviews today's table and publishes it as the table a month's emails use."""
    if not policy.can_publish(current_user):
        abort(403)
    today = clock.today()
    states = publishing.publish_states(today)
    form = PublishForm()
    form.period.choices = [(s.period, s.choice_label) for s in states]
    if request.method == "GET":
        form.period.data = publishing.default_period(states)
    table = figures.league_table(today)
    page = dict(table=table, states=states, form=form, required=publishing.publish_required(),
                local_time=local_time, month_label=clock.month_label, today=long_date(today),
                as_of=date.fromisoformat(table["as_of"]))
    if form.validate_on_submit():
        try:
            if form.confirm.data != "yes":
                # Check your answers: nothing is stored until the month and its warnings have been seen.
                publishing.check_period(form.period.data, today)
                return render_template("emails/publish_check.html", period=form.period.data,
                                       warnings=publishing.publish_warnings(form.period.data, today),
                                       ranked=sum(1 for f in table["forces"] if f["rank"] is not None), **page)
            with committing():
                row = publishing.publish_table(form.period.data, today, actor=current_user)
        except EmailRefused as exc:
            form.period.errors = [*form.period.errors, str(exc)]
        else:
            flash(f"Published the table as of {long_date(row.as_of)} for the "
                  f"{clock.month_label(row.period)} emails.", "success")
            return redirect(url_for("emails.publish"))
    return render_template("emails/publish.html", **page), form_status(form)
