"""Recognising column headings by alias, finding the heading row under any title rows, and the refusals.

Headings are compared after normalising (case, spaces and punctuation ignored), so ``Staff No.``,
``staff number`` and ``STAFF_NUMBER`` all name the staff number column.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .base import KIND_LABELS, ColumnsUnresolved, FileRefused
from .cells import cell_text, normalise
from .vocabulary import FIELD_HEADINGS
from .words import word_field

HEADER_SCAN_ROWS = 20

# field: (canonical heading, aliases): every heading of every system in the vocabulary.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = FIELD_HEADINGS

KIND_FIELDS: dict[str, frozenset[str]] = {
    "roster": frozenset({
        "staff_number", "forename", "surname", "full_name", "email", "rank", "role", "department", "role_category",
        "elearning_required", "hydra_required", "exempt_until", "exemption_reason", "force", "start_date",
        "leaving_date", "record_status", "deleted", "known_as", "collar_number",
    }),
    "college-learn": frozenset({
        "staff_number", "email", "forename", "surname", "full_name", "force", "course", "status", "date_completed",
        "collar_number",
    }),
    "hydra": frozenset({
        "session_date", "session_reference", "venue", "facilitator", "staff_number", "forename", "surname",
        "full_name", "email", "force", "attended", "collar_number",
    }),
}

# Headings only one kind of file has: used to say "this looks like a Hydra register, not a roster".
DISTINCTIVE: dict[str, frozenset[str]] = {
    "roster": frozenset({
        "rank", "role", "department", "role_category", "elearning_required", "hydra_required", "exempt_until",
        "exemption_reason", "leaving_date", "record_status",
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


# Where CONTRACT.md's "Files" names a field differently for one kind (College Learn's learner columns).
KIND_LABELS_OF_FIELDS: dict[str, dict[str, str]] = {
    "college-learn": {"forename": "First name", "surname": "Last name", "force": "Organisation"},
}


def kind_label(kind: str, name: str) -> str:
    """The canonical column name of a field in files of one kind: ``"Organisation"`` for a College Learn force."""
    return KIND_LABELS_OF_FIELDS.get(kind, {}).get(name) or label(name)


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
    ambiguous: dict[str, list[int]] = field(default_factory=dict)  # field -> columns its words fit equally
    mapped: set[str] = field(default_factory=set)  # fields the lead's column mapping placed

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


def read_header(row: list, index: int, mapping: Mapping[str, str] | None = None) -> Header:
    """Map the cells of one row to fields (the first column wins when two name the same field).

    Aliases first; then, for fields no alias found, headings by their words (two headings giving the same
    field are ambiguous: recorded, neither used). ``mapping`` (field -> the heading as written) wins over
    both. A collar number is the staff number only when no other column is.
    """
    texts = [cell_text(v) for v in row]
    header = Header(index, texts)
    columns = header.columns
    by_words: dict[str, list[int]] = {}
    for col, text in enumerate(texts):
        if not text:
            continue
        name = field_of(text)
        if name is None:
            if (name := word_field(text)) is not None:
                by_words.setdefault(name, []).append(col)
            continue
        if name in columns:
            if name == "status" and _completion_status(text) and not _completion_status(texts[columns[name]]):
                # Moodle's report builder may carry an enrolment "Status" (Active) beside "Completed"
                header.duplicates.append((columns[name], name))
                columns[name] = col
            else:
                header.duplicates.append((col, name))
        else:
            columns[name] = col
    for name, cols in by_words.items():
        if name in columns:
            continue
        if len(cols) == 1:
            columns[name] = cols[0]
        else:
            header.ambiguous[name] = cols
    if mapping:
        _apply_mapping(header, mapping)
    if "staff_number" not in columns and "collar_number" in columns:
        columns["staff_number"] = columns.pop("collar_number")
    return header


def _completion_status(heading: str) -> bool:
    return "complet" in normalise(heading)


def _apply_mapping(header: Header, mapping: Mapping[str, str]) -> None:
    """Give each mapped field the column headed as the mapping says, taking it from any field that had it."""
    columns = header.columns
    for name, heading in mapping.items():
        col = heading_column(header.texts, heading)
        if col is None:
            continue
        for other in [f for f, c in columns.items() if c == col]:
            del columns[other]
        columns[name] = col
        header.mapped.add(name)
        header.ambiguous.pop(name, None)
        header.duplicates = [(c, f) for c, f in header.duplicates if c != col and f != name]


def heading_column(texts: list[str], heading: str) -> int | None:
    """The column whose heading is ``heading`` as written (else the same after normalising), or None."""
    wanted = heading.strip()
    for col, text in enumerate(texts):
        if text == wanted:
            return col
    key = normalise(wanted)
    for col, text in enumerate(texts):
        if key and normalise(text) == key:
            return col
    return None


def kind_score(header: Header, kind: str) -> int:
    """How many of a kind's fields (plus extra recognised columns) a heading row has."""
    return sum(1 for f in header.columns if f in KIND_FIELDS[kind]) + header.extra


