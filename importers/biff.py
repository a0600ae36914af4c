"""Checking an old Excel 97-2003 workbook (.xls: BIFF8 records in an OLE2 compound file) before parsing it.

The compound file is walked just far enough to find the ``Workbook`` stream and its records: a broken
sector chain means a damaged file; a ``FILEPASS`` record a password; a ``_VBA_PROJECT_CUR`` storage
macros; and every cell record's row and column give each sheet's extent, so that a tiny file claiming
a cell at IV65536 is refused before python-calamine builds its grid.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
_MAX_SECTORS = 1 << 20  # 512 MB of 512-byte sectors: far beyond any upload limit

# BIFF record types
BOF, EOF, FILEPASS, DIMENSIONS, SST, BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x0200, 0x00FC, 0x0085
_CELLS = frozenset({0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6})  # NUMBER RK LABELSST LABEL BOOLERR
_MULRK = 0x00BD  # FORMULA RSTRING above; MULRK: row, first column, ..., last column


class BadCompoundFile(ValueError):
    """The OLE2 container or its BIFF records are damaged."""


@dataclass(slots=True)
class XlsInfo:
    """What the guard needs to know about an .xls: password, macros, and each sheet's (rows, columns)."""

    encrypted: bool = False
    macros: bool = False
    extents: list[tuple[int, int]] = field(default_factory=list)


def _chain(fat: list[int], start: int, limit: int) -> list[int]:
    sectors, seen = [], set()
    sector = start
    while sector != ENDOFCHAIN:
        if sector >= len(fat) or sector in seen or len(sectors) > limit:
            raise BadCompoundFile("broken sector chain")
        seen.add(sector)
        sectors.append(sector)
        sector = fat[sector]
    return sectors


