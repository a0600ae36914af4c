"""A force's status band against the target of everyone relevant trained by the deadline.

One set of words and thresholds, before and after the deadline, so a band keeps its meaning the day the deadline
passes (80.4% stays "Behind", never the same as 0%). After the deadline the band is followed by "overdue since
<deadline>". Pages, emails, exports and the API all take their words from here.
"""

from __future__ import annotations

from datetime import date

from lms.core.text import long_date

TARGET_MET, NEARLY_THERE, BEHIND, FAR_BEHIND, NO_ROSTER, NO_DATA = (
    "Target met", "Nearly there", "Behind", "Far behind", "No roster", "No data")
NEARLY_THERE_FROM = 90  # percent overall, inclusive
BEHIND_FROM = 50
COLOURS = {TARGET_MET: "green", NEARLY_THERE: "yellow", BEHIND: "orange", FAR_BEHIND: "red", NO_ROSTER: "grey",
           NO_DATA: "grey"}
# What each band means, in the order a key lists them (pages and the national page's key).
BANDS = (
    (TARGET_MET, "everyone relevant is trained"),
    (NEARLY_THERE, f"{NEARLY_THERE_FROM}% or more"),
    (BEHIND, f"{BEHIND_FROM}% or more"),
    (FAR_BEHIND, f"under {BEHIND_FROM}%"),
    (NO_ROSTER, "no roster uploaded yet"),
)


def band(entry: dict) -> str:
    """The band's words for a league entry (its overall figures), whatever the date."""
    overall = entry["overall"]
    if entry.get("rank") is None or overall["percent"] is None:
        # A stored or API entry has no has_roster: unranked with nobody relevant is a force with no roster.
        return NO_ROSTER if not entry.get("has_roster", bool(overall["relevant"])) else NO_DATA
    if overall["complete"] >= overall["relevant"]:
        return TARGET_MET
    if overall["percent"] >= NEARLY_THERE_FROM:
        return NEARLY_THERE
    if overall["percent"] >= BEHIND_FROM:
        return BEHIND
    return FAR_BEHIND


def overdue_since(text: str, as_of: date, deadline: date) -> str | None:
    """"overdue since 30 April 2026" once the deadline has passed and the target is not met; else None."""
    if as_of > deadline and text in (NEARLY_THERE, BEHIND, FAR_BEHIND):
        return f"overdue since {long_date(deadline)}"
    return None


def force_status(entry: dict, as_of: date, deadline: date) -> dict:
    """{"text", "colour", "overdue", "label"}: the band, its tag colour, "overdue since …" (or None), and both
    together as one phrase ("Behind, overdue since 30 April 2026") for emails, exports and the API."""
    text = band(entry)
    overdue = overdue_since(text, as_of, deadline)
    return {"text": text, "colour": COLOURS[text], "overdue": overdue,
            "label": f"{text}, {overdue}" if overdue else text}


def status_label(entry: dict, as_of: date | str, deadline: date | str) -> str:
    """The band with "overdue since …" as one phrase; dates may be ISO strings (a stored table)."""
    as_of = date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    deadline = date.fromisoformat(deadline) if isinstance(deadline, str) else deadline
    return force_status(entry, as_of, deadline)["label"]
