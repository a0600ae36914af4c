"""The lead's column and value mappings: which fields a file may carry, checking a mapping, and sample values.

A mapping names, for a canonical column name (CONTRACT.md "Files"), the file's heading that holds it; a
value mapping says what a status or attendance the service does not know means. Both are plain values:
the imports feature remembers them per force and :func:`header_signature`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .base import KIND_LABELS, ColumnsUnresolved, FileRefused
from .cells import cell_text, normalise
from .headers import FIELDS, HEADER_SCAN_ROWS, KIND_FIELDS, Header, found_list, kind_label

SAMPLES = 3

# The values a value mapping may give, and what each means for the row.
VALUE_MEANINGS: dict[str, dict[str, bool]] = {
    "college-learn": {"complete": True, "not complete": False},
    "hydra": {"attended": True, "not attended": False},
    "roster": {},
}


@dataclass(frozen=True, slots=True)
class MappableField:
    """A field a file of some kind may carry: its canonical column name, whether a file lacking it is refused,
    and one line saying what goes there."""

    name: str
    required: bool
    hint: str


_WHO = "Who the row is about: at least one of Staff number, Email or the name columns is needed"
_NAME = "Needed unless the file has a single Name column"
_FULL = "A single full-name column, instead of the forename and surname columns (its last word is the surname)"
_RELEVANCE = "Needed unless the file has both E-learning required and Hydra required (Y or N)"

# kind -> (field, required, hint), required first.
_FIELDS: dict[str, tuple[tuple[str, bool, str], ...]] = {
    "roster": (
        ("staff_number", True, "The person's staff number, personnel or payroll number: everyone needs one"),
        ("forename", False, _NAME),
        ("surname", False, _NAME),
        ("full_name", False, _FULL),
        ("role_category", False, f"frontline, investigator, manager or other. {_RELEVANCE}"),
        ("elearning_required", False, "Y or N: must do the OIC e-learning. Needed with Hydra required, unless "
                                      "the file has a Role category"),
        ("hydra_required", False, "Y or N: must do Hydra training. Needed with E-learning required, unless the "
                                  "file has a Role category"),
        ("email", False, "The person's work email address"),
        ("rank", False, "Rank or grade"),
        ("role", False, "Job title or role"),
        ("department", False, "Department, unit, team or command"),
        ("exempt_until", False, "The date an exemption ends"),
        ("exemption_reason", False, "Why the person is exempt"),
        ("start_date", False, "The day the person started (due dates allow a grace period after it)"),
        ("leaving_date", False, "The day the person leaves or left: on or before the upload day makes them a leaver"),
        ("record_status", False, "HR record status: Leaver, Left, Inactive or Terminated make the person a leaver"),
        ("deleted", False, "HR deleted flag: 1, Y or true makes the person a leaver"),
        ("known_as", False, "The name the person is known by (used when the forename is blank)"),
        ("collar_number", False, "Collar number: the staff number only when the file has no other staff number"),
        ("force", False, "The person's force (for a file of every force)"),
    ),
    "college-learn": (
        ("course", True, "The course title (a wide export with a column per OIC module needs no Course column)"),
        ("status", True, "Completed, In progress, Not yet started... (or Yes/No in a Completed column)"),
        ("date_completed", True, "When the course was completed, day first, like 14/05/2025"),
        ("staff_number", False, f"The learner's staff number (Moodle's ID number). {_WHO}"),
        ("email", False, f"The learner's email address. {_WHO}"),
        ("forename", False, "The learner's first name"),
        ("surname", False, "The learner's last name"),
        ("full_name", False, _FULL),
        ("force", False, "The learner's force or organisation"),
    ),
    "hydra": (
        ("session_date", True, "The date of the session, day first, like 14/05/2025"),
        ("attended", True, "Attended, Present, Late, Yes... or Did not attend, No show, Absent, Cancelled..."),
        ("staff_number", False, f"The delegate's staff number. {_WHO}"),
        ("email", False, f"The delegate's email address. {_WHO}"),
        ("forename", False, "The delegate's forename"),
        ("surname", False, "The delegate's surname"),
        ("full_name", False, _FULL),
        ("session_reference", False, "A reference for the session, when a file holds several"),
        ("venue", False, "Where the session was held"),
        ("facilitator", False, "Who delivered the session"),
        ("force", False, "The delegate's force (delegates from other forces are credited to their own)"),
    ),
}


def mappable_fields(kind: str, *, require_force: bool = False) -> list[MappableField]:
    """Every field a file of ``kind`` may carry, required first (``require_force``: a file of every force)."""
    if kind not in _FIELDS:
        raise ValueError(f"unknown kind {kind!r}")
    out = [MappableField(kind_label(kind, name), required or (require_force and name == "force"), hint)
           for name, required, hint in _FIELDS[kind]]
    return sorted(out, key=lambda f: not f.required)


def header_signature(headers: Sequence[str]) -> str:
    """A stable key for a set of headings: the sha256 of the sorted normalised headings (blanks dropped)."""
    keys = sorted({normalise(cell_text(h)) for h in headers} - {""})
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()


def field_for_name(kind: str, name: str) -> str | None:
    """The field a canonical column name means in files of ``kind`` (``"Organisation"`` -> force), or None."""
    key = normalise(name)
    for field in _FIELDS[kind]:
        if key in (normalise(kind_label(kind, field[0])), normalise(FIELDS[field[0]][0])):
            return field[0]
    return None


def resolve_column_map(kind: str, column_map: Mapping[str, str] | None) -> dict[str, str]:
    """Check a column mapping's names and return field -> heading; refuse an unknown canonical name."""
    resolved: dict[str, str] = {}
    for name, heading in (column_map or {}).items():
        field = field_for_name(kind, str(name))
        if field is None or field not in KIND_FIELDS[kind]:
            names = ", ".join(f.name for f in mappable_fields(kind))
            raise FileRefused(
                f"'{name}' is not a column of {KIND_LABELS[kind]}, so a heading cannot be mapped to it: "
                f"choose one of {names}",
            )
        if not str(heading or "").strip():
            continue
        resolved[field] = str(heading).strip()
    chosen: dict[str, str] = {}
    for field, heading in resolved.items():
        if (other := chosen.setdefault(normalise(heading), field)) != field:
            raise FileRefused(
                f"The heading '{heading}' is chosen for both the {kind_label(kind, other)} and the "
                f"{kind_label(kind, field)} column: choose one heading for each",
            )
    return resolved


