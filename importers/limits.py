"""The work a file may ask of a reader, bounded before the reader starts.

A zip-bomb check on sizes is not enough: a 1.9 KB ``.xlsx`` with one cell at ``XFD1048576`` asks python-calamine
for a dense grid of 17 billion cells, 100 cells pointing at one 9.9 MB shared string become 100 Python strings of
9.9 MB each, 2,000 small sheets are each read in turn, and a CSV of 49 MiB of commas is one row of 51 million
cells. Each limit below is far above any real export (the largest force's roster is about 40,000 people) and
far below what would take a worker past 500 MB; each refusal names the limit and what to do.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .base import FileRefused

MAX_SHEETS = 100  # real exports have one to a handful
# Cells written in all sheets together. Read, each costs about 200 bytes of Python objects: 2 million keep a worker
# under 500 MB. The largest force's College Learn export (45,000 people x 4 modules x 8 columns) has 1.44 million.
MAX_WORKBOOK_CELLS = 2_000_000
MAX_TEXT_CHARACTERS = 64_000_000  # text the cells would hold once read, shared strings counted per use
MAX_STRING_BYTES = 200_000  # one string item: Excel's limit is 32,767 characters a cell (+ rich-text markup)
MAX_CSV_CELLS = 2_000_000
MARKUP_PER_CELL = 25  # the fewest bytes of XML around a cell's value (<c r="A1"><v>..</v></c>)
MAX_CSV_LINE = 1_000_000  # characters on one line of a CSV file
MAX_CSV_COLUMNS = 16_384  # Excel's own widest sheet (column XFD)

CHUNK = 1 << 20
MAX_WORKBOOK_XML = 4 << 20  # xl/workbook.xml lists the sheets: a few KB in any real workbook
_TAIL = 512

_STRING_END = re.compile(rb"</(?:\w+:)?si>")
_SHARED_REF = re.compile(rb't="s"[^>]*>\s*<(?:\w+:)?v>(\d+)<')


def _refuse_size(name: str, what: str) -> FileRefused:
    return FileRefused(
        f"{name} is far larger than any real export once opened ({what}), so it was not read. If it is genuine, "
        "delete unused sheets, rows and columns, or split it into smaller files, and upload it again"
    )


def check_sheet_count(count: int, name: str) -> None:
    """Refuse a workbook with more than MAX_SHEETS sheets."""
    if count > MAX_SHEETS:
        raise _refuse_size(name, f"{count:,} sheets: at most {MAX_SHEETS} are accepted")


def workbook_budget(archive, infos, name: str) -> WorkbookBudget:
    """The budget for an .xlsx: its sheets counted (from xl/workbook.xml) and its shared strings sized, before any
    worksheet is read."""
    members = {info.filename.lower(): info for info in infos}
    if "xl/workbook.xml" in members:
        with archive.open(members["xl/workbook.xml"]) as workbook:
            check_sheet_count(len(re.findall(rb"<(?:\w+:)?sheet\s", workbook.read(MAX_WORKBOOK_XML))), name)
    sizes: list[int] = []
    if "xl/sharedstrings.xml" in members:
        with archive.open(members["xl/sharedstrings.xml"]) as strings:
            sizes = shared_string_sizes(strings, name)
    return WorkbookBudget(name, sizes)


def shared_string_sizes(stream, name: str) -> list[int]:
    """The size of each item of ``xl/sharedStrings.xml``, read in chunks; refuse one item too long to be real."""
    sizes: list[int] = []
    buf = b""
    while chunk := stream.read(CHUNK):
        buf += chunk
        start = 0
        for end in _STRING_END.finditer(buf):
            sizes.append(end.start() - start)
            start = end.end()
        buf = buf[start:]
        if len(buf) > MAX_STRING_BYTES:
            raise _refuse_size(name, "a single cell's text is longer than Excel's own limit of 32,767 characters")
    for size in sizes:
        if size > MAX_STRING_BYTES:
            raise _refuse_size(name, "a single cell's text is longer than Excel's own limit of 32,767 characters")
    return sizes


@dataclass
class WorkbookBudget:
    """What the worksheets of one .xlsx would cost to read, added up as their XML streams past (see ``watch``).

    Counting is by ``bytes.count``, not regular expressions, where it can be: the budget must cost little beside
    the reading it guards (a 100,000-row export is 50 MB of sheet XML). Cells are counted as ``<c`` tags (a few
    ``<col`` tags count too, harmlessly). Shared-string text is bounded by uses x the longest string; only when
    that bound could pass the limit are the uses of each string counted exactly (a slower pass).
    """

    name: str
    string_sizes: list[int] = field(default_factory=list)
    cells: int = 0
    text: int = 0

    def watch(self, stream, size: int) -> _Watched:
        """A stream that reads like ``stream`` (a worksheet of ``size`` bytes unpacked) and adds what passes to
        this budget, refusing at a limit."""
        longest = max(self.string_sizes, default=0)
        exact = longest * (size // MARKUP_PER_CELL) + size > MAX_TEXT_CHARACTERS
        return _Watched(stream, self, exact)

    def add(self, chunk: bytes, shared_text: int | None) -> None:
        """Count a chunk of worksheet XML; ``shared_text`` is its shared strings' exact text, or None to bound it."""
        cells = chunk.count(b"<c") + chunk.count(b":c ")
        self.cells += cells
        self.text += max(len(chunk) - MARKUP_PER_CELL * cells, 0)  # inline text is at most its XML less markup
        if shared_text is None:
            shared_text = chunk.count(b't="s"') * max(self.string_sizes, default=0)
        self.text += shared_text
        if self.cells > MAX_WORKBOOK_CELLS:
            raise _refuse_size(self.name, f"more than {MAX_WORKBOOK_CELLS:,} cells")
        if self.text > MAX_TEXT_CHARACTERS:
            raise _refuse_size(self.name, f"more than {MAX_TEXT_CHARACTERS // 1_000_000} million characters of text")

    def shared_text(self, xml: bytes) -> int:
        """The exact text the shared-string cells in ``xml`` would hold once read."""
        sizes = self.string_sizes
        uses = Counter(_SHARED_REF.findall(xml))
        return sum(n * (sizes[i] if (i := int(ref)) < len(sizes) else 0) for ref, n in uses.items())


