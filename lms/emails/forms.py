"""Forms of sending now and of publishing the month's table."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import HiddenField, RadioField, SubmitField
from wtforms.validators import InputRequired


class SendNowForm(FlaskForm):
    kind = HiddenField()
    force = HiddenField()
    submit = SubmitField("Send these emails now", widget=GovSubmitInput())


class PublishForm(FlaskForm):
    """Step one chooses the month; step two (check your answers) sends it again with `confirm` set."""

    period = RadioField("Which month's emails is this table for?", widget=GovRadioInput(),
                        description="Publishing again replaces that month's table, until its first email has gone.",
                        validators=[InputRequired(message="Select the month")])
    confirm = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())
