"""Forms of the admin's force, role-category and requirement pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from lms.core.forms import EMAIL_SHAPE

YES_NO = [("yes", "Yes"), ("no", "No")]


class ForceSettingsForm(FlaskForm):
    chief_name = StringField("Chief constable's name", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    chief_email = StringField(
        "Chief constable's email address", widget=GovTextInput(),
        validators=[Optional(), EMAIL_SHAPE],
    )
    personal_reminders = RadioField(
        "Send personal reminders to people in this force?", choices=[("off", "No"), ("on", "Yes")],
        widget=GovRadioInput(), default="off",
        validators=[InputRequired(message="Select whether to send personal reminders")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


_ELEARNING_LABEL = "Must people in this category do the e-learning (modules 1 to 4)?"
_HYDRA_LABEL = "Must people in this category attend a Hydra session?"


class RuleForm(FlaskForm):
    elearning = RadioField(_ELEARNING_LABEL, choices=YES_NO, widget=GovRadioInput(),
                           validators=[InputRequired(message="Select whether they must do the e-learning")])
    hydra = RadioField(_HYDRA_LABEL, choices=YES_NO, widget=GovRadioInput(),
                       validators=[InputRequired(message="Select whether they must attend a Hydra session")])
    submit = SubmitField("Save", widget=GovSubmitInput())


class NewRuleForm(FlaskForm):
    category = StringField("Role category", widget=GovTextInput(),
                           validators=[InputRequired(message="Enter the role category"), Length(max=40)])
    elearning = RadioField(_ELEARNING_LABEL, choices=YES_NO, widget=GovRadioInput(),
                           validators=[InputRequired(message="Select whether they must do the e-learning")])
    hydra = RadioField(_HYDRA_LABEL, choices=YES_NO, widget=GovRadioInput(),
                       validators=[InputRequired(message="Select whether they must attend a Hydra session")])
    submit = SubmitField("Add role category", widget=GovSubmitInput())


class RequirementForm(FlaskForm):
    title = StringField("Title", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter the title"), Length(max=300)])
    aliases = TextAreaField("Other titles College Learn uses for it", widget=GovTextArea(), validators=[Optional()])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def alias_lines(self) -> list[str]:
        return [line.strip() for line in (self.aliases.data or "").splitlines() if line.strip()]
