"""The pending queue's forms: a decision on one line, and accepting every line the lead was shown."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import HiddenField, IntegerField, SubmitField
from wtforms.validators import AnyOf, InputRequired, NumberRange


class LineDecisionForm(FlaskForm):
    """Accept or decline one line: its id, and which of the two buttons was pressed (`decision`)."""

    line = IntegerField(validators=[InputRequired(message="Choose a line to accept or decline"), NumberRange(min=1)])
    decision = HiddenField(validators=[AnyOf(("accept", "decline"), message="Choose accept or decline")])


class AcceptAllForm(FlaskForm):
    """Accept every waiting line up to the newest the lead was shown (`upto`), so none arriving since slips in."""

    upto = IntegerField(validators=[InputRequired(message="Open the list of waiting lines again"),
                                    NumberRange(min=1)])
    submit = SubmitField("Accept all", widget=GovSubmitInput())
