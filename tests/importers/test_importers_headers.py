"""Headings are recognised by alias (case, spaces and punctuation ignored), under any title rows."""

from __future__ import annotations

from datetime import date

import pytest

from importers import FileRefused, read_file
from importers.headers import FIELDS, field_of, find_header
from tests.importers.sheetmaker import TODAY, csv_bytes

ALIASES = {
    "staff_number": ["Staff No", "Staff No.", "STAFF NUMBER", "Staff ID", "Employee number", "Payroll number",
                     "Warrant number", "Personnel number", "ID number", "Force number",
                     "Employee ID", "staff_number", "Personnel Id", "User ID Number"],
    "collar_number": ["Collar number", "Collar No"],
    "email": ["Email", "Email address", "E-mail", "Work email", "e-mail address"],
    "forename": ["Forename", "First name", "Given name", "Forename(s)"],
    "surname": ["Surname", "Last name", "Family name"],
    "full_name": ["Name", "Full name", "Delegate name", "Learner"],
    "course": ["Course", "Course name", "Module", "Activity"],
    "status": ["Status", "Completion status", "Course completion status"],
    "date_completed": ["Date completed", "Completion date", "Completed on", "Date of completion", "Time completed",
                       "Course complete"],
    "force": ["Organisation", "Organization", "Force", "Force name", "Employer"],
    "session_date": ["Session date", "Date of session", "Date"],
    "session_reference": ["Session reference", "Session ref", "Session ID", "Course reference"],
    "venue": ["Venue", "Location"],
    "facilitator": ["Facilitator", "Trainer", "Delivered by"],
    "attended": ["Attended", "Attendance", "Attendance status", "Attended?"],
    "role_category": ["Role category", "Category", "Role type"],
    "elearning_required": ["E-learning required", "Elearning required", "E-learning", "e learning required"],
    "hydra_required": ["Hydra required"],
    "rank": ["Rank", "Grade"],
    "role": ["Role", "Job title", "Position"],
    "department": ["Department", "Unit", "Team", "BCU"],
    "exempt_until": ["Exempt until"],
    "exemption_reason": ["Exemption reason"],
    "start_date": ["Start date", "Date joined"],
    "leaving_date": ["Leaving date", "Termination date"],
    "record_status": ["Record Status", "Employment status"],
    "deleted": ["Deleted", "deleted"],
    "known_as": ["Known as"],
}


@pytest.mark.parametrize(("field", "heading"), [(f, h) for f, hs in ALIASES.items() for h in hs])
def test_alias(field, heading):
    assert field_of(heading) == field
    assert field_of(f"  {heading.upper()} ") == field


def test_every_field_has_aliases_tested():
    assert set(ALIASES) == set(FIELDS)


@pytest.mark.parametrize("heading", ["Notes", "Staff", "Date of birth", "Organisation: Sussex Police", ""])
def test_not_an_alias(heading):
    assert field_of(heading) is None


def test_heading_row_below_title_rows_is_found():
    grid = [["Roster"], [], ["Organisation: Kent Police"], ["Staff No.", "Full Name", "Role Category"], ["S1"]]
    header = find_header(grid, "roster")
    assert header is not None and header.index == 3
    assert header.columns == {"staff_number": 0, "full_name": 1, "role_category": 2}


def test_heading_row_beyond_the_first_twenty_rows_is_not_looked_for():
    rows = [[f"Note {n}"] for n in range(20)] + [["Staff number", "Name", "Role category"], ["S1", "A B", "other"]]
    with pytest.raises(FileRefused, match="Could not find the column headings of a roster in the first 20 rows"):
        read_file("roster", csv_bytes(rows), "r.csv", today=TODAY)


@pytest.mark.parametrize(
    "written",
    ["14/05/2025", "14/5/2025", "14/05/25", "14/05/25, 09:32", "14-05-2025", "14.05.2025", "2025-05-14",
     "2025-05-14 14:05:00", "14/05/2025 14:05", "14 May 2025", "14 May 2025, 9:32 AM", "14-May-2025", "45791"],
)
def test_every_date_form_in_a_register(written):
    rows = [["Session date", "Staff number", "Attended"], [written, "S1", "Yes"]]
    result = read_file("hydra", csv_bytes(rows), "r.csv", today=TODAY)
    assert result.errors == []
    assert result.rows[0].session_date == date(2025, 5, 14)
