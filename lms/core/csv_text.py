"""Downloads as CSV, safe against spreadsheet formula injection: what every feature's CSV shares."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise text a spreadsheet would run as a formula by prefixing an apostrophe.

    Leading spaces are looked through: some spreadsheets trim them before deciding a cell is a formula.
    """
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The header and each row as one CSV line, every text cell made safe; None is an empty cell. A generator,
    so a long log streams to the browser without being held in memory."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def line(cells: Iterable) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in cells])
        return out.getvalue()

    yield "\ufeff" + line(header)  # the BOM: Excel reads the file as UTF-8 (names with accents survive)
    for row in rows:
        yield line(row)
