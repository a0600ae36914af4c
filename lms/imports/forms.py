"""The upload form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSelect, GovSubmitInput
from wtforms import RadioField, SelectField, SubmitField
from wtforms.validators import InputRequired

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

    def only_force(self) -> tuple[str, str] | None:
        """(code, name) when the user may upload for one force only: the page names it instead of offering a
        select with one option (the code travels in a hidden field)."""
        choices = list(self.force.choices or [])
        return choices[0] if len(choices) == 1 else None
