"""GOV.UK date inputs (day, month, year): what a user typed, read into a date or a message that says what to fix.

The messages follow the GOV.UK Design System's date input pattern ("Figures as of must include a month",
"... must be a real date", "... must be today or in the past") and name only the parts at fault, so the page can
highlight just those boxes. Query-string pages also keep accepting their older single parameter (``?as_of=2026-03-31``
or ``?date_from=27/3/2026``: day first, as everywhere in the service), so links and bookmarks keep working.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from importers.dates import DateError, parse_date
from lms.core import clock

PARTS = ("day", "month", "year")
_WIDTHS = {"day": "govuk-input--width-2", "month": "govuk-input--width-2", "year": "govuk-input--width-4"}
# "12", "Dec" and "December" all mean December: GOV.UK asks services to accept month names too.
_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name} | {
    name.lower(): number for number, name in enumerate(calendar.month_abbr) if name} | {"sept": 9}


@dataclass(frozen=True)
class DateEntry:
    """One date input as typed: its three parts, the date they make (or None), and what is wrong with them."""

    name: str
    day: str = ""
    month: str = ""
    year: str = ""
    value: date | None = None
    error: str | None = None
    wrong: tuple[str, ...] = ()  # the parts to highlight; all three when the date as a whole is wrong

    @property
    def given(self) -> bool:
        """Whether anything was typed."""
        return bool(self.day or self.month or self.year)

    @property
    def first_id(self) -> str:
        """The id of the first box at fault (the day box when none is): where the error summary links."""
        return f"{self.name}-{(self.wrong or PARTS)[0]}"

    def params(self, legend: str, *, hint: str | None = None, legend_classes: str = "govuk-fieldset__legend--s",
               error: str | None = None) -> dict:
        """The govukDateInput macro's parameters: boxes named ``<name>-day`` etc., only the wrong ones in red.
        ``error`` overrides the entry's own message (a form-level check such as "To must be after From")."""
        message = error or self.error
        wrong = self.wrong or (PARTS if message else ())
        items = [{"name": part, "label": part.capitalize(), "id": f"{self.name}-{part}", "value": getattr(self, part),
                  "classes": _WIDTHS[part] + (" govuk-input--error" if message and part in wrong else "")}
                 for part in PARTS]
        return {
            "id": self.name, "namePrefix": self.name, "items": items,
            "fieldset": {"legend": {"text": legend, "classes": legend_classes}},
            "hint": {"text": hint} if hint else None,
            "errorMessage": {"text": message} if message else None,
        }


def of_date(name: str, value: date | None) -> DateEntry:
    """An entry showing a known date (or empty boxes)."""
    if value is None:
        return DateEntry(name)
    return DateEntry(name, str(value.day), str(value.month), str(value.year), value)


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def read_date(name: str, label: str, day: str | None, month: str | None, year: str | None, *,
              required_message: str | None = None, earliest: date | None = None,
              latest: date | None = None) -> DateEntry:
    """Read three typed parts into a date, day first. ``label`` starts every message ("From date must include a
    year"); an empty input is fine unless ``required_message`` says what to ask for. ``latest`` is usually today:
    later dates are refused as "must be today or in the past"."""
    typed = {part: " ".join((text or "").split()) for part, text in zip(PARTS, (day, month, year), strict=True)}
    entry = DateEntry(name, **typed)

    def wrong(message: str, *parts: str) -> DateEntry:
        return DateEntry(name, **typed, error=message, wrong=parts or PARTS)

    missing = [part for part in PARTS if not typed[part]]
    if len(missing) == 3:
        return wrong(required_message) if required_message else entry
    if missing:
        return wrong(f"{label} must include a {_and(missing)}", *missing)
    bad = [part for part in ("day", "month") if _number(part, typed[part]) is None]
    if not typed["year"].isdigit():
        bad.append("year")
    if bad:
        return wrong(f"{label} must be a real date", *bad)
    if len(typed["year"]) != 4:
        return wrong(f"{label} must include a year with 4 numbers, like {clock.today().year}", "year")
    try:
        value = date(int(typed["year"]), _number("month", typed["month"]), _number("day", typed["day"]))
    except ValueError:
        return wrong(f"{label} must be a real date")
    return _in_range(DateEntry(name, **typed, value=value), label, earliest, latest)


def _number(part: str, text: str) -> int | None:
    """A day (1 to 31) or month (1 to 12, or its name) as a number, or None."""
    if part == "month" and text.lower().rstrip(".") in _MONTHS:
        return _MONTHS[text.lower().rstrip(".")]
    if not text.isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= (31 if part == "day" else 12) else None


def _in_range(entry: DateEntry, label: str, earliest: date | None, latest: date | None) -> DateEntry:
    value = entry.value
    if latest is not None and value > latest:
        message = f"{label} must be today or in the past" if latest == clock.today() else \
            f"{label} must be on or before {_long(latest)}"
        return DateEntry(entry.name, entry.day, entry.month, entry.year, error=message, wrong=PARTS)
    if earliest is not None and value < earliest:
        return DateEntry(entry.name, entry.day, entry.month, entry.year,
                         error=f"{label} must be on or after {_long(earliest)}", wrong=PARTS)
    return entry


def _long(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def read_submitted(data: Mapping, name: str, label: str, *, legacy: bool = False, **checks) -> DateEntry:
    """The entry a request submitted: its ``<name>-day``, ``-month`` and ``-year`` boxes, or (with ``legacy``, for
    query strings that links and bookmarks already use) a single ``<name>`` value written day first or as
    YYYY-MM-DD. ``checks`` are read_date's keywords."""
    parts = [data.get(f"{name}-{part}") for part in PARTS]
    if any(part is not None for part in parts) or not legacy:
        return read_date(name, label, *parts, **checks)
    text = " ".join((data.get(name) or "").split())
    if not text:
        return read_date(name, label, None, None, None, **checks)
    try:
        value = parse_date(text)
    except DateError:
        # Not put back in the boxes: a whole date in the day box would mislead. The boxes start empty.
        return DateEntry(name, error=f"{label} must be a real date", wrong=PARTS)
    shown = of_date(name, value)
    return _in_range(shown, label, checks.get("earliest"), checks.get("latest"))
