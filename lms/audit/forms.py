"""The audit log's filters."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from importers.dates import DateError, parse_date


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
