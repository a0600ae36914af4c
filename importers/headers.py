"""Recognising column headings by alias, finding the heading row under any title rows, and the refusals.

Headings are compared after normalising (case, spaces and punctuation ignored), so ``Staff No.``,
``staff number`` and ``STAFF_NUMBER`` all name the staff number column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from .base import KIND_LABELS, FileRefused
from .cells import cell_text, normalise

HEADER_SCAN_ROWS = 20

# field: (canonical heading, aliases). The canonical heading is also an alias.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "staff_number": ("Staff number", (
        "Staff No", "Staff ID", "Staff number", "Employee number", "Employee No", "Employee ID", "Payroll number",
        "Payroll No", "Payroll ID", "Warrant number", "Warrant No", "Personnel number", "Personnel No",
        "ID number", "Collar number", "Collar No", "Force number", "Force No", "Staff reference",
    )),
    "email": ("Email", ("Email", "Email address", "E-mail", "E-mail address", "Work email", "Work email address")),
    "forename": ("Forename", ("Forename", "Forenames", "First name", "First names", "Given name", "Given names")),
    "surname": ("Surname", ("Surname", "Last name", "Family name")),
    "full_name": ("Name", ("Name", "Full name", "Delegate name", "Delegate", "Learner", "Learner name")),
    "force": ("Force", ("Force", "Force name", "Organisation", "Organization", "Employer", "Police force")),
    "course": ("Course", ("Course", "Course name", "Course title", "Module", "Module name", "Activity")),
    "status": ("Status", ("Status", "Completion status", "Course completion status")),
    "date_completed": ("Date completed", (
        "Date completed", "Completion date", "Completed on", "Date of completion", "Time completed",
        "Course complete", "Completed date",
    )),
    "session_date": ("Session date", ("Session date", "Date of session", "Date", "Course date", "Training date")),
    "session_reference": ("Session reference", (
        "Session reference", "Session ref", "Session ID", "Course reference", "Session", "Session name",
    )),
    "venue": ("Venue", ("Venue", "Location")),
    "facilitator": ("Facilitator", ("Facilitator", "Trainer", "Delivered by", "Facilitators", "Trainers")),
    "attended": ("Attended", ("Attended", "Attendance", "Attendance status", "Attended?")),
    "role_category": ("Role category", ("Role category", "Category", "Role type")),
    "elearning_required": ("E-learning required", ("E-learning required", "Elearning required", "E-learning")),
    "hydra_required": ("Hydra required", ("Hydra required", "Hydra")),
    "rank": ("Rank", ("Rank", "Grade", "Rank or grade", "Rank/grade")),
    "role": ("Role", ("Role", "Job title", "Position", "Job role")),
    "department": ("Department", ("Department", "Unit", "Team", "BCU", "Command")),
    "exempt_until": ("Exempt until", ("Exempt until", "Exemption until", "Exemption end date", "Exemption expires")),
    "exemption_reason": ("Exemption reason", ("Exemption reason", "Reason for exemption", "Exempt reason")),
}

KIND_FIELDS: dict[str, frozenset[str]] = {
    "roster": frozenset({
        "staff_number", "forename", "surname", "full_name", "email", "rank", "role", "department", "role_category",
        "elearning_required", "hydra_required", "exempt_until", "exemption_reason", "force",
    }),
    "college-learn": frozenset({
        "staff_number", "email", "forename", "surname", "full_name", "force", "course", "status", "date_completed",
    }),
    "hydra": frozenset({
        "session_date", "session_reference", "venue", "facilitator", "staff_number", "forename", "surname",
        "full_name", "email", "force", "attended",
    }),
}

# Headings only one kind of file has: used to say "this looks like a Hydra register, not a roster".
DISTINCTIVE: dict[str, frozenset[str]] = {
    "roster": frozenset({
        "rank", "role", "department", "role_category", "elearning_required", "hydra_required", "exempt_until",
        "exemption_reason",
    }),
    "college-learn": frozenset({"course", "status", "date_completed"}),
    "hydra": frozenset({"session_date", "session_reference", "venue", "facilitator", "attended"}),
}


ALIASES: dict[str, str] = {normalise(alias): name for name, (_, aliases) in FIELDS.items() for alias in aliases}
for _name, (_canonical, _) in FIELDS.items():
    ALIASES[normalise(_canonical)] = _name


@lru_cache(maxsize=4096)
def field_of(heading: str) -> str | None:
    """The field a heading names, or None."""
    return ALIASES.get(normalise(heading))


def label(name: str) -> str:
    """The canonical heading of a field, e.g. ``"Staff number"``."""
    return FIELDS[name][0]


def alias_hint(name: str, limit: int = 3) -> str:
    """``'Staff number' (or Staff No, Staff ID, Employee number…)`` for messages."""
    canonical, aliases = FIELDS[name]
    others = [a for a in aliases if normalise(a) != normalise(canonical)][:limit]
    return f"'{canonical}'" + (f" (or {', '.join(others)}…)" if others else "")


@dataclass(slots=True)
class Header:
    """The heading row found in a grid: where it is, its texts, and which column holds each field."""

    index: int  # 0-based index in the grid; the sheet's row number is index + 1
    texts: list[str]
    columns: dict[str, int] = field(default_factory=dict)
    duplicates: list[tuple[int, str]] = field(default_factory=list)  # (column, field) ignored as repeats
    extra: int = 0  # kind-specific recognised columns (College Learn module columns)

    @property
    def found(self) -> list[str]:
        """The non-empty heading texts, in order."""
        return [t for t in self.texts if t]

    def name(self, field_name: str) -> str:
        """The heading as written in the file for a field (or its canonical name when absent)."""
        col = self.columns.get(field_name)
        return self.texts[col] if col is not None else label(field_name)

    def has(self, *field_names: str) -> bool:
        """True when every named field has a column."""
        return all(f in self.columns for f in field_names)


def read_header(row: list, index: int) -> Header:
    """Map the cells of one row to fields (the first column wins when two name the same field)."""
    texts = [cell_text(v) for v in row]
    header = Header(index, texts)
    for col, text in enumerate(texts):
        if not text:
            continue
        name = field_of(text)
        if name is None:
            continue
        if name in header.columns:
            header.duplicates.append((col, name))
        else:
            header.columns[name] = col
    return header


def kind_score(header: Header, kind: str) -> int:
    """How many of a kind's fields (plus extra recognised columns) a heading row has."""
    return sum(1 for f in header.columns if f in KIND_FIELDS[kind]) + header.extra


