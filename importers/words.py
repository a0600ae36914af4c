"""Recognising a heading by its words when no alias names it: "Employee Ref No" is a staff number.

Aliases (:mod:`importers.vocabulary`) always win: a word rule is tried only for a heading that is no alias,
and a field that an alias already found ignores word matches. Two headings that the words give the same
field are ambiguous, reported by the reader, never guessed between.
"""

from __future__ import annotations

from functools import lru_cache

from .modules import title_key

_NUMBER = frozenset({"number", "no", "id", "ref", "reference", "num", "nbr", "code", "idnumber", "numbers"})
_DATE = frozenset({"date", "time", "datetime", "when", "on", "day"})

# (field, groups: the heading has a word of each, excluded: none of these). The first rule that fits wins,
# so the narrower rules come first ("Session ID" is the session reference, not the session date).
_RULES: tuple[tuple[str, tuple[frozenset[str], ...], frozenset[str]], ...] = tuple(
    (name, tuple(frozenset(g.split()) for g in groups), frozenset(excluded.split()))
    for name, groups, excluded in (
        ("exempt_until", ("exempt exemption", "until end expires expiry to date"), "reason"),
        ("exemption_reason", ("exempt exemption", "reason why note notes"), ""),
        ("session_reference", ("session event seminar", "ref reference id code name title description"),
         "date time start"),
        ("session_date", ("session event seminar training class", "date start time datetime when"),
         "finish end ended signup signed booked booking created modified cancelled cancellation completed "
         "completion complete"),
        ("course", ("course programme elearning", "name title fullname shortname"), ""),
        ("date_completed", (" ".join(_DATE), "completed completion complete achieved finished passed"),
         "start started due expiry expires enrolled"),
        ("status", ("completion complete completed progress course learning", "status state"), ""),
        ("attended", ("attendance attended attendee present presence",), "date time percentage points taken"),
        ("start_date", ("start started joining joined joiner hire hired appointment appointed entry commencement",
                        " ".join(_DATE)), "session event course exemption exempt enrolment enrollment"),
        ("leaving_date", ("leaving leave left leaver termination terminated exit end finish finished",
                          " ".join(_DATE)), "session event course exemption exempt enrolment enrollment"),
        ("record_status", ("record employment employee assignment person contract", "status state type"), ""),
        ("deleted", ("deleted delete",), ""),
        ("collar_number", ("collar shoulder",), ""),
        ("staff_number", ("staff personnel payroll employee warrant pay person emp officer", " ".join(_NUMBER)),
         ""),
        ("email", ("email mail emailaddress",), ""),
        ("known_as", ("known preferred", "as name forename"), ""),
        ("forename", ("first given fore christian", "name names"), ""),
        ("forename", ("forename forenames firstname givenname",), ""),
        ("surname", ("last family sur", "name names"), ""),
        ("surname", ("surname lastname familyname",), ""),
        ("force", ("force organisation organization constabulary employer",), " ".join(_NUMBER)),
        ("venue", ("venue location room site building",), ""),
        ("facilitator", ("facilitator facilitators trainer trainers instructor instructors tutor tutors presenter "
                         "presenters deliverer teacher",), ""),
        ("role_category", ("role job", "category type group"), ""),
        ("role", ("job role position post",), " ".join(_NUMBER)),
        ("rank", ("rank",), ""),
        ("department", ("department dept unit team division command directorate section bcu ocu squad",), ""),
        ("full_name", ("name fullname",),
         "user username login manager managers appraiser supervisor line course organisation organization force "
         "session event seminar venue room position job department file report sheet"),
    )
)

# Headings that name an OIC module are a wide export's module columns, never a field by their words.
_MODULE_WORDS = frozenset({"module", "immigration", "oic", "hydra"})


@lru_cache(maxsize=4096)
def word_field(heading: str) -> str | None:
    """The field a heading names by its words (see the module docstring), or None."""
    words = set(title_key(heading).split())
    if not words or words & _MODULE_WORDS or any(w.isdigit() for w in words):
        return None
    for name, groups, excluded in _RULES:
        if not words & excluded and all(words & group for group in groups):
            return name
    return None


def word_rules() -> list[tuple[str, list[list[str]]]]:
    """The word rules, for the help page: (field, [the words of which one must appear, per group])."""
    return [(name, [sorted(g) for g in groups]) for name, groups, _ in _RULES]
