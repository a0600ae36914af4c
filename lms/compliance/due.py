"""Due dates (DESIGN.md, "Due dates"): when each person must have done a package, and how long a completion lasts.

Pure like `lms.compliance.rules` (which re-exports these names): plain values in, plain values out, no clock.

- A person's *start* is the roster's ``Start date`` when it gave one, otherwise the day a roster after the force's
  first one added them; people on the force's first roster have no start (`person_start`).
- Their *due date* is the later of the deadline and start + grace (`due_date`); on the day after it a relevant person
  who has not done a package is *overdue* in it, up to and on it *not yet due*.
- A package may have a *validity* in months: as of D a completion counts only if dated on or after the same day that
  many months before D, clamped to the month's end (`valid_from`); none by default.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_DEADLINE = date(2026, 4, 30)
DEFAULT_GRACE_DAYS = 90
VALIDITY_PACKAGES: tuple[str, ...] = ("elearning", "hydra")


@dataclass(frozen=True, slots=True)
class DuePolicy:
    """The settings due dates follow: the recommendations' deadline, the joiners' grace period, validities."""

    deadline: date = DEFAULT_DEADLINE
    grace_days: int = DEFAULT_GRACE_DAYS
    elearning_validity_months: int | None = None
    hydra_validity_months: int | None = None

    def __post_init__(self) -> None:
        if self.grace_days < 0:
            raise ValueError(f"a grace period cannot be negative ({self.grace_days} days)")
        for months in (self.elearning_validity_months, self.hydra_validity_months):
            if months is not None and months < 1:
                raise ValueError(f"a validity must be at least 1 month ({months})")

    def validity_months(self, package: str) -> int | None:
        """The validity of ``elearning`` or ``hydra`` in months, or None (a completion counts for ever)."""
        if package not in VALIDITY_PACKAGES:
            raise ValueError(f"{package!r} is not one of {', '.join(VALIDITY_PACKAGES)}")
        return self.elearning_validity_months if package == "elearning" else self.hydra_validity_months

    def as_dict(self) -> dict:
        """JSON-ready, so a stored snapshot can say which settings its figures followed."""
        return {"deadline": self.deadline.isoformat(), "grace_days": self.grace_days,
                "elearning_validity_months": self.elearning_validity_months,
                "hydra_validity_months": self.hydra_validity_months}


def person_start(start_date: date | None, first_rostered_on: date | None) -> date | None:
    """The roster's ``Start date`` when given, else the day a later roster added the person, else None."""
    return start_date if start_date is not None else first_rostered_on


def due_date(start: date | None, policy: DuePolicy) -> date:
    """The later of the deadline and ``start`` plus the grace period (the deadline when there is no start)."""
    if start is None:
        return policy.deadline
    return max(policy.deadline, start + timedelta(days=policy.grace_days))


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier, clamped to that month's end (31 May - 3 -> 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_from(as_of: date, months: int | None) -> date | None:
    """The earliest completion date that still counts on ``as_of`` under a validity of ``months`` (None: any)."""
    return None if months is None else months_before(as_of, months)
