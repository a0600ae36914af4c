"""Hydra session registers: a row per delegate, one or many sessions per file (or a column per session)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .base import HydraRow, ReadResult, RowError
from .cells import cell_text
from .fields import optional_text, read_date, read_force, read_person
from .headers import Header, refuse_missing
from .register import read_register_grid, session_columns
from .rows import Progress, field_columns, read_rows
from .values import AttendanceReader, UnknownValues, attendance

__all__ = ["attendance", "read_hydra_grid"]

IDENTITY_FIELDS = ("staff_number", "email", "forename", "surname", "full_name")
NAMES = (*IDENTITY_FIELDS, "force", "session_date", "session_reference", "venue", "facilitator", "attended")

EMPTY = (
    "The file has no data rows: it has headings but nothing under them. Add one row per delegate, "
    "with the session date and whether they attended"
)


def read_hydra_grid(
    grid: list[list],
    header: Header,
    *,
    today: date,
    progress: Progress | None = None,
    values: Mapping[str, bool] | None = None,
) -> ReadResult:
    """Read the rows under a Hydra register's heading row into :class:`HydraRow` values.

    A Seminar sign-up's ``Status`` (Fully attended, No show, Booked...) is the attendance when no column is
    headed so. ``values`` maps attendances the service does not know (normalised) to attended or not;
    others are counted in ``unknown_values`` and are not attended.
    """
    if "attended" not in header.columns and "status" in header.columns:
        header.columns["attended"] = header.columns["status"]
    result = _result(header)
    attendance_of = AttendanceReader(values or {}, UnknownValues(result.unknown_values))
    if "session_date" not in header.columns and (sessions := session_columns(header)):
        if not any(f in header.columns for f in IDENTITY_FIELDS):
            raise refuse_missing(["staff_number"], header, kind="hydra")
        return read_register_grid(grid, header, sessions, result, today=today, attendance_of=attendance_of,
                                  progress=progress)
    missing = [f for f in ("session_date", "attended") if f not in header.columns]
    if not any(f in header.columns for f in IDENTITY_FIELDS):
        missing.insert(0, "staff_number")
    if missing:
        raise refuse_missing(missing, header, kind="hydra")
    delegate = DelegateRow(header, today, result, attendance_of)
    read_rows(grid, header, field_columns(header, NAMES), delegate, result, empty=EMPTY, progress=progress)
    return result


def _result(header: Header) -> ReadResult:
    return ReadResult(
        kind="hydra", rows=[], errors=[], warnings=[], data_rows=0, headers=header.found,
        has_force_column=header.has("force"),
    )


class DelegateRow:
    """Reads one delegate's row of a register (the row function of :func:`read_hydra_grid`)."""

    __slots__ = ("header", "today", "errors", "warnings", "date_col", "attended_col", "ref_col", "venue_col",
                 "facilitator_col", "attendance")

    def __init__(self, header: Header, today: date, result: ReadResult, attendance_of: AttendanceReader):
        self.header, self.today, self.attendance = header, today, attendance_of
        self.errors, self.warnings = result.errors, result.warnings
        self.date_col, self.attended_col = header.name("session_date"), header.name("attended")
        self.ref_col, self.venue_col = header.name("session_reference"), header.name("venue")
        self.facilitator_col = header.name("facilitator")

    def __call__(self, rownum: int, values: tuple) -> tuple[HydraRow] | None:
        """The delegate's :class:`HydraRow`, or None when the row has errors (recorded)."""
        staff, email, first, last, full, org, when, ref, venue, facilitator, present = values
        header, errors, warnings = self.header, self.errors, self.warnings
        n_errors = len(errors)
        person = read_person(rownum, header, staff, email, first, last, full, errors, warnings, who="delegate")
        force = read_force(rownum, header, org, errors)
        session_date = read_date(
            rownum, self.date_col, when, self.today, errors,
            "The session date is blank: write the date of the session, like 14/05/2025",
        )
        attendance_t = cell_text(present)
        attended = self.attendance(attendance_t) if attendance_t else None
        if attended is None:
            errors.append(RowError(
                rownum, self.attended_col,
                "Attendance is blank: write Attended (or Yes) if they attended the whole session, or Did not "
                "attend, No show or Partially attended",
            ))
        reference = optional_text(rownum, self.ref_col, ref, warnings)
        venue_t = optional_text(rownum, self.venue_col, venue, warnings)
        facilitator_t = optional_text(rownum, self.facilitator_col, facilitator, warnings)
        if len(errors) == n_errors and session_date is not None and attended is not None:
            return (HydraRow(
                rownum, session_date, reference, venue_t, facilitator_t, *person, force, attendance_t, attended,
            ),)
        return None
