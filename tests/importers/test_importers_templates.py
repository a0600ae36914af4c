"""Templates: canonical headings, and the readers recognise them."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from importers import CANONICAL_HEADERS, KINDS, FileRefused, read_file, template_xlsx
from tests.importers.sheetmaker import TODAY

FILLED = {
    "roster": ["S1", "Ann", "Lee", "ann@kent.police.uk", "PC", "Response", "Response", "frontline", "Y", "N",
               None, None],
    "college-learn": ["S1", "ann@kent.police.uk", "Ann", "Lee", "Kent", "OIC module 1", "Completed",
                      datetime(2025, 5, 14)],
    "hydra": [datetime(2025, 5, 14), "H1", "Lewes", "MSOICU", "S1", "Ann", "Lee", "", "Kent", "Attended"],
}


@pytest.mark.parametrize("kind", KINDS)
def test_template_has_canonical_bold_frozen_headings(kind):
    sheet = load_workbook(io.BytesIO(template_xlsx(kind))).active
    assert [c.value for c in sheet[1]] == CANONICAL_HEADERS[kind]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 12


@pytest.mark.parametrize("kind", KINDS)
def test_blank_template_is_recognised_but_has_no_data(kind):
    with pytest.raises(FileRefused, match="has no data rows"):
        read_file(kind, template_xlsx(kind), "template.xlsx", today=TODAY)


@pytest.mark.parametrize("kind", KINDS)
def test_filled_template_reads(kind):
    workbook = load_workbook(io.BytesIO(template_xlsx(kind)))
    workbook.active.append(FILLED[kind])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_file(kind, buffer.getvalue(), "filled.xlsx", today=TODAY)
    assert result.errors == [] and len(result.rows) == 1
    assert result.headers == CANONICAL_HEADERS[kind]


def test_roster_canonical_headings_include_relevance_and_exemptions():
    for heading in ("Role category", "E-learning required", "Hydra required", "Exempt until", "Exemption reason"):
        assert heading in CANONICAL_HEADERS["roster"]


def test_unknown_template_kind():
    with pytest.raises(ValueError, match="unknown kind"):
        template_xlsx("payroll")
