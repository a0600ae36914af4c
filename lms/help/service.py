"""What the help pages say about each kind of file: its columns with every heading recognised for them (grouped by
the system that writes it), the values known without mapping, how mapping works, and common fixes."""

from __future__ import annotations

import importers
from importers.headers import label
from importers.mapping import field_for_name

# Per kind: (anchor, title, required fields, what the file is, fixes for the commonest errors)
KINDS = [
    ("roster", "Roster of relevant personnel", ["staff_number", "forename", "surname"],
     "A full list of the people in your force who are in scope of recommendations 8 and 9. Every upload is a "
     "complete snapshot: people missing from it become leavers (they are kept, never deleted)."),
    ("college-learn", "College Learn completion export", ["course", "status", "date_completed"],
     "The course completion report from College Learn, either one row per learner and course (long) or one row per "
     "learner with a column per module (wide, as Moodle's completion report). Rows for other courses are skipped."),
    ("hydra", "Hydra attendance register", ["session_date", "attended"],
     "One row per delegate, for one or many Hydra sessions. Delegates from other forces are credited to their own "
     "force."),
]

FIXES = [
    ("dates", "Dates", "Dates are read day first: 03/04/2025 is 3 April 2025. Accepted forms: Excel dates, "
                       "dd/mm/yyyy, dd/mm/yy, dd-mm-yyyy, yyyy-mm-dd, 3 March 2025, 03-Mar-2025, each with an "
                       "optional time. A date after today or before 2020 is an error: check the year."),
    ("relevance", "Who must do what", "A roster needs either a Role category column (frontline, investigator, "
                                      "manager or other) or both E-learning required and Hydra required columns "
                                      "(Y or N)."),
    ("formats", "File formats", "Upload spreadsheets as .xlsx (Excel Workbook), .ods (OpenDocument), .xls (Excel "
                                "97-2003) or .csv (UTF-8, UTF-16 or Windows-1252). Workbooks with macros (.xlsm) and "
                                "password-protected workbooks cannot be read: open them in Excel, remove the "
                                "password and save as .xlsx."),
    ("force", "Force names", "A Force or Organisation column may use the official name, the code or a common short "
                             "form (Met, GMP, Devon & Cornwall). An unknown force is an error for that row."),
    ("duplicates", "Duplicate staff numbers", "Each staff number may appear once in a roster. Both rows are "
                                              "skipped until you remove the duplicate; that person is not made a "
                                              "leaver meanwhile."),
]


# The values read without any mapping (DESIGN.md "Imports"); anything else is listed on the preview to be mapped.
KNOWN_VALUES = [
    ("College Learn statuses that mean complete", "Complete, Completed, Complete via RPL, Passed, Completed "
     "(achieved pass grade), Completed (set by …), and Yes in a column headed Completed"),
    ("College Learn statuses that mean not complete", "In progress, Not yet started, Not completed, Failed, "
     "Completed (did not achieve pass grade), and No in a column headed Completed"),
    ("Hydra attendance that counts", "Attended, Yes, Y, Present, P, Late, L, Fully attended, and P (2/2)-style "
     "cells of Moodle's attendance export"),
    ("Hydra attendance that does not count", "Did not attend, DNA, No show, Absent, A, Excused, E, Partially "
     "attended, Partial, Booked, Cancelled, User cancelled, Waitlisted, No"),
]


def _recognised(kind: str, name: str) -> list[dict]:
    """Every heading recognised for a column, grouped by the system that writes it (the service's own first)."""
    field = field_for_name(kind, name)
    groups = importers.VOCABULARY.get(label(field) if field else name, {})
    return [{"system": system, "headings": list(headings)} for system, headings in groups.items() if headings]


def _columns(kind: str) -> list[dict]:
    return [{"name": f.name, "required": f.required, "hint": f.hint, "recognised": _recognised(kind, f.name)}
            for f in importers.mappable_fields(kind)]


def kinds_of_file() -> list[dict]:
    """Each kind of file with what it is and its columns (required first), each with what goes there and every
    heading recognised for it, by system."""
    return [{"anchor": anchor, "title": title, "about": about, "columns": _columns(anchor)}
            for anchor, title, _required, about in KINDS]


def systems() -> list[str]:
    """The systems whose default headings are recognised, as the help page names them."""
    return list(importers.SYSTEMS)