def find_header(grid: list[list], kind: str, extra: Callable[[Header], int] | None = None) -> Header | None:
    """The heading row among the first rows of a grid that best fits a kind (at least two fields), or None."""
    best: Header | None = None
    best_score = 1
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        if not any(cell_text(v) for v in row):
            continue
        header = read_header(row, index)
        if extra is not None:
            header.extra = extra(header)
        score = kind_score(header, kind)
        if score > best_score:
            best, best_score = header, score
    return best


def first_texts(grid: list[list]) -> list[str]:
    """The non-empty texts of the first non-empty row (what the user's headings probably are)."""
    for row in grid[:HEADER_SCAN_ROWS]:
        texts = [t for t in (cell_text(v) for v in row) if t]
        if texts:
            return texts
    return []


def found_list(texts: list[str], limit: int = 20) -> str:
    """Headings for a message: 'A, B, C' (shortened when there are many)."""
    shown = [t if len(t) <= 40 else t[:39] + "…" for t in texts[:limit]]
    more = f" and {len(texts) - limit} more" if len(texts) > limit else ""
    return (", ".join(shown) + more) if shown else "none"


def guess_kind(grid: list[list]) -> str | None:
    """The kind a grid's headings look like by their distinctive columns, when it is clear."""
    scores: dict[str, int] = {}
    for row in grid[:HEADER_SCAN_ROWS]:
        header = read_header(row, 0)
        for kind, names in DISTINCTIVE.items():
            scores[kind] = max(scores.get(kind, 0), sum(1 for f in header.columns if f in names))
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


def refuse_wrong_kind(kind: str, other: str) -> FileRefused:
    """The refusal for a file that looks like another kind of upload."""
    this, that = KIND_LABELS[kind], KIND_LABELS[other]
    return FileRefused(
        f"This looks like {that}, not {this}: "
        f"check you chose the right file, or upload it as {that}"
    )


def refuse_missing(missing: list[str], header: Header, extra_advice: str = "") -> FileRefused:
    """The refusal naming each missing required column and listing the headings that were found."""
    details = [f"Add a column headed {alias_hint(m)}." for m in missing]
    found = f"Headers found: {found_list(header.found)}"
    names = " and ".join(label(m) for m in missing)
    plural = "columns" if len(missing) > 1 else "column"
    message = f"The file has no {names} {plural}. {' '.join(details)}{extra_advice} {found}"
    return FileRefused(" ".join(message.split()), [*details, found])
