"""Keys that identify a person across files: staff number, email and normalised full name."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


def staff_key(value: str | None) -> str | None:
    """Return the matching key of a staff number: trimmed, case-folded, leading zeros ignored; None when blank.

    ``"000123"`` and ``"123"`` are the same person; ``"0000"`` becomes ``"0"``.
    """
    if value is None:
        return None
    s = str(value).strip().casefold()
    if not s:
        return None
    return s.lstrip("0") or "0"


def email_key(value: str | None) -> str | None:
    """Return the matching key of an email address: trimmed and case-folded; None when blank."""
    if value is None:
        return None
    s = str(value).strip().casefold()
    return s or None


@lru_cache(maxsize=65536)
def _name_part(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    out = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        out.append(ch if ch.isalnum() else " ")
    return " ".join("".join(out).casefold().split())


def name_key(first: str | None, last: str | None) -> str:
    """Return the normalised full name used to match people by name.

    Accents dropped (NFKD), case-folded, punctuation such as hyphens, apostrophes and dots turned
    into spaces, whitespace collapsed: ``("Zoë", "Ní Bhraonáin")`` gives ``"zoe ni bhraonain"``.
    """
    return _name_part(f"{first or ''} {last or ''}")


def split_full_name(text: str) -> tuple[str, str]:
    """Split a single name cell into (forename, surname): the last word is the surname.

    ``"Surname, Forename"`` (a comma) is understood as surname first.
    """
    s = " ".join(text.split())
    if "," in s:
        last, _, first = s.partition(",")
        return first.strip(), last.strip()
    first, _, last = s.rpartition(" ")
    return first, last
