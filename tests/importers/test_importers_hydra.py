"""Hydra registers: sessions, merged cells, attendance and delegates from other forces."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from importers import HydraRow, read_file, read_hydra
from importers.hydra import attendance
from tests.importers.sheetmaker import FIXTURES, HYDRA_HEADERS, TODAY, csv_bytes, write, xlsx_bytes


def delegate(staff, attended="Attended", when="20/01/2026", force="Kent Police", ref="HYD-1"):
    return [when, ref, "Hydra suite, Maidstone", "MSOICU trainer", staff, "Ann", f"Lee{staff}",
            f"{staff.lower()}@kent.police.uk", force, attended]


def read(tmp_path, name, data):
    path = write(tmp_path, name, data)
    return read_file("hydra", path.read_bytes(), path.name, today=TODAY)


def test_sample_fixture():
    data = (FIXTURES / "hydra_register_sussex.csv").read_bytes()
    result = read_hydra(data, "hydra_register_sussex.csv", today=TODAY)
    assert not result.errors and len(result.rows) == result.data_rows == 15
    assert result.rows[0] == HydraRow(2, date(2026, 1, 20), "HYD-SUS-02", "Hydra suite, Lewes", "MSOICU trainer",
                                      "S0005", "lowri.hale5@sussex.police.invalid", "Lowri", "Hale", "sussex", "No",
                                      False)
    assert (result.rows[-1].staff_number, result.rows[-1].force_code, result.rows[-1].email) == ("2207", "surrey",
                                                                                                  None)


def test_merged_session_cells_carry_down(tmp_path):
    rows = [
        HYDRA_HEADERS,
        [datetime(2025, 3, 12), "HYD-01", "Lewes", "MSOICU", "S1", "Ann", "Lee", "", "Sussex", "Yes"],
        [None, None, None, None, "S2", "Bob", "Ray", "", "Surrey Police", "Did not attend"],
        [None, None, None, None, "S3", "Cy", "Oh", "", "Met", "Y"],
        [datetime(2026, 1, 20), "HYD-02", "Crawley", "ROCU", "S4", "Di", "Fo", "", "Sussex", "Partially attended"],
        [None, None, None, None, "S5", "Ed", "Go", "", "Sussex", "Present"],
    ]
    merges = ["A4:A6", "B4:B6", "C4:C6", "D4:D6", "A7:A8", "B7:B8", "C7:C8", "D7:D8"]  # under 2 titles + headings
    result = read(tmp_path, "register.xlsx", xlsx_bytes(rows, titles=["Hydra register", "MSOICU"], merges=merges))
    assert result.errors == []
    assert [(r.row, r.session_date, r.session_reference, r.venue, r.force_code, r.attended) for r in result.rows] == [
        (4, date(2025, 3, 12), "HYD-01", "Lewes", "sussex", True),
        (5, date(2025, 3, 12), "HYD-01", "Lewes", "surrey", False),
        (6, date(2025, 3, 12), "HYD-01", "Lewes", "metropolitan", True),
        (7, date(2026, 1, 20), "HYD-02", "Crawley", "sussex", False),
        (8, date(2026, 1, 20), "HYD-02", "Crawley", "sussex", True),
    ]


@pytest.mark.parametrize(
    ("text", "attended"),
    [("Attended", True), ("yes", True), ("Y", True), ("TRUE", True), ("1", True), ("Present", True),
     ("Did not attend", False), ("DNA", False), ("No show", False), ("no-show", False),
     ("Partially attended", False), ("No", False), ("N", False), ("Absent", False), ("Maybe", None), ("", None)],
)
def test_attendance_values(text, attended):
    assert attendance(text) is attended


ROW_ERRORS = [
    ("blank session date (not merged)", delegate("S9", when=""), "Session date", "The session date is blank"),
    ("impossible session date", delegate("S9", when="30/02/2026"), "Session date", "30/02/2026 is not a date"),
    ("future session", delegate("S9", when="01/12/2026"), "Session date", "is in the future"),
    ("session before 2020", delegate("S9", when="12/03/2019"), "Session date", "is before 2020"),
    ("blank attendance", delegate("S9", attended=""), "Attended", "Attendance is blank"),
    ("unknown force", delegate("S9", force="Atlantis Police"), "Force", "is not one of the 43 police forces"),
]


@pytest.mark.parametrize(("row", "column", "words"), [c[1:] for c in ROW_ERRORS], ids=[c[0] for c in ROW_ERRORS])
@pytest.mark.parametrize("name", ["register.csv", "register.xlsx"])
def test_row_errors(tmp_path, name, row, column, words):
    rows = [HYDRA_HEADERS, delegate("S1"), row]
    data = csv_bytes(rows) if name.endswith(".csv") else xlsx_bytes(rows)
    result = read(tmp_path, name, data)
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert words in result.errors[0].message
    assert [r.staff_number for r in result.rows] == ["S1"]


def test_delegate_by_name_only_and_no_one(tmp_path):
    rows = [["Date of session", "Delegate name", "Attendance"], ["14 May 2025", "Siân O'Brien", "Attended"],
            ["14 May 2025", "", "Attended"]]
    result = read(tmp_path, "register.csv", csv_bytes(rows))
    assert [(r.first_name, r.last_name, r.staff_number, r.force_code) for r in result.rows] == [
        ("Siân", "O'Brien", None, None)]
    assert [(e.row, e.column) for e in result.errors] == [(3, "Delegate name")]
    assert "does not say who the delegate is" in result.errors[0].message


def test_formula_text_in_venue_is_a_warning(tmp_path):
    rows = [HYDRA_HEADERS, delegate("S1")]
    rows[1][2] = "=cmd|' /C calc'!A0"
    result = read(tmp_path, "register.csv", csv_bytes(rows))
    assert result.rows[0].venue == "=cmd|' /C calc'!A0"
    assert [(w.row, w.column) for w in result.warnings] == [(2, "Venue")]