def find_header(
    grid: list[list],
    kind: str,
    extra: Callable[[Header], int] | None = None,
    mapping: Mapping[str, str] | None = None,
) -> Header | None:
    """The heading row among the first rows of a grid that best fits a kind (at least two fields), or None."""
    best: Header | None = None
    best_score = 1
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        if not any(cell_text(v) for v in row):
            continue
        header = read_header(row, index, mapping)
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


def looks_like_hydra(header: Header) -> bool:
    """A session date with an attendance (or a Seminar sign-up's status and no completion date): a Hydra register,
    whatever else the file has (a course column, say)."""
    if not header.has("session_date") or normalise(header.name("session_date")) == "date":
        return False  # a bare "Date" column may be anything's
    if header.has("attended"):
        return True
    return header.has("status") and not header.has("date_completed")


def guess_kind(grid: list[list]) -> str | None:
    """The kind a grid's headings look like by their distinctive columns (weighing them all), when it is clear."""
    scores: dict[str, int] = {}
    for row in grid[:HEADER_SCAN_ROWS]:
        header = read_header(row, 0)
        for kind, names in DISTINCTIVE.items():
            score = sum(1 for f in header.columns if f in names)
            if kind == "hydra" and looks_like_hydra(header):
                score += len(header.columns)
            scores[kind] = max(scores.get(kind, 0), score)
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


def refuse_missing(missing: list[str], header: Header, extra_advice: str = "", kind: str = "") -> ColumnsUnresolved:
    """The refusal naming each missing required column and listing the headings that were found.

    It is a :class:`ColumnsUnresolved`, so the lead may map headings to the missing fields instead.
    """
    details = [f"Add a column headed {alias_hint(m)}." for m in missing]
    found = f"Headers found: {found_list(header.found)}"
    names = " and ".join(label(m) for m in missing)
    plural = "columns" if len(missing) > 1 else "column"
    message = f"The file has no {names} {plural}. {' '.join(details)}{extra_advice} {found}"
    return ColumnsUnresolved(
        " ".join(message.split()), [*details, found], kind=kind, missing=[kind_label(kind, m) for m in missing],
        headers=header.found, header_row=header.index + 1,
        ambiguous={kind_label(kind, f): [header.texts[c] for c in cols] for f, cols in header.ambiguous.items()},
    )


def refuse_ambiguous(header: Header, kind: str) -> ColumnsUnresolved | None:
    """The refusal for headings whose words fit one field equally (never guessed between), or None."""
    fields = [f for f in header.ambiguous if f in KIND_FIELDS[kind] and f not in header.columns]
    if not fields:
        return None
    ambiguous = {kind_label(kind, f): [header.texts[c] for c in header.ambiguous[f]] for f in fields}
    details = [
        f"More than one column could be the {name} column: {', '.join(repr(h) for h in headings)}. Rename the "
        f"others, or choose which one it is."
        for name, headings in ambiguous.items()
    ]
    found = f"Headers found: {found_list(header.found)}"
    return ColumnsUnresolved(
        " ".join([*details, found]), [*details, found], kind=kind, ambiguous=ambiguous, headers=header.found,
        header_row=header.index + 1,
    )
