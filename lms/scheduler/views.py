"""The admin's schedules: when each scheduler job runs, and whether the month's table must be published first."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from lms import policy
from lms.core.clock import local_time
from lms.core.forms import form_status
from lms.core.transaction import committing
from lms.emails import publish
from lms.scheduler import missed
from lms.scheduler import settings as schedules
from lms.scheduler.forms import PublishStepForm, ScheduleForm

bp = Blueprint("scheduler", __name__)

admin_only = policy.role_required(policy.ADMIN)


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
    required = publish.publish_required()
    form = PublishStepForm(required="off" if required else "on")
    return render_template("scheduler/index.html", rows=rows, publish_required=required, form=form,
                           tz=current_app.config["TIMEZONE"], missed=missed.missed_runs(),
                           describe=schedules.describe)


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
            with committing():
                schedules.update_schedule(job_id, form.cron.data, form.enabled.data == "on", actor=current_user)
        except schedules.ScheduleError as exc:
            form.cron.errors = [*form.cron.errors, str(exc)]
        else:
            flash(f"{setting.spec.title}: schedule saved ({schedules.describe(form.cron.data)}). The scheduler picks "
                  "up the change within a minute.", "success")
            return redirect(url_for("scheduler.index"))
    return render_template("scheduler/edit.html", setting=setting, form=form, tz=current_app.config["TIMEZONE"],
                           describe=schedules.describe), form_status(form)


@bp.route("/admin/schedules/publish-step", methods=["POST"])
@admin_only
def publish_step():
    """Switch on or off the rule that the month's table must be published before the emails go."""
    form = PublishStepForm()
    if not form.validate_on_submit() or form.required.data not in ("on", "off"):
        abort(400)
    with committing():
        publish.set_publish_required(form.required.data == "on", actor=current_user)
    flash("Publishing is now required before the league tables go." if form.required.data == "on"
          else "Publishing is no longer required: the league tables go with the figures of the day.", "success")
    return redirect(url_for("scheduler.index"))
