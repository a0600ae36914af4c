"""Reading an uploaded file of any kind: sniff it, find the sheet and heading row, then read its rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

from .base import KIND_LABELS, KINDS, ColumnsUnresolved, FileRefused, ReadResult, RowError
from .college_learn import header_extra, module_columns, read_college_learn_grid
from .guard import sniff
from .headers import (
    DISTINCTIVE,
    HEADER_SCAN_ROWS,
    Header,
    alias_hint,
    find_header,
    first_texts,
    found_list,
    guess_kind,
    label,
    looks_like_hydra,
    refuse_ambiguous,
    refuse_missing,
    refuse_wrong_kind,
)
from .hydra import read_hydra_grid
from .mapping import (
    check_mapped_headings,
    complete_unresolved,
    resolve_column_map,
    resolve_value_map,
    unrecognised_headings,
)
from .modules import ModuleResolver
from .register import register_extra
from .roster import read_roster_grid
from .tables import CSV_DELIMITERS, SNIFF_ROWS, csv_grid, xlsx_grids

Progress = Callable[[int, int], None]

# What the heading row must show, for the "could not find the headings" message.
_EXPECTED = {
    "roster": ["staff_number", "forename", "surname", "role_category"],
    "college-learn": ["staff_number", "email", "course", "status", "date_completed"],
    "hydra": ["session_date", "staff_number", "forename", "surname", "attended"],
}


def read_file(
    kind: str,
    data: bytes,
    filename: str,
    *,
    today: date,
    module_aliases: Mapping[str, Sequence[str]] | None = None,
    progress: Progress | None = None,
    column_map: Mapping[str, str] | None = None,
    value_map: Mapping[str, str] | None = None,
    require_force: bool = False,
) -> ReadResult:
    """Read an uploaded roster, College Learn export or Hydra register (``.xlsx``, ``.ods``, ``.xls`` or ``.csv``).

    ``kind`` is ``"roster"``, ``"college-learn"`` or ``"hydra"`` (anything else is a ValueError: a
    programming error, not a bad file). Returns the valid rows with the row errors and warnings of
    the others; raises :class:`FileRefused` when the file cannot be read at all, and its subclass
    :class:`ColumnsUnresolved` when a required column is missing or a heading ambiguous (so the lead may
    map the headings). Dates after ``today`` or before 2020 are row errors. ``module_aliases`` maps
    M1..M4 to College Learn course titles (default ``DEFAULT_MODULE_ALIASES``). ``progress(rows_done,
    rows_total)`` is called every 2,000 rows or so.

    ``column_map`` (canonical column name -> the file's heading) wins over every alias; ``value_map``
    (a status or attendance as written -> ``"complete"``/``"not complete"`` or ``"attended"``/``"not
    attended"``) says what values the service does not know mean; others are counted in
    ``ReadResult.unknown_values``. ``require_force`` refuses a file with no force column (a file of
    every force).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    if isinstance(today, datetime):  # a datetime would not compare with the dates read
        today = today.date()
    mapping = resolve_column_map(kind, column_map)
    values = resolve_value_map(kind, value_map)
    sniffed = sniff(data, filename)
    resolver = ModuleResolver(module_aliases)
    grid: list[list] = []
    header: Header | None = None
    try:
        if sniffed.format == "csv":
            grid, header = _locate_csv(kind, sniffed.text or "", resolver, mapping)
        else:
            grid, header = _locate_workbook(kind, data, filename, sniffed.format, resolver, mapping)
        check_mapped_headings(kind, mapping, header)
        if (ambiguous := refuse_ambiguous(header, kind)) is not None:
            raise ambiguous
        if require_force and not header.has("force"):
            raise refuse_missing(["force"], header, " A file of every force needs each row's force.", kind=kind)
        result = _read_grid(kind, grid, header, today, resolver, values, progress)
    except FileRefused as exc:
        if isinstance(exc, ColumnsUnresolved):
            complete_unresolved(exc, kind, grid, header)
        if sniffed.renamed and sniffed.format == "csv":
            exc.message = f"This file is named .xlsx but is plain text, so it was read as CSV. {exc.message}"
            exc.args = (exc.message,)
        raise
    result.warnings[:0] = _repeated_headings(header)
    return result


def _read_grid(kind, grid, header, today, resolver, values, progress) -> ReadResult:
    if kind == "roster":
        return read_roster_grid(grid, header, today=today, progress=progress)
    if kind == "college-learn":
        return read_college_learn_grid(grid, header, today=today, resolver=resolver, progress=progress, values=values)
    return read_hydra_grid(grid, header, today=today, progress=progress, values=values)


def read_roster(data: bytes, filename: str, *, today: date, progress: Progress | None = None) -> ReadResult:
    """Read a force's roster (see :func:`read_file`)."""
    return read_file("roster", data, filename, today=today, progress=progress)


def read_college_learn(
    data: bytes,
    filename: str,
    *,
    today: date,
    module_aliases: Mapping[str, Sequence[str]] | None = None,
    progress: Progress | None = None,
) -> ReadResult:
    """Read a College Learn completion export, long or wide (see :func:`read_file`)."""
    return read_file("college-learn", data, filename, today=today, module_aliases=module_aliases, progress=progress)


def read_hydra(data: bytes, filename: str, *, today: date, progress: Progress | None = None) -> ReadResult:
    """Read a Hydra session register (see :func:`read_file`)."""
    return read_file("hydra", data, filename, today=today, progress=progress)


def _extra(kind: str, resolver: ModuleResolver) -> Callable[[Header], int] | None:
    if kind == "college-learn":
        return header_extra(resolver)
    return register_extra() if kind == "hydra" else None


def _locate_workbook(
    kind: str, data: bytes, filename: str, fmt: str, resolver: ModuleResolver, mapping: Mapping[str, str],
) -> tuple[list[list], Header]:
    """The first sheet (visible ones first) with a heading row for this kind."""
    seen: list[list[list]] = []
    wrong_kind: FileRefused | None = None
    for _name, grid in xlsx_grids(data, filename, fmt):
        header = find_header(grid, kind, _extra(kind, resolver), mapping)
        if header is not None:
            refusal = _wrong_kind(kind, header, resolver)
            if refusal is None:
                return grid, header
            wrong_kind = wrong_kind or refusal
        elif any(any(row) for row in grid[:HEADER_SCAN_ROWS]):
            seen.append(grid[:HEADER_SCAN_ROWS])
    raise wrong_kind or _no_header(kind, seen)


def _locate_csv(
    kind: str, text: str, resolver: ModuleResolver, mapping: Mapping[str, str],
) -> tuple[list[list], Header]:
    """Pick the delimiter whose first rows give the best heading row, then read the whole file with it."""
    extra = _extra(kind, resolver)
    best: tuple[int, int, str] | None = None
    samples = []
    for delimiter in CSV_DELIMITERS:
        sample = csv_grid(text, delimiter, SNIFF_ROWS)
        samples.append(sample)
        header = find_header(sample, kind, extra, mapping)
        if header is None:
            continue
        score = (len(header.columns) + header.extra, len(header.found))
        if best is None or score > best[:2]:
            best = (*score, delimiter)
    if best is None:
        sample = max(samples, key=lambda s: max((len(r) for r in s), default=0))
        raise _no_header(kind, [sample] + samples)
    grid = csv_grid(text, best[2])
    header = find_header(grid, kind, extra, mapping)  # the same first rows as the sample, so the same heading row
    if header is None:
        raise _no_header(kind, samples)
    if (refusal := _wrong_kind(kind, header, resolver)) is not None:
        raise refusal
    return grid, header


def _no_header(kind: str, grids: list[list[list]]) -> FileRefused:
    if not grids or not any(first_texts(g) for g in grids):
        return FileRefused("The file is empty: none of its cells has anything in it. Choose the file again")
    for grid in grids:
        other = guess_kind(grid)
        if other is not None and other != kind:
            return refuse_wrong_kind(kind, other)
    found = first_texts(grids[0])
    wanted = [alias_hint(f, 2) for f in _EXPECTED[kind]]
    message = (
        f"Could not find the column headings of {KIND_LABELS[kind]} in the first {HEADER_SCAN_ROWS} rows. "
        f"Put a row of headings above the data, such as {', '.join(wanted)}. Headers found: {found_list(found)}"
    )
    details = [f"Expected headings such as {', '.join(wanted)}.", f"Headers found: {found_list(found)}"]
    return unrecognised_headings(kind, grids[0], message, details)


def _wrong_kind(kind: str, header: Header, resolver: ModuleResolver) -> FileRefused | None:
    """The refusal for headings that are clearly another kind's (a Hydra register uploaded as a roster...).

    Every recognised column is weighed: a session date with an attendance (or a Seminar sign-up's status
    and no completion date) is a Hydra register even when it also names the course.
    """
    if kind != "hydra" and looks_like_hydra(header):
        return refuse_wrong_kind(kind, "hydra")
    own = sum(1 for f in header.columns if f in DISTINCTIVE[kind]) + header.extra
    if own:
        return None
    scores = {k: sum(1 for f in header.columns if f in names) for k, names in DISTINCTIVE.items() if k != kind}
    if "college-learn" in scores:  # a wide export's module columns are College Learn's too
        scores["college-learn"] += 2 * len(module_columns(header, resolver))
    other, score = max(scores.items(), key=lambda kv: kv[1])
    return refuse_wrong_kind(kind, other) if score >= 2 else None


def _repeated_headings(header: Header) -> list[RowError]:
    """Warnings for columns ignored because an earlier column already names the same thing."""
    warnings = []
    for col, name in header.duplicates:
        used = header.texts[header.columns[name]]
        warnings.append(RowError(
            header.index + 1, header.texts[col],
            f"This column is ignored: '{used}' is already the {label(name)} column. "
            "Remove one of them, or rename it if it means something else",
        ))
    return warnings
