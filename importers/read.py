"""Reading an uploaded file of any kind: sniff it, find the sheet and heading row, then read its rows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from .base import KIND_LABELS, KINDS, FileRefused, ReadResult
from .college_learn import header_extra, read_college_learn_grid
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
    refuse_wrong_kind,
)
from .hydra import read_hydra_grid
from .modules import ModuleResolver
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
) -> ReadResult:
    """Read an uploaded roster, College Learn export or Hydra register (``.xlsx`` or ``.csv``).

    ``kind`` is ``"roster"``, ``"college-learn"`` or ``"hydra"`` (anything else is a ValueError: a
    programming error, not a bad file). Returns the valid rows with the row errors and warnings of
    the others; raises :class:`FileRefused` when the file cannot be read at all. Dates after
    ``today`` or before 2020 are row errors. ``module_aliases`` maps M1..M4 to College Learn course
    titles (default ``DEFAULT_MODULE_ALIASES``). ``progress(rows_done, rows_total)`` is called every
    2,000 rows or so.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    sniffed = sniff(data, filename)
    resolver = ModuleResolver(module_aliases) if kind == "college-learn" else None
    extra = header_extra(resolver) if resolver is not None else None
    try:
        if sniffed.format == "xlsx":
            grid, header = _locate_xlsx(kind, data, filename, extra)
        else:
            grid, header = _locate_csv(kind, sniffed.text or "", extra)
        _check_kind(kind, header)
        if kind == "roster":
            return read_roster_grid(grid, header, today=today, progress=progress)
        if kind == "college-learn":
            return read_college_learn_grid(grid, header, today=today, resolver=resolver, progress=progress)
        return read_hydra_grid(grid, header, today=today, progress=progress)
    except FileRefused as exc:
        if sniffed.renamed and sniffed.format == "csv":
            exc.message = f"This file is named .xlsx but is plain text, so it was read as CSV. {exc.message}"
            exc.args = (exc.message,)
        raise


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


def _locate_xlsx(kind, data, filename, extra) -> tuple[list[list], Header]:
    """The first sheet (visible ones first) with a heading row for this kind."""
    seen: list[list[list]] = []
    for _name, grid in xlsx_grids(data, filename):
        header = find_header(grid, kind, extra)
        if header is not None:
            return grid, header
        if any(any(row) for row in grid[:HEADER_SCAN_ROWS]):
            seen.append(grid[:HEADER_SCAN_ROWS])
    raise _no_header(kind, seen)


def _locate_csv(kind, text, extra) -> tuple[list[list], Header]:
    """Pick the delimiter whose first rows give the best heading row, then read the whole file with it."""
    best: tuple[int, int, str] | None = None
    samples = []
    for delimiter in CSV_DELIMITERS:
        sample = csv_grid(text, delimiter, SNIFF_ROWS)
        samples.append(sample)
        header = find_header(sample, kind, extra)
        if header is None:
            continue
        score = (len(header.columns) + header.extra, len(header.found))
        if best is None or score > best[:2]:
            best = (*score, delimiter)
    if best is None:
        sample = max(samples, key=lambda s: max((len(r) for r in s), default=0))
        raise _no_header(kind, [sample] + samples)
    grid = csv_grid(text, best[2])
    header = find_header(grid, kind, extra)
    assert header is not None  # the same first rows as the sample
    return grid, header


def _no_header(kind: str, grids: list[list[list]]) -> FileRefused:
    if not grids or not any(first_texts(g) for g in grids):
        return FileRefused("The file is empty: there is nothing in its first sheet. Choose the file again")
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
    return FileRefused(message, details)


def _check_kind(kind: str, header: Header) -> None:
    """Refuse a file whose headings are clearly another kind's (a Hydra register uploaded as a roster...)."""
    own = sum(1 for f in header.columns if f in DISTINCTIVE[kind]) + header.extra
    if own:
        return
    scores = {k: sum(1 for f in header.columns if f in names) for k, names in DISTINCTIVE.items() if k != kind}
    other, score = max(scores.items(), key=lambda kv: kv[1])
    if score >= 2:
        raise refuse_wrong_kind(kind, other)
