"""Schedules, the email log, "send now" after a preview, the preview of a chief constable's email (admins), and
the monthly publish step (MSOICU and admins)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from sqlalchemy import select
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired

from lms import policy
from lms.extensions import db
from lms.models import Force
from lms.services import emails, reports, schedules

bp = Blueprint("schedules", __name__)

admin_only = policy.role_required(policy.ADMIN)
PAGE_SIZE = 50
SEND_KINDS = {"league_tables": "League tables to chief constables", "reminders": "Stale-data and personal reminders"}


class ScheduleForm(FlaskForm):
    cron = StringField("Schedule", widget=GovTextInput(), validators=[InputRequired(message="Enter a schedule")])
    enabled = RadioField("Run this job?", choices=[("on", "Yes"), ("off", "No, switch it off")],
                         widget=GovRadioInput(), validators=[InputRequired(message="Select whether to run this job")])
    submit = SubmitField("Save schedule", widget=GovSubmitInput())


class PublishStepForm(FlaskForm):
    required = HiddenField()
    submit = SubmitField("Change", widget=GovSubmitInput())


class SendNowForm(FlaskForm):
    kind = HiddenField()
    force = HiddenField()
    submit = SubmitField("Send these emails now", widget=GovSubmitInput())


class PublishForm(FlaskForm):
    period = RadioField("Which month's emails is this table for?", widget=GovRadioInput(),
                        description="Publishing again replaces that month's table, until its first email has gone.",
                        validators=[InputRequired(message="Select the month")])
    submit = SubmitField("Publish this table", widget=GovSubmitInput())


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_time(moment: datetime | None) -> str:
    """A stored naive-UTC time, or an aware one, as local time in words."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    moment = moment.astimezone(_tz())
    return f"{moment.day} {moment:%B %Y, %H:%M} {moment.tzname()}"


# --- schedules -----------------------------------------------------------------------------------------------


@bp.route("/admin/schedules")
@admin_only
def index():
    """Every scheduler job with its schedule and next runs, and the publish step."""
    rows = []
    for setting in schedules.job_settings():
        try:
            upcoming = [local_time(t) for t in schedules.next_runs(setting.cron, 3)] if setting.enabled else []
        except schedules.ScheduleError:
            upcoming = []
        rows.append({"setting": setting, "next": upcoming})
    required = schedules.publish_required()
    form = PublishStepForm(required="off" if required else "on")
    return render_template("schedules/index.html", rows=rows, publish_required=required, form=form,
                           tz=current_app.config["TIMEZONE"])


@bp.route("/admin/schedules/<job_id>", methods=["GET", "POST"])
@admin_only
def edit(job_id: str):
    """Change one job's schedule or switch it off."""
    try:
        setting = schedules.job_setting(job_id)
    except LookupError:
        abort(404)
    form = ScheduleForm(data={"cron": setting.cron, "enabled": "on" if setting.enabled else "off"})
    if form.validate_on_submit():
        try:
            schedules.update_schedule(job_id, form.cron.data, form.enabled.data == "on", actor=current_user)
        except schedules.ScheduleError as exc:
            form.cron.errors = [*form.cron.errors, str(exc)]
        else:
            db.session.commit()
            flash(f"{setting.spec.title}: schedule saved. The scheduler picks up the change within a minute.",
                  "success")
            return redirect(url_for("schedules.index"))
    return render_template("schedules/edit.html", setting=setting, form=form, tz=current_app.config["TIMEZONE"])


@bp.route("/admin/schedules/publish-step", methods=["POST"])
@admin_only
def publish_step():
    """Switch on or off the rule that the month's table must be published before the emails go."""
    form = PublishStepForm()
    if not form.validate_on_submit() or form.required.data not in ("on", "off"):
        abort(400)
    schedules.set_publish_required(form.required.data == "on", actor=current_user)
    db.session.commit()
    flash("Publishing is now required before the league tables go." if form.required.data == "on"
          else "Publishing is no longer required: the league tables go with the figures of the day.", "success")
    return redirect(url_for("schedules.index"))


# --- the email log -------------------------------------------------------------------------------------------


