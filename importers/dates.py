"""Dates as uploaded files write them: always day first, Excel cells and serial numbers, Moodle's forms."""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, datetime, timedelta
from functools import lru_cache

EARLIEST = date(2020, 1, 1)
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap-year bug only shifts pre-March 1900)
_MAX_SERIAL = 2958465  # 31/12/9999

MONTHS: dict[str, int] = {}
for _number, (_abbr, _full) in enumerate(zip(calendar.month_abbr[1:], calendar.month_name[1:], strict=True), 1):
    MONTHS[_abbr.lower()] = _number
    MONTHS[_full.lower()] = _number
MONTHS["sept"] = 9
_WEEKDAYS = {name.lower() for name in calendar.day_name} | {name.lower() for name in calendar.day_abbr}

# An optional time after the date: "14/05/25, 09:32", "2025-03-03 14:05:00", "2025-03-03T14:05:00Z", "9:32 AM",
# "9am", then an optional time zone, which is ignored: "BST", "+01:00", "GMT+1", "(UTC)", "Europe/London".
_ZONE = (
    r"(?:\s*\(?(?:[a-z]{1,5}(?:\s?[+-]\d{1,2}(?::?\d{2})?)?|[a-z]+(?:/[a-z0-9_+\-]+)+|[+-]\d{2}:?\d{2})\)?)?"
)
_TIME = (
    r"(?:(?:,\s*|\s+|t)(?:at\s+)?(?:\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?"
    r"|\d{1,2}\s*[ap]\.?m\.?)" + _ZONE + r")?"
)
_DAY_FIRST = re.compile(r"(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})" + _TIME)
_YEAR_FIRST = re.compile(r"(\d{4})([/\-.])(\d{1,2})\2(\d{1,2})" + _TIME)
_NAMED_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{4}|\d{2})" + _TIME)
_NAMED_MONTH_FIRST = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME)
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")


class DateError(ValueError):
    """A value that is not an acceptable date; the message is written for the person who uploaded the file."""


def show(value: date) -> str:
    """Format a date the way UK users write it: dd/mm/yyyy."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def parse_date(value: object, *, today: date | None = None) -> date:
    """Read a date from a cell value, day first; raise :class:`DateError` when it is not one.

    Accepts ``datetime``/``date`` objects (Excel date cells), Excel serial numbers and text such as
    ``14/05/2025``, ``14/05/25, 09:32``, ``14-05-2025``, ``2025-05-14``, ``14 May 2025``, ``14-May-2025``,
    each with an optional time. With ``today``, a date after today or before 2020 is refused too.
    """
    written = None  # how the value was written, for messages (dates are shown dd/mm/yyyy)
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, str):
        parsed = _parse_text(value)
        if isinstance(parsed, str):
            raise DateError(parsed)
        result = parsed
        written = " ".join(value.split())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = _from_serial(value)
        written = f"{value:g} (Excel date {show(result)})"
    else:
        raise DateError(f"{_short(str(value))} is not a date: write it day first, like 14/05/2025")
    if today is not None and not EARLIEST <= result <= today:
        check_range(result, today, written)
    return result


def is_date_text(text: str) -> bool:
    """True when text reads as a date (day first, any year): ``Completed (14/05/25, 09:32)`` carries one."""
    return not isinstance(_parse_text(text), str)


def check_range(value: date, today: date, written: str | None = None) -> None:
    """Raise :class:`DateError` when ``value`` is after ``today`` or before 2020."""
    if value > today:
        raise DateError(
            f"{written or show(value)} is in the future (today is {show(today)}): check the day, month and year"
        )
    if value < EARLIEST:
        raise DateError(f"{written or show(value)} is before 2020: check the year (dates before 2020 are not accepted)")


def _from_serial(value: float) -> date:
    if isinstance(value, float) and not math.isfinite(value):
        raise DateError(f"{value} is not a date: write it day first, like 14/05/2025")
    if not 1 <= value <= _MAX_SERIAL:
        raise DateError(f"{value:g} is not a date: write it day first, like 14/05/2025")
    return _EXCEL_EPOCH + timedelta(days=int(value))


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@lru_cache(maxsize=65536)
def _parse_text(text: str) -> date | str:
    """Parse date text; return the date, or the error message (exceptions are not cached by lru_cache)."""
    written = _short(text)
    s = " ".join(text.split()).lower()
    if not s:
        return "The date is blank: write it day first, like 14/05/2025"
    head, sep, rest = s.partition(" ")
    if head.rstrip(",") in _WEEKDAYS and sep:  # "Wednesday, 14 May 2025, 9:32 AM"
        s = rest
    if m := _DAY_FIRST.fullmatch(s):
        day, month, year = int(m[1]), int(m[3]), _year(m[4])
    elif m := _YEAR_FIRST.fullmatch(s):
        year, month, day = int(m[1]), int(m[3]), int(m[4])
    elif (m := _NAMED_DAY_FIRST.fullmatch(s)) and m[2] in MONTHS:
        day, month, year = int(m[1]), MONTHS[m[2]], _year(m[3])
    elif (m := _NAMED_MONTH_FIRST.fullmatch(s)) and m[1] in MONTHS:
        month, day, year = MONTHS[m[1]], int(m[2]), int(m[3])
    elif _SERIAL.fullmatch(s):  # a date cell saved to CSV as its Excel serial number
        try:
            return _from_serial(float(s))
        except DateError as exc:
            return str(exc)
    else:
        return f"{written} is not a date: write it day first, like 14/05/2025"
    return _build(written, year, month, day)


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _build(written: str, year: int, month: int, day: int) -> date | str:
    if not 1 <= month <= 12:
        if 1 <= day <= 12 and 1 <= month <= 31:
            try:
                swapped = date(year, day, month)
            except ValueError:
                pass
            else:
                return f"{written} is not a date: dates are day first, so write {show(swapped)}"
        return f"{written} is not a date: the month must be 1 to 12; write it day first, like 14/05/2025"
    if year < 1 or year > 9999:
        return f"{written} is not a date: check the year; write it day first, like 14/05/2025"
    try:
        return date(year, month, day)
    except ValueError:
        last = calendar.monthrange(year, month)[1]
        return f"{written} is not a date: use a real day, like {show(date(year, month, last))}"
