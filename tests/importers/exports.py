"""Files in the exact shapes the systems forces export from write them (made-up people, .invalid domains).

- Moodle 4 custom report (report builder), CSV dataformat: UTF-8 with a BOM, comma, LF line ends, the
  report builder's default headings, ``Completed`` holding Yes/No, ``Time completed`` as Moodle's
  ``strftimedatetime`` (``Friday, 14 March 2025, 10:05 AM``).
- Moodle's course completion report: UTF-8 with BOM, a column per criterion, ``dd/mm/yy, HH:MM`` dates
  inside ``Completed (…)``; its "Excel-compatible" download is the same as UTF-16LE with a BOM, tab-separated.
- Totara report builder's Course Completion report and Seminar sign-ups, with their default headings.
- Moodle's attendance module export: ``Course``/``Group`` title rows, a column per session headed with
  ``%d %b %Y %I.%M%p`` and the group, acronym cells, summary columns; as .xls, .ods or tab-separated text.
- An HR establishment extract: title rows, ``Personnel Id`` as Excel numbers, ``Collar Number``,
  ``Forename 1``, ``Known as``, ``Record Status``, start and leaving dates, a ``Deleted`` flag.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook

from tests.importers.biffmaker import xls_bytes
from tests.importers.odsmaker import ods_bytes
from tests.importers.sheetmaker import M

BOM = "\ufeff"


def _csv(rows: list[list], *, delimiter: str = ",", newline: str = "\n") -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerows(rows)
    return buffer.getvalue()


def moodle_datetime(value: datetime) -> str:
    """Moodle's strftimedatetime: 'Friday, 14 March 2025, 10:05 AM' (12-hour, no leading zero on the hour)."""
    return f"{value:%A, %d %B %Y}, {value.hour % 12 or 12}:{value:%M} {value:%p}"


# --- Moodle 4 custom report (report builder) ---------------------------------------------------------

MOODLE_RB_HEADERS = ["Course full name with link", "Full name with link", "Email address", "ID number", "Completed",
                     "Time completed"]

# (course, name, email, id number, completed at or None); an Excel id number loses nothing in CSV
MOODLE_RB_ROWS = [
    (M[1], "Priya Shah", "priya.shah@kent.police.invalid", "K1001", datetime(2025, 3, 14, 10, 5)),
    (M[2], "Priya Shah", "priya.shah@kent.police.invalid", "K1001", datetime(2025, 3, 21, 15, 40)),
    (M[3], "Priya Shah", "priya.shah@kent.police.invalid", "K1001", None),
    (M[1], "Tomasz Nowak", "tomasz.nowak@kent.police.invalid", "K1002", datetime(2025, 4, 2, 9, 0)),
    (M[4], "Tomasz Nowak", "tomasz.nowak@kent.police.invalid", "K1002", datetime(2025, 4, 2, 23, 59)),
    ("Health and safety refresher", "Tomasz Nowak", "tomasz.nowak@kent.police.invalid", "K1002",
     datetime(2025, 1, 9, 12, 0)),
    (M[1], "Siân O'Brien", "sian.obrien@kent.police.invalid", "", datetime(2025, 5, 1, 8, 30)),
]


def moodle_report_builder_csv() -> bytes:
    """A Moodle 4 custom report downloaded as CSV (BOM, comma, LF)."""
    rows = [MOODLE_RB_HEADERS]
    for course, name, email, idnumber, done in MOODLE_RB_ROWS:
        rows.append([course, name, email, idnumber, "Yes" if done else "No", moodle_datetime(done) if done else ""])
    return (BOM + _csv(rows)).encode("utf-8")


# --- Moodle course completion report (wide) -----------------------------------------------------------

MOODLE_COMPLETION_HEADERS = ["First name", "Last name", "Email address", "ID number", M[1], M[2], M[3], M[4],
                             "Course complete"]
MOODLE_COMPLETION_ROWS = [
    ["Ann", "Lee", "ann.lee@kent.police.invalid", "K2001", "Completed (14/05/25, 09:32)",
     "Completed (15/05/25, 10:01)", "Completed (achieved pass grade) (16/05/25, 11:15)", "Not completed",
     "Not completed"],
    ["Bob", "Ray", "bob.ray@kent.police.invalid", "K2002", "Completed (03/02/25, 17:45)", "Not completed",
     "Not completed", "Not completed", "Not completed"],
]


