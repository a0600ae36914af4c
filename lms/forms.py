"""WTForms forms rendered with govuk-frontend-wtf widgets."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, Regexp

# A light check: email-validator refuses reserved domains (.invalid, .test) that demos and tests use.
EMAIL_SHAPE = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                     message="Enter an email address in the correct format, like name@example.police.uk")


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


KIND_CHOICES = [
    ("roster", "Roster of relevant personnel"),
    ("college-learn", "College Learn completion export"),
    ("hydra", "Hydra attendance register"),
]


class UploadForm(FlaskForm):
    kind = RadioField("What kind of file is it?", choices=KIND_CHOICES, widget=GovRadioInput(),
                      validators=[InputRequired(message="Select what kind of file it is")])
    force = SelectField("Force", widget=GovSelect(), validators=[InputRequired(message="Select a force")])
    file = FileField("Upload a file", widget=GovFileInput(),
                     validators=[FileRequired(message="Select a .xlsx or .csv file")])
    submit = SubmitField("Upload and preview", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A form with only a CSRF token and a button: for commit, cancel, rollback and other POST actions."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


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
