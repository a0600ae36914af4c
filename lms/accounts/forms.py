"""Forms of signing in and of the admin's account pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from lms.core import text
from lms.core.forms import EMAIL_SHAPE


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address"),
                    EMAIL_SHAPE],
    )
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired(message="Enter your password")])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


ROLE_LABELS = text.ROLE_LABELS  # the words for each role, as every page says them
ROLE_HINTS = {
    "force_lead": "Uploads files and sees their own force person by person",
    "regional": "Sees the forces of their region; uploads Hydra registers",
    "national": "Sees every force's figures, never person-level data",
    "admin": "Everything, including these admin pages",
}
ROLE_CHOICES = list(ROLE_LABELS.items())
YES_NO = [("yes", "Yes"), ("no", "No")]
SIGN_IN_CHOICES = [("off", "With a password or single sign-on"), ("on", "With single sign-on only")]


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
    # Optional: a form posted without it (an older page, a script) leaves the setting as it was.
    sso_only = RadioField("How may they sign in?", choices=SIGN_IN_CHOICES, widget=GovRadioInput(),
                          validators=[Optional()])
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class PasswordForm(FlaskForm):
    password = PasswordField("New password", widget=GovPasswordInput(),
                             validators=[InputRequired(message="Enter a new password")])
    submit = SubmitField("Reset password", widget=GovSubmitInput())
