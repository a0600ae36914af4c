"""The one row loop every reader shares: the data rows under a heading row, read by a per-kind function.

A reader says which columns it wants and gives a function that reads one row's cells into typed
rows (recording its own row errors and warnings); the loop does the rest, the same way for every kind
of file: blank rows are passed over, data rows counted, row numbers are the sheet's, skipped rows are
counted, progress is reported, and a file with headings but no data rows is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter

from .base import FileRefused, ReadResult
from .cells import is_blank
from .headers import Header

PROGRESS_EVERY = 2000

Progress = Callable[[int, int], None]


class Skipped:
    """What a row function returns for a row the file may hold but the service does not read (another course)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SKIPPED"


SKIPPED = Skipped()

# Reads one data row: (its spreadsheet row number, the cells of the wanted columns) -> the typed rows
# it gives (none when it has errors), or SKIPPED.
RowFunction = Callable[[int, tuple], Iterable | Skipped | None]


def field_columns(header: Header, names: Sequence[str]) -> list[int | None]:
    """The column of each named field (None for a field the file does not have), for :func:`read_rows`."""
    return [header.columns.get(n) for n in names]


def read_rows(
    grid: list[list],
    header: Header,
    columns: Sequence[int | None],
    read_row: RowFunction,
    result: ReadResult,
    *,
    empty: str,
    progress: Progress | None = None,
) -> int:
    """Read every data row under ``header`` with ``read_row``, into ``result``; return the rows skipped.

    ``read_row(rownum, values)`` gets the spreadsheet's row number and the cells of ``columns`` in
    order (``''`` for a column that is None or beyond the row's end) for each row that is not blank in
    those columns; the typed rows it returns are added to ``result.rows`` and ``result.data_rows``
    counts the rows it was given. ``progress(rows_done, rows_total)`` is called every
    ``PROGRESS_EVERY`` rows and once at the end. Raises :class:`FileRefused` with ``empty`` when there
    is no data row.
    """
    start = header.index + 1
    width = max((len(r) for r in grid[header.index :]), default=0)  # column `width` is padding: always ''
    indexes = [width if c is None else c for c in columns]
    get = itemgetter(*indexes) if len(indexes) > 1 else (lambda r, c=indexes[0]: (r[c],))
    rows = result.rows
    total = len(grid) - start
    data_rows = skipped = 0
    for i in range(start, len(grid)):
        r = grid[i]
        if len(r) <= width:
            r.extend([""] * (width + 1 - len(r)))
        values = get(r)
        if progress is not None and (i - start) % PROGRESS_EVERY == 0 and i > start:
            progress(i - start, total)
        if is_blank(values):
            continue
        data_rows += 1
        found = read_row(i + 1, values)
        if found is SKIPPED:
            skipped += 1
        elif found:
            rows.extend(found)
    if progress is not None:
        progress(total, total)
    result.data_rows = data_rows
    if data_rows == 0:
        raise FileRefused(empty)
    return skipped
