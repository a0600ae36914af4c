"""Hydra session registers: a row per delegate, one or many sessions per file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from operator import itemgetter

from .base import FileRefused, HydraRow, ReadResult, RowError
from .cells import cell_text, is_blank
from .fields import optional_text, read_date, read_force, read_person
from .headers import Header, normalise, refuse_missing

PROGRESS_EVERY = 2000
IDENTITY_FIELDS = ("staff_number", "email", "forename", "surname", "full_name")

# Attendance as registers write it, normalised (letters and digits only).
ATTENDED = frozenset({"attended", "yes", "y", "true", "1", "present", "attendedinfull", "fullyattended"})
NOT_ATTENDED = frozenset({
    "didnotattend", "dna", "noshow", "partiallyattended", "partlyattended", "partial", "no", "n", "absent",
    "false", "0", "notattended", "cancelled", "apologies", "leftearly",
})


def attendance(text: str) -> bool | None:
    """True when the attendance text counts as attended, False when it says not, None when unknown."""
    key = normalise(text)
    if key in ATTENDED:
        return True
    if key in NOT_ATTENDED:
        return False
    return None


def read_hydra_grid(
    grid: list[list],
    header: Header,
    *,
    today: date,
    progress: Callable[[int, int], None] | None = None,
) -> ReadResult:
    """Read the rows under a Hydra register's heading row into :class:`HydraRow` values."""
    missing = [f for f in ("session_date", "attended") if f not in header.columns]
    if not any(f in header.columns for f in IDENTITY_FIELDS):
        missing.insert(0, "staff_number")
    if missing:
        raise refuse_missing(missing, header)
    result = ReadResult(
        kind="hydra", rows=[], errors=[], warnings=[], data_rows=0, headers=header.found,
        has_force_column=header.has("force"),
    )
    rows, errors, warnings = result.rows, result.errors, result.warnings
    start = header.index + 1
    width = max((len(r) for r in grid[header.index:]), default=0)
    names = ("staff_number", "email", "forename", "surname", "full_name", "force", "session_date",
             "session_reference", "venue", "facilitator", "attended")
    get = itemgetter(*(header.columns.get(n, width) for n in names))
    date_col, attended_col = header.name("session_date"), header.name("attended")
    ref_col, venue_col, facilitator_col = header.name("session_reference"), header.name("venue"), header.name(
        "facilitator")
    total = len(grid) - start
    for i in range(start, len(grid)):
        r = grid[i]
        if len(r) <= width:
            r.extend([""] * (width + 1 - len(r)))
        vals = get(r)
        if progress is not None and (i - start) % PROGRESS_EVERY == 0 and i > start:
            progress(i - start, total)
        if is_blank(vals):
            continue
        result.data_rows += 1
        rownum = i + 1
        staff, email, first, last, full, org, when, ref, venue, facilitator, present = vals
        n_errors = len(errors)
        person = read_person(rownum, header, staff, email, first, last, full, errors, warnings, who="delegate")
        force = read_force(rownum, header, org, errors)
        session_date = read_date(
            rownum, date_col, when, today, errors,
            "The session date is blank: write the date of the session, like 14/05/2025",
        )
        attendance_t = cell_text(present)
        attended = attendance(attendance_t) if attendance_t else None
        if attended is None:
            what = f"'{attendance_t[:40]}' is not an attendance we recognise" if attendance_t else (
                "Attendance is blank")
            errors.append(RowError(
                rownum, attended_col,
                f"{what}: write Attended (or Yes) if they attended the whole session, or Did not attend, "
                "No show or Partially attended",
            ))
        reference = optional_text(rownum, ref_col, ref, warnings)
        venue_t = optional_text(rownum, venue_col, venue, warnings)
        facilitator_t = optional_text(rownum, facilitator_col, facilitator, warnings)
        if len(errors) == n_errors and session_date is not None and attended is not None:
            rows.append(HydraRow(
                rownum, session_date, reference, venue_t, facilitator_t, *person, force, attendance_t, attended,
            ))
    if progress is not None:
        progress(total, total)
    if result.data_rows == 0:
        raise FileRefused(
            "The file has no data rows: it has headings but nothing under them. Add one row per delegate, "
            "with the session date and whether they attended"
        )
    return result
