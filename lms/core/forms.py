"""What every feature's forms share (govuk-frontend-wtf widgets)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from markupsafe import Markup
from wtforms import Field, SubmitField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation, ValidationError

from importers.addresses import is_email_address
from lms.core.date_input import DateEntry, of_date, read_submitted
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


# --- GOV.UK date input -----------------------------------------------------------------------------------------------

class DateInputWidget(GovFormBase):
    """Renders a DateInputField as GOV.UK's date input: a fieldset whose legend is the label, three boxes.
    Template parameters: ``legend``, ``hint`` (text) and ``legend_classes``; others go to govukDateInput."""

    template = "govuk_frontend_wtf/date.html"  # {{ govukDateInput(params) }}

    def __call__(self, field: DateInputField, params: dict | None = None, **_attributes) -> Markup:
        params = dict(params or {})
        legend = params.pop("legend", None) or field.label.text
        hint = params.pop("hint", None) or field.description or None
        hint = hint.get("text") if isinstance(hint, dict) else hint
        options = field.entry.params(legend, hint=hint, error=field.errors[0] if field.errors else None,
                                     **({"legend_classes": params.pop("legend_classes")}
                                        if "legend_classes" in params else {}))
        return self.render({**options, **params})


class DateInputField(Field):
    """A date typed as day, month and year (``<name>-day``, ``-month``, ``-year``); ``data`` is the date or None.

    ``error_name`` starts its messages ("From date must include a month"; the label by default). ``legacy``
    also accepts the single ``<name>`` parameter older links use (``?date_from=27/3/2026``). ``earliest`` and
    ``latest`` (dates, or callables such as ``clock.today``) bound it; ``required_message`` makes it required.
    The field's id is the first box at fault, so the error summary links to it.
    """

    widget = DateInputWidget()

    def __init__(self, label=None, validators=None, *, error_name: str | None = None, legacy: bool = False,
                 earliest=None, latest=None, required_message: str | None = None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.error_name = error_name or self.label.text
        self.legacy, self.earliest, self.latest, self.required_message = legacy, earliest, latest, required_message
        self.entry: DateEntry = DateEntry(self.name)
        self.id = self.entry.first_id

    @property
    def day(self):
        """The date, or None: the name the audit filters read it by."""
        return self.data

    def process(self, formdata, data=unset_value, extra_filters=None) -> None:
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.entry, self.data = of_date(self.name, data), data
        if formdata is None:
            return
        legacy_given = self.legacy and formdata.get(self.name)
        typed = any(f"{self.name}-{part}" in formdata for part in ("day", "month", "year"))
        if not (legacy_given or typed or self.required_message):
            return
        checks = {key: value() if callable(value) else value
                  for key, value in (("earliest", self.earliest), ("latest", self.latest))}
        self.entry = read_submitted(formdata, self.name, self.error_name, legacy=self.legacy,
                                    required_message=self.required_message, **checks)
        self.data = self.entry.value
        self.raw_data = [self.entry.day, self.entry.month, self.entry.year]
        self.id = self.entry.first_id

    def pre_validate(self, form) -> None:
        if self.entry.error:
            raise StopValidation(self.entry.error)

    def _value(self) -> str:
        return self.data.isoformat() if self.data else ""
