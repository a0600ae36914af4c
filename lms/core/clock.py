"""The service's clock: today and stored times in the service's time zone (Europe/London by default).

Stored timestamps are naive UTC; every page, email and export shows them in `LMS_TIMEZONE`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app

UTC = ZoneInfo("UTC")


def timezone() -> ZoneInfo:
    """The service's time zone."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def today() -> date:
    """Today in the service's time zone."""
    return datetime.now(timezone()).date()


def local_date(moment: datetime | None) -> str | None:
    """A stored naive-UTC timestamp as an ISO date in the service's time zone."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).astimezone(timezone()).date().isoformat()


def utc_midnight(day: date, tz: ZoneInfo | None = None) -> datetime:
    """The stored (naive UTC) moment a local day begins: what a "from this day" filter compares with."""
    return datetime.combine(day, time(0), tz or timezone()).astimezone(UTC).replace(tzinfo=None)


def local_time(moment: datetime | None, tz: ZoneInfo | None = None) -> str:
    """A stored naive-UTC (or aware) time as local time in words, like '3 March 2026, 14:05 GMT'."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(tz or timezone())
    return f"{moment.day} {moment:%B %Y, %H:%M} {moment.tzname()}"


def month_period(day: date) -> str:
    """The month a day falls in as a log period, e.g. "2026-05": league-table emails go once per period."""
    return f"{day.year:04d}-{day.month:02d}"


def week_period(day: date) -> str:
    """The ISO week a day falls in as a log period, e.g. "2026-W18": reminders go once per period."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def month_label(period: str) -> str:
    """A month period in words, e.g. "May 2026"."""
    year, month = (int(part) for part in period.split("-"))
    return date(year, month, 1).strftime("%B %Y")
