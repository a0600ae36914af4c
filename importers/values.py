"""What completion statuses and attendances mean: the known words of DESIGN.md, the lead's value mapping,
and the count of values nobody has said anything about.

A value the service does not know is not a row error: it counts as not complete (not attended), and
:attr:`ReadResult.unknown_values` says how many rows carry it, so the lead can map it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .cells import normalise, yes_no_word
from .modules import status_meaning

# Attendance as registers, Seminar sign-ups and Moodle's attendance module write it, normalised, besides
# yes and no. Late is there: a late delegate attended.
ATTENDED = frozenset({
    "attended", "present", "attendedinfull", "fullyattended", "p", "late", "l", "presentlate", "attendedlate",
})
NOT_ATTENDED = frozenset({
    "didnotattend", "dna", "noshow", "partiallyattended", "partlyattended", "partial", "absent", "a", "excused",
    "e", "absentexcused", "excusedabsence", "notattended", "cancelled", "usercancelled", "cancelledbyuser",
    "sessioncancelled", "eventcancelled", "bookingcancelled", "apologies", "leftearly", "booked", "waitlisted",
    "waitinglist", "requested", "declined", "notset", "absentnotexcused", "unexcused",
})

# Moodle's attendance export writes a status with its points: "P (2/2)", "L (1/2)".
_POINTS = re.compile(r"^(.*?)\s*\(\s*\d+(?:[.,]\d+)?\s*/\s*\d+(?:[.,]\d+)?\s*\)$")


def attendance(text: str) -> bool | None:
    """True when the attendance text counts as attended, False when it says not, None when unknown.

    Yes and no (:func:`~importers.cells.yes_no_word`) are attendances too; Moodle's points after the
    status (``P (2/2)``) are ignored.
    """
    if (m := _POINTS.match(text.strip())) is not None:
        text = m[1]
    key = normalise(text)
    if key in ATTENDED:
        return True
    if key in NOT_ATTENDED:
        return False
    return yes_no_word(text)


class UnknownValues:
    """Counts the values not recognised, under the first spelling seen of each (compared normalised)."""

    __slots__ = ("counts", "spelling")

    def __init__(self, counts: dict[str, int]):
        self.counts = counts
        self.spelling: dict[str, str] = {}

    def add(self, text: str) -> None:
        """Count one more row carrying ``text``."""
        key = normalise(text)
        written = self.spelling.setdefault(key, text)
        self.counts[written] = self.counts.get(written, 0) + 1


class StatusReader:
    """Reads completion statuses: (complete?, a date written inside the status, if any).

    Known statuses by :func:`~importers.modules.status_meaning`; then the lead's ``mapped`` values
    (normalised value -> complete?); anything else is counted in ``unknown`` and is not complete.
    ``yes_is_complete``: the column is headed like ``Completed``, so Yes means complete.
    """

    __slots__ = ("mapped", "unknown", "yes_is_complete")

    def __init__(self, mapped: Mapping[str, bool], unknown: UnknownValues, yes_is_complete: bool):
        self.mapped, self.unknown, self.yes_is_complete = mapped, unknown, yes_is_complete

    def __call__(self, text: str) -> tuple[bool, str | None]:
        """What a non-blank status means (see the class docstring)."""
        complete, inner = status_meaning(text, self.yes_is_complete)
        if complete is not None:
            return complete, inner
        mapped = self.mapped.get(normalise(text))
        if mapped is not None:
            return mapped, None
        self.unknown.add(text)
        return False, None


class AttendanceReader:
    """Reads attendances: known words (:func:`attendance`), then the lead's mapping, else counted and not attended."""

    __slots__ = ("mapped", "unknown")

    def __init__(self, mapped: Mapping[str, bool], unknown: UnknownValues):
        self.mapped, self.unknown = mapped, unknown

    def __call__(self, text: str) -> bool:
        """True when a non-blank attendance counts as attended."""
        attended = attendance(text)
        if attended is not None:
            return attended
        mapped = self.mapped.get(normalise(text))
        if mapped is None and (m := _POINTS.match(text.strip())) is not None:
            mapped = self.mapped.get(normalise(m[1]))
        if mapped is not None:
            return mapped
        self.unknown.add(text)
        return False
