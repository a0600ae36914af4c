"""Files as Moodle, Totara, Seminar, Moodle's attendance module and HR systems write them import with the
figures a training lead expects (see tests/importers/exports.py for how each is written)."""

from __future__ import annotations

from datetime import date

import pytest

from importers import FileRefused, read_file
from tests.importers import exports
from tests.importers.sheetmaker import TODAY, write


def read(tmp_path, kind: str, name: str, data: bytes, **options):
    path = write(tmp_path, name, data)
    return read_file(kind, path.read_bytes(), path.name, today=TODAY, **options)


def test_moodle_custom_report_with_completed_yes_no(tmp_path):
    result = read(tmp_path, "college-learn", "Course participation.csv", exports.moodle_report_builder_csv())
    assert result.errors == [] and result.unknown_values == {}
    assert result.skipped_other_courses == 1  # the health and safety course
    assert [(r.staff_number or r.email, r.requirement, r.completed, r.completed_on) for r in result.rows] == [
        ("K1001", "M1", True, date(2025, 3, 14)), ("K1001", "M2", True, date(2025, 3, 21)),
        ("K1001", "M3", False, None), ("K1002", "M1", True, date(2025, 4, 2)), ("K1002", "M4", True, date(2025, 4, 2)),
        ("sian.obrien@kent.police.invalid", "M1", True, date(2025, 5, 1))]
    assert (result.rows[0].first_name, result.rows[0].last_name) == ("Priya", "Shah")  # from "Full name with link"


@pytest.mark.parametrize("excel", [False, True], ids=["csv-utf8-bom", "excel-csv-utf16-tab"])
def test_moodle_course_completion_report(tmp_path, excel):
    result = read(tmp_path, "college-learn", "completion-oic.csv", exports.moodle_completion_csv(excel=excel))
    assert result.errors == [] and result.shape == "wide"
    done = {(r.staff_number, r.requirement): r.completed_on for r in result.rows if r.completed}
    assert done == {("K2001", "M1"): date(2025, 5, 14), ("K2001", "M2"): date(2025, 5, 15),
                    ("K2001", "M3"): date(2025, 5, 16), ("K2002", "M1"): date(2025, 2, 3)}


@pytest.mark.parametrize("fmt", ["csv", "ods", "xlsx"])
def test_totara_course_completion_report(tmp_path, fmt):
    result = read(tmp_path, "college-learn", f"Course Completion Report.{fmt}", exports.totara_completion(fmt))
    assert result.errors == [] and result.has_force_column
    assert [(r.staff_number, r.requirement, r.completed, r.force_code) for r in result.rows] == [
        ("S3001", "M1", True, "sussex"), ("S3001", "M2", True, "sussex"), ("S3001", "M3", False, "sussex"),
        ("S3002", "M1", False, "surrey"), ("S3002", "M4", True, "surrey"), ("S3003", "M1", False, "sussex")]
    assert result.unknown_values == {"Awaiting assessor": 1}  # not complete, not an error: the lead may map it
    assert result.rows[4].completed_on == date(2025, 6, 2)  # "Completed (set by administrator)"


def test_totara_unknown_status_mapped_to_complete(tmp_path):
    result = read(tmp_path, "college-learn", "report.csv", exports.totara_completion("csv"),
                  value_map={"Awaiting assessor": "complete"})
    # complete, but the row has no completion date: that is a row error, as for any completion
    assert [(e.row, e.column) for e in result.errors] == [(7, "Completion Date")]
    assert result.unknown_values == {}


def test_seminar_signups_read_as_a_hydra_register(tmp_path):
    result = read(tmp_path, "hydra", "Seminar Sign-ups.csv", exports.seminar_signups_csv())
    assert result.errors == []
    assert {r.session_date for r in result.rows} == {date(2025, 3, 12)}  # "12 March 2025, 9:30 AM Europe/London"
    assert [(r.staff_number, r.attended) for r in result.rows] == [
        ("S4001", True), ("S4002", False), ("S4003", False), ("S4004", False), ("S4005", False), ("S4006", False),
        ("S4007", False)]
    assert (result.rows[0].session_reference, result.rows[0].venue) == ("Hydra Lewes", "Hydra suite")
    assert result.unknown_values == {"Requested (manager approval)": 1}


