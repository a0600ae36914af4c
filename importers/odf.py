"""Checking an OpenDocument spreadsheet (.ods) before parsing it: its kind, password, macros and extent.

An .ods stores repeated cells and rows run-length encoded (``table:number-rows-repeated``), so a tiny
file can describe billions of filled cells; Calc itself writes a block of empty repeated rows down to
row 1,048,576, which is harmless. The content is streamed through expat once, counting only cells that
hold something, so neither case is expanded here.
"""

from __future__ import annotations

import zipfile
from xml.parsers import expat

SPREADSHEET = "application/vnd.oasis.opendocument.spreadsheet"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_ROW, _CELL, _COVERED = f"{_TABLE} table-row", f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"
_TABLE_EL = f"{_TABLE} table"
_ROWS_REPEATED, _COLS_REPEATED = f"{_TABLE} number-rows-repeated", f"{_TABLE} number-columns-repeated"
_VALUE_TYPE = f"{_OFFICE} value-type"
_MAX_REPEAT = 1 << 24


class BadOpenDocument(ValueError):
    """content.xml is not well-formed OpenDocument."""


def _count(attrs: dict, name: str) -> int:
    try:
        return max(1, min(int(attrs.get(name, "1")), _MAX_REPEAT))
    except ValueError as exc:
        raise BadOpenDocument(f"bad {name}") from exc


class _Extent:
    """Per table, the last row and column holding a value, with repeats counted but never expanded."""

    def __init__(self) -> None:
        self.extents: list[tuple[int, int]] = []
        self.row = self.col = 0
        self.rows_repeat = 1
        self.last_row = self.last_col = 0
        self.cell: tuple[int, bool] | None = None  # (columns repeated, holds something)
        self.row_filled = 0  # the widest filled column of the row being read

    def start(self, name: str, attrs: dict) -> None:
        if name == _TABLE_EL:
            self.row = self.last_row = self.last_col = 0
        elif name == _ROW:
            self.col, self.row_filled = 0, 0
            self.rows_repeat = _count(attrs, _ROWS_REPEATED)
        elif name in (_CELL, _COVERED):
            self.cell = (_count(attrs, _COLS_REPEATED), _VALUE_TYPE in attrs)
        elif self.cell is not None and not self.cell[1]:
            self.cell = (self.cell[0], True)  # a text:p inside a cell with no value type still shows text

    def end(self, name: str) -> None:
        if name in (_CELL, _COVERED) and self.cell is not None:
            repeat, filled = self.cell
            self.col += repeat
            if filled:
                self.row_filled = self.col
            self.cell = None
        elif name == _ROW:
            if self.row_filled:
                self.last_row = self.row + self.rows_repeat
                self.last_col = max(self.last_col, self.row_filled)
            self.row += self.rows_repeat
        elif name == _TABLE_EL:
            self.extents.append((self.last_row, self.last_col))


def ods_extents(archive: zipfile.ZipFile) -> list[tuple[int, int]]:
    """(rows, columns) up to the last cell holding something, for each table of the spreadsheet."""
    extent = _Extent()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = extent.start
    parser.EndElementHandler = extent.end
    try:
        with archive.open("content.xml") as member:
            while chunk := member.read(1 << 20):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise BadOpenDocument(str(exc)) from exc
    return extent.extents


def odf_mimetype(archive: zipfile.ZipFile) -> str:
    """The document's declared media type ('' when absent)."""
    try:
        return archive.read("mimetype")[:200].decode("ascii", errors="replace").strip()
    except KeyError:
        return ""


def odf_encrypted(archive: zipfile.ZipFile) -> bool:
    """True when the manifest says members are encrypted (a password was set in Calc)."""
    try:
        manifest = archive.read("META-INF/manifest.xml")
    except KeyError:
        return False
    return b"encryption-data" in manifest


def odf_macros(names: set[str]) -> bool:
    """True when the document carries Basic or script macros."""
    return any(n.startswith(("basic/", "scripts/")) for n in names)
