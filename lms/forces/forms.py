"""Forms of the admin's force, role-category and requirement pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

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
    sso_only = RadioField(
        "Must this force's accounts sign in with single sign-on?",
        choices=[("off", "No, they may use a password too"), ("on", "Yes, single sign-on only")],
        # Optional: a form posted without it (an older page, a script) leaves the setting as it was.
        widget=GovRadioInput(), default="off", validators=[Optional()],
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


# --- due dates (DESIGN.md "Due dates") -----------------------------------------------------------------------------


def _whole_number(low: int, high: int, message: str):
    """A WTForms validator: blank passes (InputRequired decides), else a whole number from ``low`` to ``high``."""

    def check(form, field) -> None:
        text = (field.data or "").strip().replace(",", "")
        if text and not (text.isdigit() and low <= int(text) <= high):
            raise ValidationError(message)

    return check


class DueDateForm(FlaskForm):
    """The grace period and the validities: the same fields post the form and its check-your-answers step."""

    grace_days = StringField(
        "Grace period for joiners, in days", widget=GovTextInput(),
        validators=[InputRequired(message="Enter the grace period in days, like 90"),
                    _whole_number(0, 730, "Enter the grace period as a whole number of days from 0 to 730")],
    )
    elearning_validity_months = StringField(
        "How long an e-learning completion counts, in months", widget=GovTextInput(),
        validators=[Optional(), _whole_number(1, 240, "Enter the e-learning validity as a whole number of months "
                                                      "from 1 to 240, or leave it empty")],
    )
    hydra_validity_months = StringField(
        "How long a Hydra session counts, in months", widget=GovTextInput(),
        validators=[Optional(), _whole_number(1, 240, "Enter the Hydra validity as a whole number of months from 1 "
                                                      "to 240, or leave it empty")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def values(self) -> tuple[int, int | None, int | None]:
        """(grace days, e-learning validity months or None, Hydra validity months or None), once validated."""

        def number(field) -> int | None:
            text = (field.data or "").strip().replace(",", "")
            return int(text) if text else None

        return number(self.grace_days), number(self.elearning_validity_months), number(self.hydra_validity_months)
