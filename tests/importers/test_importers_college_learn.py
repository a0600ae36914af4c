"""College Learn exports: long and wide shapes, module titles, statuses, dates and row errors."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from importers import DEFAULT_MODULE_ALIASES, LearningRow, ModuleResolver, read_college_learn, read_file, status_info
from tests.importers.sheetmaker import CL_HEADERS, FIXTURES, TODAY, M, csv_bytes, write, xlsx_bytes

OTHER = "Data Protection and GDPR"


def cl_row(course, status, done, staff="S0001", email="ann.lee@kent.police.uk", org="Kent Police"):
    return [staff, email, "Ann", "Lee", org, course, status, done]


def read(tmp_path, name, data, **kwargs):
    path = write(tmp_path, name, data)
    return read_file("college-learn", path.read_bytes(), path.name, today=TODAY, **kwargs)


def test_sample_fixture():
    data = (FIXTURES / "college_learn_sussex.xlsx").read_bytes()
    result = read_college_learn(data, "college_learn_sussex.xlsx", today=TODAY)
    assert result.shape == "long" and not result.errors
    assert (len(result.rows), result.skipped_other_courses, result.data_rows) == (135, 12, 147)
    assert result.rows[1] == LearningRow(6, "M3", "Completed", True, date(2025, 3, 14), "S0001",
                                         "ben.fox1@sussex.police.invalid", "Ben", "Fox", "sussex")
    assert result.has_force_column


LONG = [
    cl_row(M[1], "Completed", datetime(2025, 5, 14, 9, 32)),
    cl_row(M[2], "Complete", "14/05/25, 09:32"),
    cl_row(M[3], "Complete via RPL", "3 March 2025"),
    cl_row(M[4], "Passed", "2025-03-03"),
    cl_row(OTHER, "Completed", "01/01/2025"),
    cl_row(M[1], "In progress", ""),
    cl_row(M[2], "Not yet started", "31/02/2025"),  # a not-complete row's date is ignored
    cl_row(M[3], "not completed", ""),
    cl_row(M[4], "Failed", "01/01/2025"),
]
LONG_EXPECTED = [
    ("M1", "Completed", True, date(2025, 5, 14)),
    ("M2", "Complete", True, date(2025, 5, 14)),
    ("M3", "Complete via RPL", True, date(2025, 3, 3)),
    ("M4", "Passed", True, date(2025, 3, 3)),
    ("M1", "In progress", False, None),
    ("M2", "Not yet started", False, None),
    ("M3", "not completed", False, None),
    ("M4", "Failed", False, None),
]


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("long.xlsx", lambda: xlsx_bytes([CL_HEADERS, *LONG], titles=["College Learn: course completion", ""])),
        ("long.csv", lambda: csv_bytes([CL_HEADERS, *[[*r[:7], str(r[7])[:10]] if isinstance(r[7], datetime)
                                                     else r for r in LONG]])),
        ("long-semicolon-bom.csv", lambda: csv_bytes([CL_HEADERS, *[r[:7] + ["14/05/2025"] for r in LONG]],
                                                     delimiter=";", bom=True)),
    ],
)
def test_long_shape(tmp_path, name, build):
    result = read(tmp_path, name, build())
    assert result.errors == [] and result.shape == "long"
    assert result.skipped_other_courses == 1 and result.data_rows == 9
    got = [(r.requirement, r.status, r.completed, r.completed_on is not None) for r in result.rows]
    assert got == [(c, s, done, d is not None) for c, s, done, d in LONG_EXPECTED]
    if name == "long.xlsx":
        assert [r.completed_on for r in result.rows] == [e[3] for e in LONG_EXPECTED]
        assert result.rows[0].row == 4  # two title rows, then the headings on row 3
    assert {(r.staff_number, r.email, r.first_name, r.last_name, r.force_code) for r in result.rows} == {
        ("S0001", "ann.lee@kent.police.uk", "Ann", "Lee", "kent")}


LONG_ERRORS = [
    ("completed without a date", cl_row(M[1], "Completed", ""), "Date completed",
     "Completed with no date: add the date completed"),
    ("impossible date", cl_row(M[1], "Completed", "31/02/2025"), "Date completed",
     "31/02/2025 is not a date: use a real day, like 28/02/2025"),
    ("future date", cl_row(M[1], "Completed", "29/11/2026"), "Date completed", "is in the future"),
    ("before 2020", cl_row(M[1], "Completed", "31/12/2019"), "Date completed", "is before 2020"),
    ("excel serial before 2020", cl_row(M[1], "Completed", 43000), "Date completed", "is before 2020"),
    ("unknown organisation", cl_row(M[1], "Completed", "01/02/2025", org="Kent Constab"), "Organisation",
     "is not one of the 43 police forces"),
    ("nobody", cl_row(M[1], "Completed", "01/02/2025", staff="", email=""), None, None),
    ("blank course", cl_row("", "Completed", "01/02/2025"), "Course", "The course is blank"),
]


@pytest.mark.parametrize(("row", "column", "words"), [c[1:] for c in LONG_ERRORS], ids=[c[0] for c in LONG_ERRORS])
def test_long_row_errors(tmp_path, row, column, words):
    if words is None:  # no staff number, email or name at all
        row[2] = row[3] = ""
        column, words = "Staff number", "does not say who the learner is"
    good = cl_row(M[2], "Completed", "01/02/2025", staff="S0002")
    result = read(tmp_path, "e.xlsx", xlsx_bytes([CL_HEADERS, good, row]))
    assert [(e.row, e.column) for e in result.errors] == [(3, column)]
    assert words in result.errors[0].message
    assert [r.staff_number for r in result.rows] == ["S0002"]


def test_identity_by_email_or_name_only(tmp_path):
    rows = [["Email", "Learner", "Course", "Completion status", "Completion date"],
            ["ann@kent.police.uk", "", M[1], "Completed", "01/02/2025"],
            ["", "Bob van Dyke", M[2], "Completed", "02/02/2025"]]
    result = read(tmp_path, "e.csv", csv_bytes(rows))
    assert result.errors == [] and not result.has_force_column
    assert [(r.email, r.first_name, r.last_name, r.force_code) for r in result.rows] == [
        ("ann@kent.police.uk", None, None, None), (None, "Bob van", "Dyke", None)]


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Organised immigration crime: introduction", "M1"),
        ("ORGANISED IMMIGRATION CRIME - INTRODUCTION", "M1"),
        ("Organised immigration crime: legislation and powers", "M2"),
        ("Organised immigration crime: incident types, investigative mindset and partners", "M3"),
        ("Organised immigration crime: inland case study", "M4"),
        ("OIC Module 2 - Legislation", "M2"),
        ("Organised Immigration Crime module three", "M3"),
        ("Immigration crime (Module4)", "M4"),
        ("Module 1: Introduction", None),  # does not say immigration or OIC
        ("Organised immigration crime - Module 5", None),
        ("Organised immigration crime - Module 10", None),
        ("Data Protection module 1", None),
        ("Toxic module 1", None),  # "oic" must be a word
        ("", None),
    ],
)
def test_module_titles(title, code):
    assert ModuleResolver()(title) == code


def test_configured_module_aliases(tmp_path):
    aliases = {**DEFAULT_MODULE_ALIASES, "M1": ["Intro to OIC (2024 refresh)"]}
    rows = [CL_HEADERS, cl_row("Intro to OIC – 2024 refresh", "Completed", "01/02/2025"),
            cl_row("intro to oic (2024 refresh)", "Completed", "01/02/2025")]
    result = read(tmp_path, "a.csv", csv_bytes(rows), module_aliases=aliases)
    assert [r.requirement for r in result.rows] == ["M1", "M1"]


@pytest.mark.parametrize(
    ("status", "complete", "inner"),
    [
        ("Completed", True, None), ("complete", True, None), ("COMPLETE VIA RPL", True, None), ("Passed", True, None),
        ("Completed (14/05/25, 09:32)", True, "14/05/25, 09:32"), ("Completed (achieved pass grade)", True, None),
        ("Completed (did not achieve pass grade)", False, None), ("Not completed", False, None),
        ("In progress", False, None), ("Not yet started", False, None), ("Failed", False, None),
        ("Completed on 14 May 2025", True, "14 May 2025"), ("Complete (RPL)", True, None),
    ],
)
def test_statuses(status, complete, inner):
    assert status_info(status) == (complete, inner)


WIDE_HEADERS = ["First name", "Last name", "Email address", "ID number", M[1], M[2], M[3], M[4], "Course complete"]


def test_wide_moodle_course_completion_report(tmp_path):
    rows = [
        WIDE_HEADERS,
        ["Ann", "Lee", "ann@kent.police.uk", "S1", "Completed (14/05/25, 09:32)", "Not completed",
         datetime(2025, 6, 1), "14/06/2025", ""],
        ["Bob", "Ray", "bob@kent.police.uk", "S2", "", "", "", "", ""],
        ["Cy", "Oh", "cy@kent.police.uk", "S3", "Completed", "Completed (31/02/2025, 10:00)", "Complete (01/01/2019)",
         "29/11/2026"],
    ]
    result = read(tmp_path, "wide.xlsx", xlsx_bytes(rows, titles=["Course completion report"]))
    assert result.shape == "wide" and result.data_rows == 3
    assert [(r.row, r.requirement, r.status, r.completed, r.completed_on, r.staff_number) for r in result.rows] == [
        (3, "M1", "Completed (14/05/25, 09:32)", True, date(2025, 5, 14), "S1"),
        (3, "M2", "Not completed", False, None, "S1"),
        (3, "M3", "Completed", True, date(2025, 6, 1), "S1"),
        (3, "M4", "Completed", True, date(2025, 6, 14), "S1"),
    ]
    assert [(e.row, e.column) for e in result.errors] == [(5, M[1]), (5, M[2]), (5, M[3]), (5, M[4])]
    assert "Completed with no date" in result.errors[0].message
    assert "31/02/2025, 10:00 is not a date" in result.errors[1].message
    assert "before 2020" in result.errors[2].message and "in the future" in result.errors[3].message


def test_wide_with_date_columns(tmp_path):
    rows = [
        ["Staff number", "Name", M[1], f"{M[1]} - Completion date", M[2], "", "OIC module 3", "OIC module 4",
         "OIC module 4 date completed"],
        ["S1", "Ann Lee", "Completed", "01/03/2025", "Complete", "02/03/2025", "In progress", "Completed", ""],
        ["S2", "Bob Ray", "Completed", "", "", "05/03/2025", "", "Not completed", "01/01/2025"],
    ]
    result = read(tmp_path, "wide.csv", csv_bytes(rows))
    assert [(r.row, r.requirement, r.completed, r.completed_on) for r in result.rows] == [
        (2, "M1", True, date(2025, 3, 1)),
        (2, "M2", True, date(2025, 3, 2)),
        (2, "M3", False, None),
        (3, "M2", True, date(2025, 3, 5)),  # a date alone means completed
        (3, "M4", False, None),
    ]
    assert [(e.row, e.column, e.message.split(":")[0]) for e in result.errors] == [
        (2, "OIC module 4", "Completed with no date"), (3, M[1], "Completed with no date")]


def test_wide_date_columns_in_any_order_and_titles_ending_in_date(tmp_path):
    rows = [
        ["Email", "Organised immigration crime: introduction - date completed", "Organised immigration crime: "
         "introduction", "OIC module 2 update", "OIC module 2 update completion date"],
        ["ann@kent.police.uk", "01/03/2025", "Completed", "Completed", "02/03/2025"],
    ]
    result = read(tmp_path, "wide.csv", csv_bytes(rows))
    assert result.errors == []
    assert [(r.requirement, r.completed_on) for r in result.rows] == [("M1", date(2025, 3, 1)),
                                                                       ("M2", date(2025, 3, 2))]


def test_wide_with_only_date_columns(tmp_path):
    rows = [["Staff number", "OIC module 1 date completed", "OIC module 2 completion date"], ["S1", "01/03/2025", ""]]
    result = read(tmp_path, "wide.csv", csv_bytes(rows))
    assert [(r.requirement, r.status, r.completed_on) for r in result.rows] == [("M1", "Completed", date(2025, 3, 1))]


def test_wide_with_a_merged_heading_over_status_and_date(tmp_path):
    rows = [["Email", M[1], None, M[2], None], ["ann@kent.police.uk", "Completed", datetime(2025, 2, 1),
                                                "Completed", 45791]]
    result = read(tmp_path, "wide.xlsx", xlsx_bytes(rows, merges=["B1:C1", "D1:E1"]))
    assert [(r.requirement, r.completed_on) for r in result.rows] == [("M1", date(2025, 2, 1)),
                                                                       ("M2", date(2025, 5, 14))]


def test_wide_row_without_a_learner(tmp_path):
    rows = [["Email", "Staff number", M[1]], ["", "", "Completed (01/02/2025)"], ["a@kent.police.uk", "", "Completed"]]
    result = read(tmp_path, "wide.csv", csv_bytes(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "Staff number"), (3, M[1])]
    assert "does not say who the learner is" in result.errors[0].message
