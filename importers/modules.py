"""College Learn course titles to the four OIC modules (M1..M4), and completion statuses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache

from .dates import is_date_text

DEFAULT_MODULE_ALIASES: dict[str, tuple[str, ...]] = {
    "M1": ("Organised immigration crime: introduction",),
    "M2": ("Organised immigration crime: legislation and powers",),
    "M3": ("Organised immigration crime: incident types, investigative mindset and partners",),
    "M4": ("Organised immigration crime: inland case study",),
}

COMPLETE_STATUSES = frozenset({
    "complete", "completed", "complete via rpl", "completed via rpl", "complete (rpl)", "completed (rpl)",
    "passed", "pass",
})

_NUMBERS = {"1": 1, "2": 2, "3": 3, "4": 4, "one": 1, "two": 2, "three": 3, "four": 4}
_MODULE_N = re.compile(r"\bmodule ?(1|2|3|4|one|two|three|four)\b")
_TOPIC = re.compile(r"\b(?:immigration|oic)\b")


def title_key(text: str) -> str:
    """Normalise a course title: accents dropped, case-folded, punctuation to spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(" " if not ch.isalnum() else ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(kept.casefold().split())


class ModuleResolver:
    """Recognises the OIC module a course title means: by configured alias, else by "module <n>" + OIC.

    ``aliases`` maps a requirement code to its titles (``DEFAULT_MODULE_ALIASES`` when None); a title
    matches an alias when their normalised forms are equal. Otherwise a title that says "module 1"
    (to 4, or "module one".."module four") and also "immigration" or "OIC" is that module.
    Results are cached per title: a large export repeats the same few titles.
    """

    __slots__ = ("_exact", "_cache")

    def __init__(self, aliases: Mapping[str, Sequence[str]] | None = None):
        aliases = DEFAULT_MODULE_ALIASES if aliases is None else aliases
        self._exact: dict[str, str] = {}
        for code, titles in aliases.items():
            if isinstance(titles, str):
                titles = [titles]
            for title in titles:
                key = title_key(str(title))
                if key:
                    self._exact.setdefault(key, code)
            self._exact.setdefault(title_key(code), code)
        self._cache: dict[str, str | None] = {}

    def __call__(self, title: str) -> str | None:
        """The requirement code (e.g. ``"M2"``) of a course title, or None for any other course."""
        try:
            return self._cache[title]
        except KeyError:
            pass
        key = title_key(title)
        code = self._exact.get(key)
        if code is None and _TOPIC.search(key) and (m := _MODULE_N.search(key)):
            code = f"M{_NUMBERS[m[1]]}"
        if len(self._cache) < 100_000:
            self._cache[title] = code
        return code


# Statuses that say "not complete" (compared normalised), besides those with "not"/"fail" inside brackets.
NOT_COMPLETE_STATUSES = frozenset({
    "inprogress", "notyetstarted", "notstarted", "notcompleted", "notcomplete", "incomplete", "failed", "fail",
    "notattempted", "enrolled", "no", "n", "notyetcompleted", "started", "assigned", "notpassed", "notyetcomplete",
    "completeddidnotachievepassgrade", "completefail",
})
_YES = frozenset({"yes", "y", "true", "1"})


@lru_cache(maxsize=4096)
def status_info(text: str) -> tuple[bool, str | None]:
    """Read a completion status: (complete?, date text written inside it, if any).

    ``Completed``, ``Complete``, ``Complete via RPL`` and ``Passed`` are complete; anything else
    (``In progress``, ``Not yet started``, ``Not completed``, ``Failed``) is not. Moodle's
    ``Completed (14/05/25, 09:32)`` carries its date; ``Completed (achieved pass grade)`` and
    ``Completed (set by …)`` are complete and ``Completed (did not achieve pass grade)`` is not.
    """
    complete, inner = status_meaning(text)
    return bool(complete), inner


@lru_cache(maxsize=4096)
def status_meaning(text: str, yes_is_complete: bool = False) -> tuple[bool | None, str | None]:
    """Like :func:`status_info`, but None for a status the service does not know (``Awaiting marking``).

    ``Yes`` is complete when ``yes_is_complete`` (a column headed ``Completed``); ``No`` is never complete.
    A status that is only a date is complete on that date.
    """
    s = " ".join(text.split())
    low = s.casefold()
    if low in COMPLETE_STATUSES:
        return True, None
    key = "".join(ch for ch in low if ch.isalnum())
    if key in NOT_COMPLETE_STATUSES:
        return False, None
    if key in _YES:
        return (True, None) if yes_is_complete else (None, None)
    if low.endswith(")") and "(" in low:
        last = low.rindex("(")
        if last > low.index("(") and (is_date_text(inner := s[last + 1 : -1].strip())):
            # "Completed (achieved pass grade) (14/05/25, 09:32)": the last brackets hold the date
            return status_meaning(s[:last].strip(), yes_is_complete)[0], inner
        cut = low.index("(")
        base, inner = low[:cut].strip().rstrip(":-,").strip(), s[cut + 1 : -1].strip()
        complete = base in COMPLETE_STATUSES
        if inner[:1].isdigit() or is_date_text(inner):
            return (complete if complete or "".join(base.split()) in NOT_COMPLETE_STATUSES else None), inner
        if complete and ("not" in inner.casefold().split() or "fail" in inner.casefold()):
            return False, None
        if complete:
            return True, None
        return (False, None) if "".join(ch for ch in base if ch.isalnum()) in NOT_COMPLETE_STATUSES else (None, None)
    for prefix in ("completed on ", "completed: ", "completed ", "complete on ", "complete "):
        if low.startswith(prefix):
            rest = s[len(prefix) :].strip()
            if rest[:1].isdigit() or is_date_text(rest):
                return True, rest
    if s[:1].isdigit() and is_date_text(s):
        return True, s
    return None, None