class _Watched:
    """A read-only stream that shows each chunk to a WorkbookBudget on its way to the reader."""

    def __init__(self, stream, budget: WorkbookBudget, exact: bool):
        self._stream, self._budget, self._exact = stream, budget, exact
        self._tail = b""  # exact counting: the end of the last chunk, where a cell may have been cut in two

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        if not self._exact:
            if chunk:
                self._budget.add(chunk, None)
            return chunk
        buf = self._tail + chunk
        cut = max(len(buf) - _TAIL, 0) if chunk else len(buf)
        cut = buf.rfind(b"<", 0, cut) if 0 < cut < len(buf) else cut  # never inside a tag
        self._budget.add(chunk, self._budget.shared_text(buf[:max(cut, 0)]))
        self._tail = buf[max(cut, 0):]
        return chunk


def check_csv_text(text: str, name: str, delimiters: tuple[str, ...] = (",", ";", "\t")) -> None:
    """Refuse CSV text with a line, a row or a total number of cells far beyond any real export."""
    lines = text.count("\n") + 1
    for delimiter in delimiters:
        if text.count(delimiter) + lines > MAX_CSV_CELLS:
            raise _refuse_size(name, f"more than {MAX_CSV_CELLS:,} cells")
    if len(text) > MAX_CSV_LINE:
        start = 0
        while (end := text.find("\n", start)) >= 0 or start < len(text):
            end = len(text) if end < 0 else end
            if end - start > MAX_CSV_LINE:
                raise _refuse_size(name, f"a line longer than {MAX_CSV_LINE:,} characters")
            start = end + 1
