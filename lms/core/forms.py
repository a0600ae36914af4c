"""What every feature's forms share (govuk-frontend-wtf widgets)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import ValidationError

from importers.addresses import is_email_address
from lms.core.errors import ServiceError


def email_shape(form, field) -> None:
    """WTForms validator: exactly one email address, by the same rules as rosters and the CLI (email-validator)."""
    if field.data and not is_email_address(field.data):
        raise ValidationError("Enter an email address in the correct format, like name@example.police.uk")


EMAIL_SHAPE = email_shape


class ConfirmForm(FlaskForm):
    """A form with only a CSRF token and a button: for commit, cancel, rollback and other POST actions."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


def attach_error(form: FlaskForm, exc: ServiceError) -> None:
    """Put a service's refusal on the field it is about (the first input when it names none), so the error
    summary links to it."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is None:
        field = next(f for f in form if f.type not in ("CSRFTokenField", "SubmitField"))
    field.errors = [*field.errors, str(exc)]


def form_status(form: FlaskForm) -> int:
    """400 for a page shown again with errors, 200 otherwise."""
    return 400 if form.errors else 200
