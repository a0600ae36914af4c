"""Blank .xlsx templates with the canonical headings of each kind of upload (CONTRACT.md "Files")."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .base import KINDS

CANONICAL_HEADERS: dict[str, list[str]] = {
    "roster": [
        "Staff number", "Forename", "Surname", "Email", "Rank", "Role", "Department", "Role category",
        "E-learning required", "Hydra required", "Exempt until", "Exemption reason", "Start date", "Leaving date",
    ],
    "college-learn": [
        "Staff number", "Email", "First name", "Last name", "Organisation", "Course", "Status", "Date completed",
    ],
    "hydra": [
        "Session date", "Session reference", "Venue", "Facilitator", "Staff number", "Forename", "Surname", "Email",
        "Force", "Attended",
    ],
}

_SHEET_TITLES = {"roster": "Roster", "college-learn": "Completions", "hydra": "Register"}
_DATE_COLUMNS = {"Exempt until", "Date completed", "Session date", "Start date", "Leaving date"}
_CHOICES = {
    "E-learning required": '"Y,N"',
    "Hydra required": '"Y,N"',
    "Role category": '"frontline,investigator,manager,other"',
    "Attended": '"Attended,Did not attend,Partially attended"',
}
_WIDE = {"Email": 34, "Course": 60, "Venue": 28, "Exemption reason": 30}
_TEMPLATE_ROWS = 5000  # validation and date formats cover this many rows


def template_xlsx(kind: str) -> bytes:
    """A blank .xlsx for ``kind`` with the canonical heading row: bold, frozen, with sensible widths.

    Y/N, role category and attendance columns offer their values in a drop-down, and date columns
    are formatted dd/mm/yyyy.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _SHEET_TITLES[kind]
    headers = CANONICAL_HEADERS[kind]
    sheet.append(headers)
    bold = Font(bold=True)
    for index, heading in enumerate(headers, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = bold
        sheet.column_dimensions[letter].width = _WIDE.get(heading, max(14, len(heading) + 4))
        cells = f"{letter}2:{letter}{_TEMPLATE_ROWS}"
        if heading in _CHOICES:
            validation = DataValidation(type="list", formula1=_CHOICES[heading], allow_blank=True)
            validation.add(cells)
            sheet.add_data_validation(validation)
        if heading in _DATE_COLUMNS:
            for row in range(2, 202):
                sheet.cell(row=row, column=index).number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
