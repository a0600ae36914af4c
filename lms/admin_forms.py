"""WTForms forms of the admin pages, rendered with govuk-frontend-wtf widgets."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from importers.dates import DateError, parse_date
from lms.forms import EMAIL_SHAPE

ROLE_LABELS = {
    "force_lead": "Force training lead",
    "regional": "ROCU OIC co-ordinator",
    "national": "MSOICU (national)",
    "admin": "Service administrator",
}
ROLE_HINTS = {
    "force_lead": "Uploads files and sees their own force person by person",
    "regional": "Sees the forces of their region; uploads Hydra registers",
    "national": "Sees every force's figures, never person-level data",
    "admin": "Everything, including these admin pages",
}
ROLE_CHOICES = list(ROLE_LABELS.items())
YES_NO = [("yes", "Yes"), ("no", "No")]


def role_items() -> list[dict]:
    """Radio items' hints, in ROLE_CHOICES order (the template merges them into the widget's items)."""
    return [{"hint": {"text": ROLE_HINTS[value]}} for value, _ in ROLE_CHOICES]


def set_placement_choices(form, forces: list[tuple[str, str]], regions: list[str]) -> None:
    """Choices of a form's force and region selects (an empty value means none)."""
    form.force.choices = [("", "Not a force training lead"), *forces]
    form.region.choices = [("", "Not a ROCU co-ordinator"), *[(name, name) for name in regions]]


# Fields are declared in page order: WTForms orders them (and so the error summary) by declaration.
class UserCreateForm(FlaskForm):
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter their email address"), Length(max=254), EMAIL_SHAPE])
    name = StringField("Full name (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    role = RadioField("Role", choices=ROLE_CHOICES, widget=GovRadioInput(),
                      validators=[InputRequired(message="Select the role")])
    force = SelectField("Force", widget=GovSelect(), validators=[Optional()])
    region = SelectField("Region", widget=GovSelect(), validators=[Optional()])
    password = PasswordField("Initial password", widget=GovPasswordInput(),
                             validators=[InputRequired(message="Enter an initial password")])
    submit = SubmitField("Create account", widget=GovSubmitInput())


class UserEditForm(FlaskForm):
    role = RadioField("Role", choices=ROLE_CHOICES, widget=GovRadioInput(),
                      validators=[InputRequired(message="Select the role")])
    force = SelectField("Force", widget=GovSelect(), validators=[Optional()])
    region = SelectField("Region", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class PasswordForm(FlaskForm):
    password = PasswordField("New password", widget=GovPasswordInput(),
                             validators=[InputRequired(message="Enter a new password")])
    submit = SubmitField("Reset password", widget=GovSubmitInput())


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


class DayField(StringField):
    """A day typed as text, day first (27/3/2026, 2026-03-27 or 27 March 2026); `day` holds the date."""

    day: date | None = None

    def pre_validate(self, form) -> None:
        self.day = None
        text = (self.data or "").strip()
        if not text:
            return
        try:
            self.day = parse_date(text)
        except DateError as exc:
            raise ValidationError(f"{self.label.text}: {exc}") from None


class AuditFilterForm(FlaskForm):
    """Filters of the audit log, read from the query string (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField("Action", widget=GovSelect(), validators=[Optional()], validate_choice=False)
    actor = StringField("Who (email contains)", widget=GovTextInput(), validators=[Optional(), Length(max=254)])
    force = SelectField("Force", widget=GovSelect(), validators=[Optional()])
    date_from = DayField("From", widget=GovTextInput())
    date_to = DayField("To", widget=GovTextInput())

    def validate_date_to(self, field) -> None:
        if self.date_from.day and field.day and field.day < self.date_from.day:
            raise ValidationError("To must be the same as or after From")