def moodle_completion_csv(*, excel: bool = False) -> bytes:
    """The course completion report's CSV download (UTF-8 with BOM); ``excel``: UTF-16LE with BOM, tab-separated."""
    rows = [MOODLE_COMPLETION_HEADERS, *MOODLE_COMPLETION_ROWS]
    if excel:
        return b"\xff\xfe" + _csv(rows, delimiter="\t", newline="\r\n").encode("utf-16-le")
    return (BOM + _csv(rows)).encode("utf-8")


# --- Totara report builder: Course Completion report ------------------------------------------------

TOTARA_HEADERS = ["User's Fullname", "User ID Number", "User's Email", "User's Organisation Name(s)",
                  "Course Name", "Completion Status", "Completion Date"]
TOTARA_ROWS = [
    ["Grace Okafor", "S3001", "grace.okafor@sussex.police.invalid", "Sussex Police", M[1], "Complete", "12 Mar 2025"],
    ["Grace Okafor", "S3001", "grace.okafor@sussex.police.invalid", "Sussex Police", M[2], "Complete via RPL",
     "13 Mar 2025"],
    ["Grace Okafor", "S3001", "grace.okafor@sussex.police.invalid", "Sussex Police", M[3], "In progress", ""],
    ["Hamza Iqbal", "S3002", "hamza.iqbal@sussex.police.invalid", "Surrey Police", M[1], "Not yet started", ""],
    ["Hamza Iqbal", "S3002", "hamza.iqbal@sussex.police.invalid", "Surrey Police", M[4],
     "Completed (set by administrator)", "02 Jun 2025"],
    ["Ivy Chen", "S3003", "ivy.chen@sussex.police.invalid", "Sussex Police", M[1], "Awaiting assessor", ""],
]


def totara_completion(fmt: str) -> bytes:
    """Totara's Course Completion report exported as csv, ods or xlsx (Totara's own export formats)."""
    rows = [TOTARA_HEADERS, *TOTARA_ROWS]
    if fmt == "csv":
        return (BOM + _csv(rows)).encode("utf-8")
    if fmt == "ods":
        return ods_bytes(rows, sheet="Report")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Report"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Totara Seminar sign-ups ---------------------------------------------------------------------------

SEMINAR_HEADERS = ["User's Fullname", "User ID Number", "User's Email", "Course Name", "Seminar Name",
                   "Session Start Date/Time", "Session Finish Date/Time", "Room Name", "Status"]
_START = "12 March 2025, 9:30 AM Europe/London"
_FINISH = "12 March 2025, 4:30 PM Europe/London"
SEMINAR_ROWS = [
    ["Jo Adams", "S4001", "jo.adams@sussex.police.invalid", "OIC Hydra", "Hydra Lewes", _START, _FINISH,
     "Hydra suite", "Fully attended"],
    ["Kit Brown", "S4002", "kit.brown@sussex.police.invalid", "OIC Hydra", "Hydra Lewes", _START, _FINISH,
     "Hydra suite", "Partially attended"],
    ["Lou Cole", "S4003", "lou.cole@sussex.police.invalid", "OIC Hydra", "Hydra Lewes", _START, _FINISH,
     "Hydra suite", "No show"],
    ["Max Dale", "S4004", "max.dale@sussex.police.invalid", "OIC Hydra", "Hydra Lewes", _START, _FINISH,
     "Hydra suite", "User Cancelled"],
    ["Nia Evans", "S4005", "nia.evans@sussex.police.invalid", "OIC Hydra", "Hydra Lewes", _START, _FINISH,
     "Hydra suite", "Booked"],
    ["Oli Ford", "S4006", "oli.ford@sussex.police.invalid", "OIC Hydra", "Hydra Lewes", _START, _FINISH,
     "Hydra suite", "Waitlisted"],
    ["Pat Gray", "S4007", "pat.gray@sussex.police.invalid", "OIC Hydra", "Hydra Lewes", _START, _FINISH,
     "Hydra suite", "Requested (manager approval)"],
]


def seminar_signups_csv() -> bytes:
    """Totara's Seminar sign-ups report as CSV."""
    return (BOM + _csv([SEMINAR_HEADERS, *SEMINAR_ROWS])).encode("utf-8")


# --- Moodle attendance export ------------------------------------------------------------------------

