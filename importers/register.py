"""Moodle attendance registers: a row per delegate and a column per session, the session's date in its heading.

Moodle's attendance module exports (as .xls, .ods or tab-separated text) ``Course`` and ``Group`` title
rows, then headings such as ``ID number``, ``Last name``, ``First name``, one column per session headed
with its date and time and group (``12 Mar 2025 09.30AM All students``), then ``Taken sessions``,
``Points`` and ``Percentage``. Each session cell holds the status's acronym (``P``, ``L``, ``E``, ``A``),
sometimes with its points (``P (2/2)``); ``?`` is a session not yet taken.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .base import HydraRow, ReadResult, RowError
from .cells import cell_text
from .dates import DateError, parse_date
from .fields import read_force, read_person
from .headers import Header, field_of
from .rows import Progress, field_columns, read_rows
from .values import AttendanceReader

IDENTITY_FIELDS = ("staff_number", "email", "forename", "surname", "full_name")

# A date at the start of a heading, optionally after a weekday: 12 Mar 2025, 12.03.25, 12/03/2025, 2025-03-12.
_LEADING_DATE = re.compile(
    r"^(?:[A-Za-z]{3,9}\.?,?\s+)?("
    r"\d{1,2}(?:st|nd|rd|th)?[\s\-]+[A-Za-z]{3,9}\.?,?[\s\-]+\d{2,4}"
    r"|\d{1,2}[./\-]\d{1,2}[./\-]\d{2,4}"
    r"|\d{4}-\d{1,2}-\d{1,2})"
)
# What a session cell holds when the session was not taken, or Moodle's "same as above" enrolment marker.
NOT_TAKEN = frozenset({"?", "←", "-"})

EMPTY = (
    "The file has no data rows: it has headings but nothing under them. Export the register again with its "
    "delegates, one row each"
)


@dataclass(frozen=True, slots=True)
class SessionColumn:
    """A register's column for one session: where it is, the session's date, and its heading."""

    column: int
    session_date: date
    heading: str


def heading_date(text: str) -> date | None:
    """The date a session column's heading starts with, or None when it does not start with one."""
    m = _LEADING_DATE.match(text.strip())
    if m is None:
        return None
    try:
        return parse_date(m[1])
    except DateError:
        return None


def session_columns(header: Header) -> list[SessionColumn]:
    """The columns headed with a session date, among the headings that name no field."""
    found = []
    for col, text in enumerate(header.texts):
        if not text or field_of(text) is not None or col in header.columns.values():
            continue
        when = heading_date(text)
        if when is not None:
            found.append(SessionColumn(col, when, " ".join(text.split())))
    return found


def register_extra() -> Callable[[Header], int]:
    """Score function for finding the heading row: how many session columns a row has."""
    return lambda header: len(session_columns(header))


def read_register_grid(
    grid: list[list],
    header: Header,
    sessions: list[SessionColumn],
    result: ReadResult,
    *,
    today: date,
    attendance_of: AttendanceReader,
    progress: Progress | None = None,
) -> ReadResult:
    """Read a register with a column per session into a :class:`HydraRow` per delegate and session taken."""
    result.shape = "wide"
    held = [s for s in sessions if s.session_date.year >= 2020 and s.session_date <= today]
    for session in sessions:
        if session not in held:  # a session not yet held: its cells say "?"
            result.warnings.append(RowError(
                header.index + 1, session.heading,
                f"The session of {session.session_date:%d/%m/%Y} is in the future or before 2020, so this column "
                "is not read",
            ))
    sessions = held
    columns = field_columns(header, (*IDENTITY_FIELDS, "force")) + [s.column for s in sessions]
    delegate = RegisterRow(header, sessions, result, today, attendance_of)
    read_rows(grid, header, columns, delegate, result, empty=EMPTY, progress=progress)
    return result


class RegisterRow:
    """Reads one delegate's row of a register with a column per session (the row function)."""

    __slots__ = ("header", "sessions", "errors", "warnings", "today", "attendance")

    def __init__(self, header: Header, sessions: list[SessionColumn], result: ReadResult, today: date,
                 attendance_of: AttendanceReader):
        self.header, self.sessions, self.today, self.attendance = header, sessions, today, attendance_of
        self.errors, self.warnings = result.errors, result.warnings

    def __call__(self, rownum: int, values: tuple) -> list[HydraRow] | None:
        """A :class:`HydraRow` per session taken for the delegate; None when who they are has errors."""
        errors = self.errors
        n_errors = len(errors)
        person = read_person(rownum, self.header, *values[:5], errors, self.warnings, who="delegate")
        force = read_force(rownum, self.header, values[5], errors)
        if len(errors) > n_errors:
            return None
        rows = []
        cells = values[6:]
        for session, value in zip(self.sessions, cells, strict=True):
            text = cell_text(value)
            if not text or text in NOT_TAKEN:
                continue
            if text.startswith("-") and len(text) > 1:  # a status hidden from students: still the status
                text = text[1:]
            rows.append(HydraRow(
                rownum, session.session_date, session.heading, None, None, *person, force, text,
                self.attendance(text),
            ))
        return rows
