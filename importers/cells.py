"""Turning raw cell values (text from CSV, typed values from calamine) into the text and flags rows hold."""

from __future__ import annotations

import math
from datetime import date, datetime, time

from .addresses import is_email_address
from .base import RowError

FORMULA_STARTS = ("=", "+", "-", "@")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)

# Yes/no answers after normalise(): every spelling the roster's flags or the Hydra register's attendance took.
YES = frozenset({"y", "yes", "t", "true", "1"})
NO = frozenset({"n", "no", "f", "false", "0"})


def cell_text(value: object) -> str:
    """Return a cell as trimmed text ('' when blank); whole numbers lose Excel's '.0'."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def is_blank(values: tuple | list) -> bool:
    """True when every value is empty or only whitespace (numbers, dates and booleans are not blank)."""
    for v in values:
        if v.__class__ is str:
            if v and not v.isspace():
                return False
        elif v is not None:
            return False
    return True


def normalise(text: str) -> str:
    """Normalise text for comparison (headings, answers): case-folded, letters and digits only."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def yes_no_word(text: str) -> bool | None:
    """True for a yes (Y, yes, T, true, 1), False for a no (N, no, F, false, 0), None for anything else.

    Case, spaces and punctuation are ignored: ``'Yes.'``, ``' y '`` and ``'TRUE'`` are all yes.
    """
    key = text.casefold()
    if key not in YES and key not in NO:  # the usual Y or N needs no normalising
        key = normalise(text)
    if key in YES:
        return True
    if key in NO:
        return False
    return None


def yes_no(value: object) -> bool | None:
    """Read a yes/no cell (see :func:`yes_no_word`, or an Excel boolean); None when blank; raise ValueError otherwise.

    A cell of only dots counts as blank.
    """
    if isinstance(value, bool):
        return value
    text = cell_text(value)
    if not text.rstrip("."):
        return None
    folded = text.casefold()
    if folded in YES:  # the usual Y or N, without yes_no_word's call
        return True
    if folded in NO:
        return False
    answer = yes_no_word(text)
    if answer is None:
        raise ValueError(text)
    return answer


def looks_like_formula(text: str) -> bool:
    """True when text would be taken for a formula by a spreadsheet (starts with = + - @)."""
    return text[:1] in _FORMULA_FIRST and len(text) > 1


def formula_warning(row: int, column: str, text: str) -> RowError:
    """The warning given for text that looks like a spreadsheet formula (it is kept as plain text)."""
    shown = text if len(text) <= 40 else text[:39] + "…"
    return RowError(
        row,
        column,
        f"'{shown}' looks like a spreadsheet formula; it is stored as plain text. "
        "Check the cell holds the value you meant",
    )


def looks_like_email(text: str) -> bool:
    """Whether text is exactly one email address (importers.addresses: the same rules as forms and the CLI)."""
    return is_email_address(text)
