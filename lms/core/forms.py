"""What every feature's forms share (govuk-frontend-wtf widgets)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField
from wtforms.validators import Regexp

from lms.core.errors import ServiceError

# A light check: email-validator refuses reserved domains (.invalid, .test) that demos and tests use.
EMAIL_SHAPE = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                     message="Enter an email address in the correct format, like name@example.police.uk")


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
