"""Real Excel 97-2003 workbooks (.xls) for tests, without xlwt: BIFF8 records in an OLE2 compound file.

Written the way Excel writes them: a workbook globals substream (BOF, CODEPAGE 1200, WINDOW1, FONTs,
XFs with the built-in d/mm/yyyy format 14 for dates, BOUNDSHEET8 per sheet, a shared string table, EOF),
then a worksheet substream per sheet (BOF, DIMENSIONS, LABELSST / NUMBER cells, MERGEDCELLS, WINDOW2,
EOF); the ``Workbook`` stream padded to 4,096 bytes so it lives in regular sectors, as Excel's does.
"""

from __future__ import annotations

import struct
from datetime import date, datetime

FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR = 512
_EPOCH = date(1899, 12, 30)
XF_GENERAL, XF_DATE, XF_DATETIME = 15, 16, 17


def record(rtype: int, body: bytes) -> bytes:
    """One BIFF record: its type, its length, its body."""
    return struct.pack("<HH", rtype, len(body)) + body


def _unicode(text: str, length_bytes: int = 2) -> bytes:
    """XLUnicodeString: character count, then flags (1 = UTF-16LE), then the characters."""
    raw = text.encode("utf-16-le")
    count = struct.pack("<H" if length_bytes == 2 else "<B", len(text))
    return count + b"\x01" + raw


def bof(kind: int) -> bytes:
    """A BIFF8 BOF record: 0x0005 starts the workbook globals, 0x0010 a worksheet."""
    return record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0x000100C1, 0x00000406))


def _xf(font: int, fmt: int, style: bool) -> bytes:
    flags = 0xFFF5 if style else 0x0001
    return record(0x00E0, struct.pack("<HHHBBBBIIH", font, fmt, flags, 0x20, 0, 0, 0, 0, 0, 0x20C0))


def _sst(strings: list[str]) -> bytes:
    """The SST record, split into CONTINUE records at string boundaries (8,224 bytes of data at most)."""
    head = struct.pack("<II", len(strings), len(strings))
    records, body = [], head
    for text in strings:
        piece = _unicode(text)
        if len(body) + len(piece) > 8224:
            records.append((0x00FC if not records else 0x003C, body))
            body = b""
        body += piece
    records.append((0x00FC if not records else 0x003C, body))
    return b"".join(record(t, b) for t, b in records)


def _value(value) -> tuple[str, object, int]:
    if isinstance(value, datetime):
        delta = value - datetime.combine(_EPOCH, datetime.min.time())
        return "number", delta.total_seconds() / 86400, XF_DATETIME
    if isinstance(value, date):
        return "number", float((value - _EPOCH).days), XF_DATE
    if isinstance(value, bool):
        return "number", float(value), XF_GENERAL
    if isinstance(value, int | float):
        return "number", float(value), XF_GENERAL
    return "text", str(value), XF_GENERAL


def _sheet(rows: list[list], sst: dict[str, int], merges: list[tuple[int, int, int, int]]) -> bytes:
    cells = []
    width = max((len(r) for r in rows), default=0)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            kind, v, xf = _value(value)
            if kind == "number":
                cells.append(record(0x0203, struct.pack("<HHHd", r, c, xf, v)))
            else:
                cells.append(record(0x00FD, struct.pack("<HHHI", r, c, xf, sst.setdefault(v, len(sst)))))
    out = [bof(0x0010), record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0)), *cells]
    if merges:
        out.append(record(0x00E5, struct.pack("<H", len(merges)) + b"".join(struct.pack("<HHHH", *m)
                                                                             for m in merges)))
    out.append(record(0x023E, struct.pack("<HHHHHHHHH", 0x06B6, 0, 0, 0x40, 0, 0, 0, 0, 0)))
    out.append(record(0x000A, b""))
    return b"".join(out)


