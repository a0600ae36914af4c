"""Rosters: every file form reads the same; each bad row is a row error naming row and column."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from importers import RosterRow, RowError, read_file, read_roster
from tests.importers.sheetmaker import FIXTURES, ROSTER_HEADERS, TODAY, csv_bytes, roster_row, write, xlsx_bytes

PEOPLE = [
    ROSTER_HEADERS,
    ["S0001", "Zoë", "Ní Bhraonáin", "zoe.nibhraonain@kent.police.uk", "Sergeant", "Custody", "Custody",
     "Investigator"],
    ["00042", "José", "Álvarez-Smith", "", "Constable", "Response officer", "Response", " frontline "],
    ["S0003", "Siân", "O'Brien", "sian.obrien@kent.police.uk", "Inspector", "Duty inspector", "Response",
     "MANAGER"],
]
EXPECTED = [
    RosterRow(2, "S0001", "Zoë", "Ní Bhraonáin", "zoe.nibhraonain@kent.police.uk", "Sergeant", "Custody", "Custody",
              "investigator"),
    RosterRow(3, "00042", "José", "Álvarez-Smith", None, "Constable", "Response officer", "Response", "frontline"),
    RosterRow(4, "S0003", "Siân", "O'Brien", "sian.obrien@kent.police.uk", "Inspector", "Duty inspector", "Response",
              "manager"),
]
TITLES = ["Kent Police: relevant personnel", "Exported 20/11/2026"]

FORMS = [
    ("comma.csv", lambda: csv_bytes(PEOPLE), 0),
    ("bom.csv", lambda: csv_bytes(PEOPLE, bom=True), 0),
    ("windows1252.csv", lambda: csv_bytes(PEOPLE, encoding="cp1252"), 0),
    ("semicolon.csv", lambda: csv_bytes(PEOPLE, delimiter=";"), 0),
    ("semicolon-cp1252.csv", lambda: csv_bytes(PEOPLE, delimiter=";", encoding="cp1252"), 0),
    ("tab.csv", lambda: csv_bytes(PEOPLE, delimiter="\t"), 0),
    ("tab.txt", lambda: csv_bytes(PEOPLE, delimiter="\t", encoding="utf-16"), 0),
    ("titles.csv", lambda: csv_bytes(PEOPLE, titles=TITLES + [""]), 3),
    ("plain.xlsx", lambda: xlsx_bytes(PEOPLE), 0),
    ("titles.xlsx", lambda: xlsx_bytes(PEOPLE, titles=TITLES + [""], merges=["A1:H1", "A2:D2"]), 3),
    ("cover-sheet.xlsx", lambda: xlsx_bytes(PEOPLE, sheets_before=[("Cover", [["Roster for Kent"], ["v2"]])]), 0),
]


@pytest.mark.parametrize(("name", "build", "offset"), FORMS, ids=[f[0] for f in FORMS])
def test_every_form_reads_the_same_people(tmp_path, name, build, offset):
    path = write(tmp_path, name, build())
    result = read_file("roster", path.read_bytes(), path.name, today=TODAY)
    assert result.errors == [] and result.warnings == []
    assert result.rows == [replace(row, row=row.row + offset) for row in EXPECTED]
    assert result.data_rows == 3
    assert result.headers == ROSTER_HEADERS
    assert result.kind == "roster" and not result.has_force_column and not result.explicit_flags


def test_sample_roster_fixture():
    data = (FIXTURES / "roster_sussex.csv").read_bytes()
    result = read_roster(data, "roster_sussex.csv", today=TODAY)
    assert len(result.rows) == result.data_rows == 40
    assert not result.errors
    assert {r.role_category for r in result.rows} == {"frontline", "investigator", "manager", "other"}


def test_explicit_flags_exemptions_force_and_full_name(tmp_path):
    rows = [
        ["Payroll No.", "Full name", "Work email", "E-learning required", "Hydra required", "Exempt until",
         "Exemption reason", "Force"],
        [123, "Ann Lee", "ann@kent.police.uk", "Y", "no", datetime(2027, 6, 30), "Maternity leave", "Kent Police"],
        ["0456", "Lee, Bob", "", True, "1", "", "", "GMP"],
        ["789", "Cher", "", "false", "TRUE", "31/12/2026", "", ""],
    ]
    path = write(tmp_path, "flags.xlsx", xlsx_bytes(rows))
    result = read_file("roster", path.read_bytes(), path.name, today=TODAY)
    assert result.errors == []
    assert result.explicit_flags and result.has_force_column
    assert result.rows == [
        RosterRow(2, "123", "Ann", "Lee", "ann@kent.police.uk", elearning_required=True, hydra_required=False,
                  exempt_until=date(2027, 6, 30), exemption_reason="Maternity leave", force_code="kent"),
        RosterRow(3, "0456", "Bob", "Lee", None, elearning_required=True, hydra_required=True,
                  force_code="greater-manchester"),
        RosterRow(4, "789", "", "Cher", None, elearning_required=False, hydra_required=True,
                  exempt_until=date(2026, 12, 31)),
    ]


ROW_ERRORS = [
    # (id, header, data rows, expected errors (row, column, words), staff numbers accepted)
    ("duplicate staff numbers", ROSTER_HEADERS,
     [roster_row(1), roster_row(2), roster_row(1, Surname="Other"), roster_row(3, **{"Staff number": "s0002"})],
     [(4, "Staff number", "S0001 is also on row 2"), (5, "Staff number", "s0002 is also on row 3 (as S0002)")],
     ["S0001", "S0002"]),
    ("leading zeros make a duplicate", ROSTER_HEADERS,
     [roster_row(1, **{"Staff number": "0042"}), roster_row(2, **{"Staff number": "42"})],
     [(3, "Staff number", "42 is also on row 2 (as 0042)")], ["0042"]),
    ("blank staff number", ROSTER_HEADERS, [roster_row(1), roster_row(2, **{"Staff number": "  "})],
     [(3, "Staff number", "The staff number is blank")], ["S0001"]),
    ("blank name", ROSTER_HEADERS, [roster_row(1, Forename="", Surname="")],
     [(2, "Forename", "The name is blank")], []),
    ("blank role category", ROSTER_HEADERS, [roster_row(1, **{"Role category": ""})],
     [(2, "Role category", "The role category is blank: write frontline, investigator, manager or other")], []),
    ("unknown force", ROSTER_HEADERS + ["Force"], [roster_row(1) + ["Sussex Polce"], roster_row(2) + ["Met"]],
     [(2, "Force", "'Sussex Polce' is not one of the 43 police forces")], ["S0002"]),
    ("bad Y/N", ["Staff number", "Forename", "Surname", "E-learning required", "Hydra required"],
     [["S1", "A", "B", "Maybe", "N"], ["S2", "A", "C", "Y", ""]],
     [(2, "E-learning required", "'Maybe' is not Y or N"), (3, "Hydra required", "This is blank")], []),
    ("bad exemption date", ROSTER_HEADERS + ["Exempt until"], [roster_row(1) + ["31/02/2027"]],
     [(2, "Exempt until", "31/02/2027 is not a date: use a real day, like 28/02/2027")], []),
]


@pytest.mark.parametrize(("header", "rows", "errors", "accepted"), [c[1:] for c in ROW_ERRORS],
                         ids=[c[0] for c in ROW_ERRORS])
def test_row_errors(tmp_path, header, rows, errors, accepted):
    for name, data in (("r.csv", csv_bytes([header, *rows])), ("r.xlsx", xlsx_bytes([header, *rows]))):
        path = write(tmp_path, name, data)
        result = read_file("roster", path.read_bytes(), path.name, today=TODAY)
        assert [(e.row, e.column) for e in result.errors] == [(r, c) for r, c, _ in errors], name
        for error, (_, _, words) in zip(result.errors, errors, strict=True):
            assert words in error.message, name
        assert [r.staff_number for r in result.rows] == accepted
        assert result.data_rows == len(rows)


def test_rows_with_errors_are_protected_from_becoming_leavers():
    rows = [
        ROSTER_HEADERS,
        roster_row(1),
        roster_row(2, **{"Role category": ""}),
        roster_row(1, Email="Dup.Email@Kent.Police.uk"),
        roster_row(4),
    ]
    result = read_file("roster", csv_bytes(rows), "r.csv", today=TODAY)
    assert [r.staff_number for r in result.rows] == ["S0001", "S0004"]
    assert result.protected_staff_keys == {"s0001", "s0002"}
    assert result.protected_email_keys == {"ann.lee2@kent.police.uk", "dup.email@kent.police.uk"}


def test_formula_looking_text_is_kept_with_a_warning():
    rows = [ROSTER_HEADERS, roster_row(1, Forename="=HYPERLINK(\"http://x\")", Surname="@Lee", Role="-")]
    result = read_file("roster", csv_bytes(rows), "r.csv", today=TODAY)
    assert result.errors == []
    assert result.rows[0].forename == '=HYPERLINK("http://x")' and result.rows[0].surname == "@Lee"
    assert result.rows[0].role == "-"
    assert [(w.row, w.column) for w in result.warnings] == [(2, "Forename"), (2, "Surname")]
    assert all("looks like a spreadsheet formula; it is stored as plain text" in w.message for w in result.warnings)


def test_bad_or_repeated_email_is_a_warning_not_an_error():
    rows = [ROSTER_HEADERS, roster_row(1, Email="not an email"), roster_row(2, Email="X@kent.police.uk"),
            roster_row(3, Email="x@kent.police.uk")]
    result = read_file("roster", csv_bytes(rows), "r.csv", today=TODAY)
    assert result.errors == [] and len(result.rows) == 3
    assert result.rows[0].email is None
    assert [(w.row, w.column) for w in result.warnings] == [(2, "Email"), (4, "Email")]
    assert "also the email of row 3" in result.warnings[1].message


def test_row_error_as_dict():
    assert RowError(4, "Email", "x").as_dict() == {"row": 4, "column": "Email", "message": "x"}


def test_blank_rows_are_ignored_and_not_counted(tmp_path):
    rows = [ROSTER_HEADERS, roster_row(1), [], ["", "  ", ""], roster_row(2), ["", "", "", "", "", "", "", ""]]
    path = write(tmp_path, "r.xlsx", xlsx_bytes(rows))
    result = read_file("roster", path.read_bytes(), path.name, today=TODAY)
    assert result.data_rows == 2
    assert [r.row for r in result.rows] == [2, 5]


def test_excel_number_staff_numbers_lose_the_decimal(tmp_path):
    rows = [ROSTER_HEADERS, roster_row(1, **{"Staff number": 12345}), roster_row(2, **{"Staff number": 678.0})]
    path = write(tmp_path, "r.xlsx", xlsx_bytes(rows))
    result = read_file("roster", path.read_bytes(), path.name, today=TODAY)
    assert [r.staff_number for r in result.rows] == ["12345", "678"]


def test_progress_is_reported():
    rows = [ROSTER_HEADERS] + [roster_row(n) for n in range(1, 4501)]
    calls = []
    result = read_file("roster", csv_bytes(rows), "r.csv", today=TODAY, progress=lambda done, total: calls.append(
        (done, total)))
    assert len(result.rows) == 4500
    assert calls == [(2000, 4500), (4000, 4500), (4500, 4500)]


def test_repeated_heading_is_ignored_with_a_warning():
    rows = [ROSTER_HEADERS + ["First name"], roster_row(1) + ["Annie"]]
    result = read_file("roster", csv_bytes(rows), "r.csv", today=TODAY)
    assert result.rows[0].forename == "Ann"
    assert [(w.row, w.column) for w in result.warnings] == [(1, "First name")]
    assert "'Forename' is already the Forename column" in result.warnings[0].message


def test_today_may_be_a_datetime():
    rows = [ROSTER_HEADERS + ["Exempt until"], roster_row(1) + ["01/01/2030"]]
    result = read_file("roster", csv_bytes(rows), "r.csv", today=datetime(2026, 11, 28, 9, 30))
    assert result.rows[0].exempt_until == date(2030, 1, 1)


def test_utf8_with_a_stray_byte_keeps_its_accents():
    data = csv_bytes(PEOPLE).replace(b"Custody,Custody", b"Custody,Cust\xf6dy")
    result = read_file("roster", data, "r.csv", today=TODAY)
    assert result.rows[0].forename == "Zoë" and result.rows[0].department == "Cust\ufffddy"


def test_bytes_undefined_in_windows_1252_are_read_as_latin_1():
    data = csv_bytes(PEOPLE, encoding="cp1252").replace(b"Custody,Custody", b"Custody,Cust\x81dy")
    result = read_file("roster", data, "r.csv", today=TODAY)
    assert result.rows[0].surname == "Ní Bhraonáin" and result.rows[0].department == "Cust\x81dy"