def test_seminar_signups_uploaded_as_college_learn_say_what_they_are():
    with pytest.raises(FileRefused, match="This looks like a Hydra register, not a College Learn export"):
        read_file("college-learn", exports.seminar_signups_csv(), "signups.csv", today=TODAY)


def test_a_register_with_a_course_column_is_still_a_hydra_register():
    rows = "Session date,Course Name,Staff number,Forename,Surname,Attended\n20/01/2026,OIC Hydra,S1,Ann,Lee,Late\n"
    with pytest.raises(FileRefused, match="This looks like a Hydra register, not a College Learn export"):
        read_file("college-learn", rows.encode(), "register.csv", today=TODAY)
    result = read_file("hydra", rows.encode(), "register.csv", today=TODAY)
    assert [(r.staff_number, r.attended) for r in result.rows] == [("S1", True)]


@pytest.mark.parametrize("fmt", ["xls", "ods", "txt"])
def test_moodle_attendance_export_as_a_hydra_register(tmp_path, fmt):
    result = read(tmp_path, "hydra", f"OIC_Attendances_20261128-0600.{fmt}", exports.moodle_attendance(fmt))
    assert result.errors == [] and result.shape == "wide" and result.data_rows == 4
    got = {(r.staff_number, r.session_date): r.attended for r in result.rows}
    assert got == {
        ("K5001", date(2025, 3, 12)): True, ("K5001", date(2026, 1, 20)): False,
        ("K5002", date(2025, 3, 12)): True,  # L: late is attended
        ("K5003", date(2025, 3, 12)): False, ("K5003", date(2026, 1, 20)): True,  # E: excused is not
        ("K5004", date(2025, 3, 12)): False, ("K5004", date(2026, 1, 20)): False,
    }
    assert {r.row for r in result.rows} == {5, 6, 7, 8}  # the sheet's own rows, under two title rows and a blank
    assert result.rows[0].session_reference == "12 Mar 2025 09.30AM All students"
    # the session not yet held (its cells all "?") is left out, with a warning naming its column
    assert [(w.row, w.column) for w in result.warnings] == [(4, "03 Dec 2026 09.30AM All students")]


def test_moodle_attendance_export_names_the_delegates_from_last_and_first_name(tmp_path):
    result = read(tmp_path, "hydra", "att.txt", exports.moodle_attendance("txt"))
    assert (result.rows[0].first_name, result.rows[0].last_name) == ("Rosa", "Quinn")


def test_hr_extract_leavers_start_dates_and_personnel_ids(tmp_path):
    result = read(tmp_path, "roster", "establishment.xlsx", exports.hr_extract_xlsx())
    assert result.errors == [] and result.warnings == []
    people = {r.surname: r for r in result.rows}
    assert people["Hughes"].staff_number == "100234"  # the personnel id, not the collar number 4521
    assert people["Ivers"].staff_number == "100235"  # police staff: no collar number
    assert people["Hughes"].start_date == date(2018, 9, 3)
    assert people["Ivers"].start_date == date(2026, 9, 14)
    assert {r.surname for r in result.rows if r.left} == {"Kerr", "Lowe", "Nash", "Ozturk"}
    # Kerr's record says Leaver; Lowe left yesterday; Nash is deleted; Ozturk is inactive; Jones is suspended
    # (stays); Moss leaves in January (stays, with the date kept)
    assert not people["Jones"].left
    assert (people["Moss"].left, people["Moss"].leaving_date) == (False, date(2027, 1, 31))
    assert [r.row for r in result.rows] == list(range(4, 12))  # two title rows above the headings