ATTENDANCE_SESSIONS = [datetime(2025, 3, 12, 9, 30), datetime(2026, 1, 20, 13, 0), datetime(2026, 12, 3, 9, 30)]
ATTENDANCE_ROWS = [  # ID number, last name, first name, one cell per session, taken, points, percentage
    ["K5001", "Quinn", "Rosa", "P (2/2)", "A (0/2)", "?", 2, "2.0 / 4.0", "50.0%"],
    ["K5002", "Reid", "Sam", "L (1/2)", "?", "?", 1, "1.0 / 2.0", "50.0%"],
    ["K5003", "Shaw", "Tia", "E (0/2)", "P (2/2)", "?", 2, "2.0 / 4.0", "50.0%"],
    ["K5004", "Tran", "Uma", "A (0/2)", "A (0/2)", "?", 2, "0.0 / 4.0", "0.0%"],
]


def attendance_heading(when: datetime) -> str:
    """A session column's heading: strftimedmyhm ('%d %b %Y %I.%M%p') then the group."""
    return f"{when:%d %b %Y %I.%M%p} All students"


def moodle_attendance(fmt: str) -> bytes:
    """Moodle's attendance export as xls (MoodleExcelWorkbook), ods (MoodleODSWorkbook) or txt (tab-separated)."""
    headings = ["ID number", "Last name", "First name", *map(attendance_heading, ATTENDANCE_SESSIONS),
                "Taken sessions", "Points", "Percentage"]
    course, group = ["Course", "Organised immigration crime: Hydra"], ["Group", "All participants"]
    if fmt == "txt":
        lines = ["\t".join(course), "\t".join(group), "", "\t".join(headings)]
        lines += ["\t".join(str(v) for v in row) for row in ATTENDANCE_ROWS]
        return ("\n".join(lines) + "\n").encode("utf-8")
    rows = [course, group, [], headings, *ATTENDANCE_ROWS]
    if fmt == "ods":
        return ods_bytes(rows, sheet="Attendances")
    return xls_bytes(rows, sheet="Attendances")


# --- HR establishment extract ------------------------------------------------------------------------

HR_HEADERS = ["Personnel Id", "Collar Number", "Forename 1", "Known as", "Surname", "Work Email", "Rank",
              "Position", "Department", "Role category", "Record Status", "Start date", "Leaving Date", "Deleted"]
# Personnel ids are numbers in Excel; police staff have no collar number.
HR_ROWS = [
    [100234, 4521, "Alexander", "Alex", "Hughes", "alex.hughes@kent.police.invalid", "Constable", "Response officer",
     "Response", "frontline", "Active", date(2018, 9, 3), None, 0],
    [100235, None, "Bethany", "", "Ivers", "bethany.ivers@kent.police.invalid", "Band D", "Intelligence analyst",
     "Intelligence", "investigator", "Active", date(2026, 9, 14), None, 0],
    [100236, 3377, "Callum", "Cal", "Jones", "callum.jones@kent.police.invalid", "Sergeant", "Custody sergeant",
     "Custody", "frontline", "Suspended", date(2011, 4, 1), None, 0],
    [100237, 2904, "Dana", "", "Kerr", "dana.kerr@kent.police.invalid", "Inspector", "Duty inspector", "Response",
     "manager", "Leaver", date(2009, 1, 5), date(2026, 10, 31), 0],
    [100238, 5110, "Eli", "", "Lowe", "eli.lowe@kent.police.invalid", "Constable", "Neighbourhood officer",
     "Neighbourhoods", "frontline", "Active", date(2020, 2, 17), date(2026, 11, 27), 0],
    [100239, 5111, "Fay", "", "Moss", "fay.moss@kent.police.invalid", "Constable", "Neighbourhood officer",
     "Neighbourhoods", "frontline", "Active", date(2021, 6, 1), date(2027, 1, 31), 0],
    [100240, 5112, "Gus", "", "Nash", "gus.nash@kent.police.invalid", "Constable", "Response officer", "Response",
     "", "Active", date(2022, 3, 7), None, 1],
    [100241, None, "Hana", "", "Ozturk", "hana.ozturk@kent.police.invalid", "Band C", "Investigator", "CID",
     "investigator", "Inactive", date(2019, 11, 11), None, 0],
]


def hr_extract_xlsx() -> bytes:
    """An HR extract as Excel writes it: two title rows, then headings, numbers and dates typed."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Establishment"
    sheet.append(["Kent Police establishment extract"])
    sheet.append(["Run on 28/11/2026 06:00"])
    sheet.append(HR_HEADERS)
    for row in HR_ROWS:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=4, min_col=12, max_col=13):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