def check_mapped_headings(kind: str, mapping: Mapping[str, str], header: Header) -> None:
    """Refuse a mapping that names a heading the file does not have."""
    absent = [(field, heading) for field, heading in mapping.items() if field not in header.mapped]
    if not absent:
        return
    field, heading = absent[0]
    found = f"Headers found: {found_list(header.found)}"
    raise FileRefused(
        f"The file has no column headed '{heading}' (chosen for the {kind_label(kind, field)} column): "
        f"choose one of its headings. {found}",
        [found],
    )


def resolve_value_map(kind: str, value_map: Mapping[str, str] | None) -> dict[str, bool]:
    """Check a value mapping and return normalised value -> complete/attended; refuse a meaning not allowed."""
    meanings = VALUE_MEANINGS[kind]
    resolved: dict[str, bool] = {}
    for value, meaning in (value_map or {}).items():
        key = " ".join(str(meaning).casefold().split())
        if key not in meanings:
            allowed = " or ".join(f"'{m}'" for m in meanings) or "nothing (a roster has no such values)"
            raise FileRefused(f"'{value}' can only be mapped to {allowed}, not '{meaning}'")
        if normalise(str(value)):
            resolved[normalise(str(value))] = meanings[key]
    return resolved


def sample_values(grid: list[list], header_index: int, limit: int = SAMPLES, scan: int = 500) -> dict[str, list[str]]:
    """Up to ``limit`` non-empty values of each heading, as text, from the rows under the heading row."""
    texts = [cell_text(v) for v in grid[header_index]] if header_index < len(grid) else []
    samples: dict[str, list[str]] = {t: [] for t in texts if t}
    for row in grid[header_index + 1 : header_index + 1 + scan]:
        for col, heading in enumerate(texts):
            if heading and col < len(row) and len(samples[heading]) < limit:
                value = cell_text(row[col])
                if value and value not in samples[heading]:
                    samples[heading].append(value[:200])
    return samples


def complete_unresolved(exc: ColumnsUnresolved, kind: str, grid: list[list], header: Header | None) -> None:
    """Fill in what a mapping page needs (kind, headings, samples, heading row) on a refusal."""
    exc.kind = kind
    if header is not None:
        exc.headers = exc.headers or header.found
        exc.header_row = exc.header_row or header.index + 1
        exc.samples = sample_values(grid, header.index)


def unrecognised_headings(kind: str, grid: list[list], message: str, details: list[str]) -> ColumnsUnresolved:
    """A refusal for a file none of whose headings were recognised.

    Its headings are taken to be the first of the widest rows among the first rows (title rows above
    the headings have one or two cells filled).
    """
    widths = [sum(1 for v in row if cell_text(v)) for row in grid[:HEADER_SCAN_ROWS]]
    index = widths.index(max(widths)) if widths and max(widths) else 0
    required = [f.name for f in mappable_fields(kind) if f.required]
    headers = [t for t in (cell_text(v) for v in grid[index]) if t] if grid else []
    return ColumnsUnresolved(
        message, details, kind=kind, missing=required, headers=headers, header_row=index + 1,
        samples=sample_values(grid, index),
    )