@bp.route("/admin/emails")
@admin_only
def email_log():
    """Every email sent or tried, newest first, filtered by kind, status, period, force or recipient."""
    filters = {key: (request.args.get(key) or "").strip() for key in ("kind", "status", "period", "force", "q")}
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    rows, total = emails.email_log(kind=filters["kind"], status=filters["status"], period=filters["period"],
                                   force_code=filters["force"], recipient=filters["q"], page=page,
                                   per_page=PAGE_SIZE)
    forces = db.session.execute(select(Force.code, Force.name).order_by(Force.name)).all()
    args = {k: v for k, v in filters.items() if v}
    return render_template(
        "schedules/email_log.html", rows=rows, filters=filters, total=total, page=page,
        pages=max(1, -(-total // PAGE_SIZE)), kinds=emails.KIND_LABELS, statuses=emails.LOG_STATUSES, forces=forces,
        local_time=local_time, args=args,
    )


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
            report = _run(kind, force_code, dry_run=False)
        except emails.EmailRefused as exc:
            db.session.rollback()
            flash(str(exc))
            return redirect(url_for("schedules.send_now", kind=kind, force=force_code))
        db.session.commit()
        flash(report.summary(), "success" if not report.failed else None)
        return redirect(url_for("schedules.email_log",
                                period=report.outcomes[0].period if report.outcomes else None))
    refused = None
    report = None
    try:
        report = _run(kind, force_code, dry_run=True)
    except emails.EmailRefused as exc:
        refused = str(exc)
    db.session.rollback()
    forces = db.session.execute(select(Force.code, Force.name).order_by(Force.name)).all()
    would = [o for o in report.outcomes if o.action == "would send"] if report else []
    return render_template("schedules/send.html", kind=kind, kinds=SEND_KINDS, force_code=force_code, forces=forces,
                           report=report, would=would, refused=refused, form=form, kind_labels=emails.KIND_LABELS)


# --- preview of a chief constable's email --------------------------------------------------------------------


def _preview_force() -> Force:
    code = (request.args.get("force") or "").strip().lower()
    force = db.session.scalar(select(Force).where(Force.code == code)) if code else None
    if force is None:
        abort(404)
    return force


@bp.route("/admin/emails/preview")
@admin_only
def preview():
    """The email a force's chief constable would get this month: subject, text part, and links to the rest."""
    forces = db.session.execute(select(Force.code, Force.name).order_by(Force.name)).all()
    code = (request.args.get("force") or "").strip().lower()
    email = notes = force = None
    if code:
        force = _preview_force()
        email, notes = emails.preview_league_email(force)
    return render_template("schedules/preview.html", forces=forces, force=force, email=email, notes=notes)


@bp.route("/admin/emails/preview/email.html")
@admin_only
def preview_html():
    """The HTML part on its own: its inline styles need a policy of their own (scripts stay forbidden)."""
    email, _ = emails.preview_league_email(_preview_force())
    response = current_app.response_class(email.html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )
    return response


@bp.route("/admin/emails/preview/attachment.xlsx")
@admin_only
def preview_attachment():
    email, _ = emails.preview_league_email(_preview_force())
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
    today = reports.today()
    states = emails.publish_states(today)
    form = PublishForm()
    form.period.choices = [(s.period, s.choice_label) for s in states]
    if request.method == "GET":
        form.period.data = next((s.period for s in states if not s.locked), states[0].period)
    if form.validate_on_submit():
        try:
            row = emails.publish_table(form.period.data, today, actor=current_user)
        except emails.EmailRefused as exc:
            form.period.errors = [*form.period.errors, str(exc)]
        else:
            db.session.commit()
            flash(f"Published the table as of {emails.long_date(row.as_of)} for the "
                  f"{emails.month_label(row.period)} emails.", "success")
            return redirect(url_for("schedules.publish"))
    table = reports.league_table(today)
    return render_template("schedules/publish.html", table=table, states=states, form=form,
                           required=schedules.publish_required(), local_time=local_time,
                           month_label=emails.month_label,
                           today=emails.long_date(today), as_of=date.fromisoformat(table["as_of"]))
