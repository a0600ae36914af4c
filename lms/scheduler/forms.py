"""Forms of the schedules page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired


class ScheduleForm(FlaskForm):
    cron = StringField("Schedule", widget=GovTextInput(), validators=[InputRequired(message="Enter a schedule")])
    enabled = RadioField("Run this job?", choices=[("on", "Yes"), ("off", "No, switch it off")],
                         widget=GovRadioInput(), validators=[InputRequired(message="Select whether to run this job")])
    submit = SubmitField("Save schedule", widget=GovSubmitInput())


class PublishStepForm(FlaskForm):
    required = HiddenField()
    submit = SubmitField("Change", widget=GovSubmitInput())
