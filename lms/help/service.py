"""What the help pages say about each kind of file: its columns with their accepted names, and common fixes."""

from __future__ import annotations

from importers.headers import FIELDS, KIND_FIELDS

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
    ("formats", "File formats", "Save spreadsheets as .xlsx (Excel Workbook) or .csv. Old .xls files, workbooks "
                                "with macros (.xlsm) and password-protected workbooks cannot be read: open them in "
                                "Excel, remove the password and save as .xlsx."),
    ("force", "Force names", "A Force or Organisation column may use the official name, the code or a common short "
                             "form (Met, GMP, Devon & Cornwall). An unknown force is an error for that row."),
    ("duplicates", "Duplicate staff numbers", "Each staff number may appear once in a roster. Both rows are "
                                              "skipped until you remove the duplicate; that person is not made a "
                                              "leaver meanwhile."),
]


def _columns(kind: str, required: list[str]) -> list[dict]:
    out = []
    for name in sorted(KIND_FIELDS[kind], key=lambda n: (n not in required, FIELDS[n][0])):
        canonical, aliases = FIELDS[name]
        out.append({"name": canonical, "required": name in required,
                    "aliases": [a for a in aliases if a.lower() != canonical.lower()]})
    return out


def kinds_of_file() -> list[dict]:
    """Each kind of file with what it is and its columns (required first, each with its other accepted names)."""
    return [{"anchor": anchor, "title": title, "about": about, "columns": _columns(anchor, required)}
            for anchor, title, required, about in KINDS]
