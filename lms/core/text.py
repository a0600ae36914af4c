"""Text as the service writes it on pages, in emails and in exports."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import inflect


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


@lru_cache(maxsize=1)
def _inflector() -> inflect.engine:
    return inflect.engine()


def count_of(n: int, noun: str) -> str:
    """``n`` and the noun, plural when ``n`` is not 1, in the house style: "1 leaver", "3 leavers", "2 people",
    "1,200 records". The noun is given in the singular; inflect knows the irregular plurals."""
    word = noun if n == 1 else _inflector().plural_noun(noun)
    return f"{n:,} {word}"
