"""What statuses, attendances and HR record fields mean (DESIGN.md's lists), and dates as systems write them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importers import parse_date, read_file
from importers.modules import status_meaning
from importers.values import attendance
from tests.importers.sheetmaker import TODAY, M, csv_bytes

ATTENDED = ["Attended", "Yes", "Y", "Present", "P", "Late", "L", "Fully attended", "P (2/2)", "L (1/2)", "present ",
            "LATE"]
NOT_ATTENDED = ["Did not attend", "DNA", "No show", "Absent", "A", "Excused", "E", "Partially attended", "Partial",
                "Booked", "Cancelled", "User cancelled", "User Cancelled", "Waitlisted", "No", "A (0/2)", "E (0/2)"]


@pytest.mark.parametrize("text", ATTENDED)
def test_attended(text):
    assert attendance(text) is True


@pytest.mark.parametrize("text", NOT_ATTENDED)
def test_not_attended(text):
    assert attendance(text) is False


@pytest.mark.parametrize("text", ["Maybe", "Approved", "X", "?"])
def test_unknown_attendance(text):
    assert attendance(text) is None


COMPLETE = ["Complete", "Completed", "Complete via RPL", "Passed", "Completed (achieved pass grade)",
            "Completed (set by administrator)", "Completed (set by Jane Manager)", "Completed (14/05/25, 09:32)",
            "14/05/2025"]
NOT_COMPLETE = ["In progress", "Not yet started", "Not completed", "Failed", "Completed (did not achieve pass grade)",
                "No", "not started"]


@pytest.mark.parametrize("text", COMPLETE)
def test_complete(text):
    assert status_meaning(text)[0] is True


@pytest.mark.parametrize("text", NOT_COMPLETE)
def test_not_complete(text):
    assert status_meaning(text)[0] is False


def test_yes_is_complete_only_under_a_completed_heading():
    assert status_meaning("Yes", yes_is_complete=True) == (True, None)
    assert status_meaning("Yes") == (None, None)
    rows = [["Staff number", "Course", "Status", "Date completed"], ["K1", M[1], "Yes", "01/02/2025"]]
    result = read_file("college-learn", csv_bytes(rows), "c.csv", today=TODAY)
    assert not result.rows[0].completed and result.unknown_values == {"Yes": 1}
    rows[0][2] = "Completed"
    result = read_file("college-learn", csv_bytes(rows), "c.csv", today=TODAY)
    assert result.rows[0].completed and result.unknown_values == {}


def test_unknown_statuses_are_counted_under_their_first_spelling_and_are_not_errors():
    rows = [["Staff number", "Course", "Status", "Date completed"],
            ["K1", M[1], "Awaiting marking", ""], ["K2", M[1], "AWAITING MARKING", ""], ["K3", M[2], "Deferred", ""],
            ["K4", M[2], "Completed", "01/02/2025"]]
    result = read_file("college-learn", csv_bytes(rows), "c.csv", today=TODAY)
    assert result.errors == []
    assert result.unknown_values == {"Awaiting marking": 2, "Deferred": 1}
    assert [r.completed for r in result.rows] == [False, False, False, True]


def test_unknown_attendances_are_counted_and_are_not_errors():
    rows = [["Session date", "Staff number", "Attended"], ["20/01/2026", "S1", "Maybe"], ["20/01/2026", "S2", "maybe"],
            ["20/01/2026", "S3", "Late"]]
    result = read_file("hydra", csv_bytes(rows), "h.csv", today=TODAY)
    assert result.errors == [] and result.unknown_values == {"Maybe": 2}
    assert [r.attended for r in result.rows] == [False, False, True]
    mapped = read_file("hydra", csv_bytes(rows), "h.csv", today=TODAY, value_map={"MAYBE": "attended"})
    assert [r.attended for r in mapped.rows] == [True, True, True] and mapped.unknown_values == {}


HR = ["Staff number", "Name", "Role category", "Deleted", "Record status", "Leaving date"]


@pytest.mark.parametrize(
    ("deleted", "status", "leaving", "left"),
    [("1", "", "", True), ("Y", "", "", True), ("true", "", "", True), ("0", "", "", False), ("N", "", "", False),
     ("", "Leaver", "", True), ("", "Left", "", True), ("", "Inactive", "", True), ("", "Terminated", "", True),
     ("", "Suspended", "", False), ("", "Active", "", False), ("", "", "28/11/2026", True),
     ("", "", "27/11/2026", True), ("", "", "29/11/2026", False), ("", "", "", False), ("", "Ex-employee", "", True)],
)
def test_hr_rows_that_say_the_person_has_gone(deleted, status, leaving, left):
    rows = [HR, ["S1", "Ann Lee", "frontline", deleted, status, leaving]]
    result = read_file("roster", csv_bytes(rows), "r.csv", today=TODAY)
    assert result.errors == []
    assert result.rows[0].left is left


def test_a_deleted_flag_that_is_not_yes_or_no_is_a_row_error():
    rows = [HR, ["S1", "Ann Lee", "frontline", "perhaps", "", ""]]
    result = read_file("roster", csv_bytes(rows), "r.csv", today=TODAY)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Deleted")]
    assert "S1".casefold() in result.protected_staff_keys  # never made a leaver because of a typo


def test_start_dates_before_2020_and_leaving_dates_ahead_are_fine():
    rows = [["Staff number", "Name", "Role category", "Start date", "Leaving date"],
            ["S1", "Ann Lee", "frontline", "03/09/2001", "31/03/2027"]]
    result = read_file("roster", csv_bytes(rows), "r.csv", today=TODAY)
    assert result.errors == []
    assert (result.rows[0].start_date, result.rows[0].leaving_date) == (date(2001, 9, 3), date(2027, 3, 31))


def test_a_start_date_that_is_not_a_date_is_a_row_error():
    rows = [["Staff number", "Name", "Role category", "Start date"], ["S1", "Ann Lee", "frontline", "31/02/2020"]]
    result = read_file("roster", csv_bytes(rows), "r.csv", today=TODAY)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Start date")]


def test_known_as_stands_in_for_a_blank_forename():
    rows = [["Staff number", "Forename 1", "Known as", "Surname", "Role category"], ["S1", "", "Sam", "Lee", "other"],
            ["S2", "Alexander", "Alex", "Hughes", "other"]]
    result = read_file("roster", csv_bytes(rows), "r.csv", today=TODAY)
    assert [r.forename for r in result.rows] == ["Sam", "Alexander"]


# --- dates as the systems write them -------------------------------------------------------------------

WRITTEN = [
    ("Friday, 14 March 2025, 10:05 AM", date(2025, 3, 14)),  # Moodle's strftimedatetime
    ("12 March 2025, 9:30 AM Europe/London", date(2025, 3, 12)),  # Seminar, with the session's time zone
    ("14/05/25, 09:32", date(2025, 5, 14)),  # Moodle's strftimedatetimeshort
    ("Wed 12 Mar 2025", date(2025, 3, 12)), ("Wednesday, 12/03/2025", date(2025, 3, 12)),
    ("12/03/2025 9:30 pm BST", date(2025, 3, 12)), ("12/03/2025 09:30 GMT+01:00", date(2025, 3, 12)),
    ("12/03/2025 09:30 (UTC)", date(2025, 3, 12)), ("2025-03-12T09:30:00+01:00", date(2025, 3, 12)),
    ("Thu, 13 Mar 2025 09:30:00 +0000", date(2025, 3, 13)), ("12/03/2025 9am", date(2025, 3, 12)),
    ("12 Mar 2025 09.30AM", date(2025, 3, 12)), ("12 March 2025, 9:30 AM America/Argentina/Buenos_Aires",
                                                 date(2025, 3, 12)),
]


@pytest.mark.parametrize(("text", "expected"), WRITTEN)
def test_dates_as_systems_write_them(text, expected):
    assert parse_date(text, today=TODAY) == expected


_DAY_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d.%m.%Y"]
_ZONES = ["", " GMT", " BST", " UTC", " Z", " +01:00", " -0500", " Europe/London", " (UTC)", " GMT+1", " CET"]


@given(
    day=st.dates(min_value=date(2020, 1, 1), max_value=TODAY),
    fmt=st.sampled_from(_DAY_FORMATS),
    weekday=st.sampled_from(["", "%A ", "%A, ", "%a ", "%a, "]),
    hour=st.integers(0, 23), minute=st.integers(0, 59),
    clock=st.sampled_from(["", "24", "12", "12-nospace", "12-dots"]),
    separator=st.sampled_from([" ", ", ", " at "]),
    zone=st.sampled_from(_ZONES),
)
def test_any_date_with_weekday_time_and_zone_reads_as_that_day(day, fmt, weekday, hour, minute, clock, separator,
                                                               zone):
    when = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour, minutes=minute)
    text = when.strftime(weekday + fmt)
    if clock:
        twelve = f"{hour % 12 or 12}"
        time = {"24": f"{hour:02d}:{minute:02d}", "12": f"{twelve}:{minute:02d} {when:%p}",
                "12-nospace": f"{twelve}:{minute:02d}{when:%p}".lower(), "12-dots": f"{twelve}.{minute:02d}{when:%p}"}
        text += separator + time[clock] + zone
    assert parse_date(text, today=TODAY) == day


@given(day=st.dates(min_value=date(2020, 1, 1), max_value=TODAY), zone=st.sampled_from(_ZONES))
def test_a_zone_never_shifts_the_day(day, zone):
    assert parse_date(f"{day:%d/%m/%Y} 23:59{zone}", today=TODAY) == day
    assert parse_date(f"{day:%d/%m/%Y} 00:00{zone}", today=TODAY) == day
