"""The admin's form for withdrawing a chief constable's link."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField


class RevokeLinkForm(FlaskForm):
    """Withdraw one link (its id is in the address)."""

    submit = SubmitField("Withdraw link", widget=GovSubmitInput())
