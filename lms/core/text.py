"""Text as the service writes it on pages, in emails and in exports."""

from __future__ import annotations

from datetime import date


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def long_date(value: date | str | None) -> str:
    """A date (or ISO date) as people write it, "3 March 2026"; empty when there is none."""
    if not value:
        return ""
    day = _as_date(value)
    return f"{day.day} {day:%B %Y}"


def short_date(value: date | str | None) -> str:
    """A date (or ISO date) in a narrow table cell: "3 Mar 2026"."""
    if not value:
        return ""
    day = _as_date(value)
    return f"{day.day} {day:%b %Y}"


def plural(n: int, one: str, many: str) -> str:
    """``n`` with the singular or plural word: "1 email", "3 emails"."""
    return f"{n} {one if n == 1 else many}"
