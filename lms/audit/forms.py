"""The audit log's filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from lms.core.forms import DateInputField


class AuditFilterForm(FlaskForm):
    """Filters of the audit log, read from the query string (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField("Action", widget=GovSelect(), validators=[Optional()], validate_choice=False)
    actor = StringField("Who (email contains)", widget=GovTextInput(), validators=[Optional(), Length(max=254)])
    force = SelectField("Force", widget=GovSelect(), validators=[Optional()])
    # GOV.UK date inputs; links made before them (?date_from=27/3/2026) still work (legacy).
    date_from = DateInputField("From", error_name="From date", legacy=True)
    date_to = DateInputField("To", error_name="To date", legacy=True)

    def validate_date_to(self, field) -> None:
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError("To date must be the same as or after the from date")
