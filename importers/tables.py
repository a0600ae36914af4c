"""Turning an upload into grids of cells: one per sheet of a workbook (.xlsx, .xls, .ods), or one for a CSV file."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from .base import FileRefused
from .limits import check_sheet_count

Grid = list[list]

CSV_DELIMITERS = (",", ";", "\t")
SNIFF_ROWS = 25


_AS = {
    "xlsx": "an Excel workbook",
    "xls": "an old Excel 97-2003 workbook (.xls)",
    "ods": "an OpenDocument spreadsheet (.ods)",
}


def _damaged(name: str, fmt: str = "xlsx") -> FileRefused:
    return FileRefused(
        f"{name} could not be read as {_AS.get(fmt, _AS['xlsx'])} (it may be damaged): "
        "open it in Excel and save it again as .xlsx (Excel Workbook), or as .csv"
    )


def _fatal(exc: BaseException) -> bool:
    # calamine's Rust panics surface as pyo3 PanicException, a BaseException: treat them as a damaged
    # file, but let interpreter-level exits through.
    return isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError)


def xlsx_grids(data: bytes, name: str, fmt: str = "xlsx") -> Iterator[tuple[str, Grid]]:
    """Yield (sheet name, rows) for each worksheet, visible ones first, merged cells filled from their top-left.

    Any workbook python-calamine reads (``fmt``: xlsx, xls or ods, only for messages). Rows start at the
    sheet's row 1 (index 0) so that index + 1 is the row number users see.
    """
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = list(workbook.sheets_metadata)
    except BaseException as exc:
        if _fatal(exc):
            raise
        raise _damaged(name, fmt) from exc
    check_sheet_count(len(metadata), name)
    worksheets = [i for i, m in enumerate(metadata) if m.typ == SheetTypeEnum.WorkSheet]
    order = [i for i in worksheets if metadata[i].visible == SheetVisibleEnum.Visible]
    order += [i for i in worksheets if i not in order]
    for index in order:
        try:
            sheet = workbook.get_sheet_by_index(index)
            rows = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except BaseException as exc:
            if _fatal(exc):
                raise
            raise _damaged(name, fmt) from exc
        if merged:
            fill_merged(rows, merged)
        yield metadata[index].name, rows


def fill_merged(rows: Grid, merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Give every cell of a merged range the value of its top-left cell (Excel shows it across the range)."""
    height = len(rows)
    for (top, left), (bottom, right) in merged:
        if top >= height or not rows[top] or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, height - 1) + 1):
            row = rows[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                if row[c] == "" or row[c] is None:
                    row[c] = value


def csv_grid(text: str, delimiter: str, limit: int | None = None) -> Grid:
    """Parse CSV text with one delimiter; raise :class:`FileRefused` when it is not readable as CSV."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        if limit is None:
            return list(reader)
        return list(itertools.islice(reader, limit))
    except csv.Error as exc:
        raise FileRefused(
            f"The file could not be read as CSV ({exc}): open it in Excel and save it as .csv (CSV UTF-8) or .xlsx"
        ) from exc