class CompoundFile:
    """A read-only view of an OLE2 compound file's streams (enough of MS-CFB for a workbook)."""

    def __init__(self, data: bytes):
        if len(data) < 512:
            raise BadCompoundFile("too short")
        self.data = data
        (shift, mini_shift) = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise BadCompoundFile("bad sector size")
        self.size = 1 << shift
        self.mini_size = 1 << mini_shift
        n_dir, n_fat, first_dir = struct.unpack_from("<III", data, 0x28)
        self.cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)
        sectors = len(data) // self.size + 1
        if max(n_dir, n_fat, n_minifat, n_difat) > sectors:
            # python-calamine reserves memory by these counts: a lie here would exhaust it
            raise BadCompoundFile("sector counts beyond the size of the file")
        fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s not in (FREESECT, ENDOFCHAIN)]
        sector, hops = first_difat, 0
        while sector not in (ENDOFCHAIN, FREESECT) and hops < n_difat + 1:
            ids = struct.unpack_from(f"<{self.size // 4}I", self._sector(sector))
            fat_sectors += [s for s in ids[:-1] if s not in (FREESECT, ENDOFCHAIN)]
            sector, hops = ids[-1], hops + 1
        fat_sectors = fat_sectors[:max(n_fat, 1)]
        self.fat: list[int] = []
        for s in fat_sectors:
            self.fat.extend(struct.unpack(f"<{self.size // 4}I", self._sector(s)))
        directory = b"".join(self._sector(s) for s in _chain(self.fat, first_dir, _MAX_SECTORS))
        self.entries = [self._entry(directory, i) for i in range(len(directory) // 128)]
        root = self.entries[0] if self.entries else None
        if root is None or root[1] != 5:
            raise BadCompoundFile("no root entry")
        self.minifat: list[int] = []
        if first_minifat not in (ENDOFCHAIN, FREESECT):
            for s in _chain(self.fat, first_minifat, _MAX_SECTORS):
                self.minifat.extend(struct.unpack(f"<{self.size // 4}I", self._sector(s)))
        self.ministream = self._read(root[2], root[3], mini=False) if root[2] not in (ENDOFCHAIN, FREESECT) else b""

    def _sector(self, sector: int) -> bytes:
        start = (sector + 1) * self.size
        if sector >= _MAX_SECTORS or start >= len(self.data):
            raise BadCompoundFile("sector beyond the end of the file")
        return self.data[start : start + self.size].ljust(self.size, b"\0")

    def _entry(self, directory: bytes, index: int) -> tuple[str, int, int, int]:
        raw = directory[index * 128 : (index + 1) * 128]
        name_len = min(struct.unpack_from("<H", raw, 0x40)[0], 64)
        name = raw[: max(name_len - 2, 0)].decode("utf-16-le", errors="replace")
        kind = raw[0x42]
        start, size, size_high = struct.unpack_from("<III", raw, 0x74)
        if kind in (1, 2, 5) and (size_high or size > len(self.data)):
            raise BadCompoundFile("a stream larger than the file")  # every byte of a stream is in the file
        return name, kind, start, size

    def _read(self, start: int, size: int, *, mini: bool) -> bytes:
        if mini:
            parts = [self.ministream[s * self.mini_size : (s + 1) * self.mini_size]
                     for s in _chain(self.minifat, start, _MAX_SECTORS)]
        else:
            parts = [self._sector(s) for s in _chain(self.fat, start, _MAX_SECTORS)]
        body = b"".join(parts)
        if len(body) < size:
            raise BadCompoundFile("stream shorter than its size")
        return body[:size]

    def names(self) -> set[str]:
        """The names of every stream and storage."""
        return {name for name, kind, _, _ in self.entries if kind in (1, 2)}

    def stream(self, name: str) -> bytes | None:
        """The bytes of the first stream called ``name`` (case-insensitive), or None."""
        for entry_name, kind, start, size in self.entries:
            if kind == 2 and entry_name.casefold() == name.casefold():
                return self._read(start, size, mini=size < self.cutoff)
        return None


def _records(stream: bytes, pos: int):
    """(type, body) of each record from ``pos`` to the end of the stream."""
    while pos >= 0 and pos + 4 <= len(stream):
        rtype, length = struct.unpack_from("<HH", stream, pos)
        yield rtype, stream[pos + 4 : pos + 4 + length]
        pos += 4 + length


def _sheet_extent(stream: bytes, offset: int) -> tuple[int, int]:
    """(rows, columns) a sheet's substream reaches, by its DIMENSIONS and its cells, up to its EOF."""
    rows = cols = 0
    depth = 0
    for rtype, body in _records(stream, offset):
        if rtype == BOF:
            depth += 1
        elif rtype == EOF:
            depth -= 1
            if depth <= 0:
                break
        elif rtype == DIMENSIONS and len(body) in (10, 14):
            # python-calamine reserves a cell for every position DIMENSIONS declares
            if len(body) == 14:
                first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
            else:
                first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
            if last_row < first_row:
                raise BadCompoundFile("DIMENSIONS ends before it starts")
            rows, cols = max(rows, last_row), max(cols, last_col)  # rwMac and colMac are one past the last
        elif rtype in _CELLS and len(body) >= 4:
            row, col = struct.unpack_from("<HH", body)
            rows, cols = max(rows, row + 1), max(cols, col + 1)
        elif rtype == _MULRK and len(body) >= 6:
            row = struct.unpack_from("<H", body)[0]
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            rows, cols = max(rows, row + 1), max(cols, last + 1)
    return rows, cols


def inspect_xls(data: bytes) -> XlsInfo:
    """Walk an .xls: raise :class:`BadCompoundFile` when damaged; else say what the guard must know."""
    try:
        cfb = CompoundFile(data)
        workbook = cfb.stream("Workbook") or cfb.stream("Book")
    except (struct.error, IndexError) as exc:
        raise BadCompoundFile(str(exc)) from exc
    if workbook is None:
        raise BadCompoundFile("no Workbook stream")
    info = XlsInfo(macros=any(n.casefold() == "_vba_project_cur" for n in cfb.names()))
    sheets: list[int] = []
    seen_bof = False
    for rtype, body in _records(workbook, 0):
        seen_bof = seen_bof or rtype == BOF
        if rtype == FILEPASS:
            info.encrypted = True
            return info
        if rtype == BOUNDSHEET and len(body) >= 4:
            sheets.append(struct.unpack_from("<I", body)[0])
        elif rtype == SST and len(body) >= 8 and struct.unpack_from("<I", body, 4)[0] > len(workbook) // 3 + 1:
            raise BadCompoundFile("more shared strings than the stream can hold")  # each takes 3 bytes or more
    if not seen_bof:
        raise BadCompoundFile("no BIFF records")
    # python-calamine reads each sheet from the offset its BOUNDSHEET gives, whatever lies between: so do we
    info.extents = [_sheet_extent(workbook, offset) for offset in sheets]
    return info