def biff_workbook(sheets: list[tuple[str, list[list]]], merges: dict[str, list[tuple[int, int, int, int]]]) -> bytes:
    """The BIFF8 ``Workbook`` stream of sheets (merges: sheet -> (first row, last row, first col, last col))."""
    sst: dict[str, int] = {}
    bodies = [_sheet(rows, sst, merges.get(name, [])) for name, rows in sheets]
    fonts = b"".join(record(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) +
                             _unicode("Arial", 1)) for _ in range(4))
    xfs = b"".join(_xf(0, 0, True) for _ in range(15)) + _xf(0, 0, False) + _xf(0, 14, False) + _xf(0, 22, False)
    style = record(0x0293, struct.pack("<HBB", 0x8000, 0, 0xFF))
    head = [bof(0x0005), record(0x0042, struct.pack("<H", 1200)),
            record(0x003D, struct.pack("<HHHHHHHHH", 0x0168, 0x001E, 0x3A5C, 0x2328, 0x0038, 0, 0, 1, 0x0258)),
            fonts, xfs, style]
    strings = sorted(sst, key=sst.get)
    tail = [_sst(strings), record(0x000A, b"")]
    bound_len = sum(4 + 6 + len(_unicode(name, 1)) for name, _ in sheets)
    offset = sum(map(len, head)) + bound_len + sum(map(len, tail))
    bounds = []
    for (name, _), body in zip(sheets, bodies, strict=True):
        bounds.append(record(0x0085, struct.pack("<IBB", offset, 0, 0) + _unicode(name, 1)))
        offset += len(body)
    stream = b"".join(head) + b"".join(bounds) + b"".join(tail) + b"".join(bodies)
    return stream.ljust(4096, b"\0")


def _entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
    raw = (name + "\0").encode("utf-16-le") if name else b""
    return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1 if kind else 0)
            + struct.pack("<III", NOSTREAM, NOSTREAM, child) + b"\0" * 16 + struct.pack("<I", 0) + b"\0" * 16
            + struct.pack("<III", start, size, 0))


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE2 compound file (version 3, 512-byte sectors) holding streams of 4,096 bytes or more."""
    layout, sectors = [], []
    for name, body in streams.items():
        count = -(-len(body) // SECTOR)
        layout.append((name, len(body), count))
        sectors.append(body.ljust(count * SECTOR, b"\0"))
    data_sectors = sum(c for _, _, c in layout)
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + 1 + data_sectors:
        n_fat += 1
    fat = [FATSECT] * n_fat + [ENDOFCHAIN]
    next_sector = n_fat + 1
    entries = [b""]
    for index, (name, size, count) in enumerate(layout, start=1):
        fat += [next_sector + i + 1 for i in range(count - 1)] + [ENDOFCHAIN]
        sibling = struct.pack("<I", index + 1) if index < len(layout) else None
        entry = bytearray(_entry(name, 2, NOSTREAM, next_sector, size))
        if sibling:
            entry[0x48:0x4C] = sibling  # the right sibling: the next stream
        entries.append(bytes(entry))
        next_sector += count
    entries[0] = _entry("Root Entry", 5, 1, ENDOFCHAIN, 0)
    directory = b"".join(entries).ljust(SECTOR, b"\0")
    if len(directory) > SECTOR:
        raise ValueError("only a few streams fit in one directory sector")
    fat += [FREESECT] * (n_fat * (SECTOR // 4) - len(fat))
    difat = list(range(n_fat)) + [FREESECT] * (109 - n_fat)
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, n_fat, n_fat, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
              + struct.pack("<109I", *difat))
    return header + struct.pack(f"<{len(fat)}I", *fat) + directory + b"".join(sectors)


def xls_bytes(rows: list[list], *, sheet: str = "Sheet1", titles: list[str] = (),
              sheets_before: list[tuple[str, list[list]]] = (), merges: list[tuple[int, int, int, int]] = (),
              extra_streams: dict[str, bytes] | None = None) -> bytes:
    """A real .xls: title rows then ``rows`` on ``sheet`` (after ``sheets_before``); numbers, dates and text typed."""
    content = [[t] for t in titles] + [list(r) for r in rows]
    sheets = [*sheets_before, (sheet, content)]
    streams = {"Workbook": biff_workbook(sheets, {sheet: list(merges)})}
    streams.update(extra_streams or {})
    return compound_file(streams)
