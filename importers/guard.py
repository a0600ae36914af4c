"""Deciding, before parsing anything, whether an upload is an .xlsx workbook, CSV text, or to be refused.

The decision is made from the bytes (the name only adds to it): ``.xlsx``, ``.ods`` and ``.xls``
workbooks are checked before python-calamine sees them; a macro workbook, a password-protected or
damaged one, an over-large zip or sheet and binary "CSV" are all refused with a message that says
what to do instead.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

from .base import FileRefused
from .biff import BadCompoundFile, inspect_xls
from .limits import check_csv_text, workbook_budget
from .odf import SPREADSHEET, odf_encrypted, odf_macros, odf_mimetype, ods_extents

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")

MAX_UNCOMPRESSED_TOTAL = 200 * 1024 * 1024  # declared, summed over the members of a workbook
MAX_MEMBER_RATIO = 100  # a member larger than MAX_RATIO_MEMBER_SIZE compressed more than this is suspect
MAX_RATIO_MEMBER_SIZE = 10 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_SHEET_CELLS = 5_000_000  # calamine allocates the whole rectangle from A1 to the last cell

SAVE_AS = "open it in Excel and save it as .xlsx (Excel Workbook) or .csv (CSV UTF-8)"

# Control characters that never appear in a text export (tab, newlines and form feed are fine).
_BINARY_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A character that only a valid multi-byte UTF-8 sequence gives (not ASCII, not the replacement character).
_REAL_NON_ASCII = re.compile(r"[^\x00-\x7f\ufffd]")


@dataclass(frozen=True, slots=True)
class Sniffed:
    """What the upload is: ``"xlsx"``, ``"ods"`` or ``"xls"`` (a workbook, read from its bytes) or ``"csv"``
    (with its decoded text)."""

    format: str
    text: str | None = None
    renamed: bool = False  # the name said one format, the content is another


_NAMED = {".xlsx": "xlsx", ".xltx": "xlsx", ".ods": "ods", ".xls": "xls"}


def sniff(data: bytes, filename: str) -> Sniffed:
    """Classify an upload as xlsx, ods, xls or CSV text, or raise :class:`FileRefused` saying what to do instead."""
    name = PurePath(filename or "").name or "The file"
    ext = PurePath(filename or "").suffix.lower()
    if not data or not data.strip(b" \t\r\n\x00\x1a\xef\xbb\xbf"):
        raise FileRefused(f"The file is empty: {name} has nothing in it. Choose the file again, or re-export it")
    if data.startswith(OLE2_MAGIC):
        if ENCRYPTION_INFO in data:
            raise FileRefused(
                f"{name} is protected with a password, so it cannot be read: "
                "open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password), "
                "save it and upload it again"
            )
        check_xls(data, name)
        return Sniffed("xls", renamed=_NAMED.get(ext) != "xls")
    if ext in (".xlsm", ".xltm", ".xlam"):
        raise FileRefused(f"{name} is a workbook with macros, which is not accepted: {SAVE_AS}")
    if ext in (".xlsb", ".numbers"):
        raise FileRefused(f"{name} is a {ext} spreadsheet, which is not accepted: {SAVE_AS}")
    if data.startswith(ZIP_MAGICS):
        found = check_workbook_zip(data, name)
        return Sniffed(found, renamed=_NAMED.get(ext) != found)
    if ext == ".xls":
        raise FileRefused(
            f"{name} is named .xls but is not an Excel 97-2003 workbook (it may be a web page or text saved with "
            f"an Excel name): {SAVE_AS}"
        )
    if ext == ".ods":
        raise FileRefused(f"{name} is named .ods but is not an OpenDocument spreadsheet: {SAVE_AS}")
    text = decode_text(data)
    if text is None:
        if ext in (".xlsx", ".xltx"):
            raise FileRefused(f"{name} is not an Excel workbook (it may be damaged or only named .xlsx): {SAVE_AS}")
        raise FileRefused(f"{name} is not a text file, so it cannot be read as CSV: {SAVE_AS}")
    if text.lstrip()[:1] == "<":
        raise FileRefused(
            f"{name} looks like a web page or XML, not a spreadsheet (some systems export these with an Excel "
            f"name): {SAVE_AS}"
        )
    check_csv_text(text, name)
    return Sniffed("csv", text=text, renamed=ext in (".xlsx", ".xltx"))


def check_xls(data: bytes, name: str) -> None:
    """Refuse an .xls that is damaged, has a password or macros, or whose cells reach implausibly far."""
    try:
        info = inspect_xls(data)
    except BadCompoundFile as exc:
        raise FileRefused(
            f"{name} looks like an old Excel 97-2003 workbook (.xls), but it is damaged and cannot be read: "
            f"{SAVE_AS}"
        ) from exc
    if info.encrypted:
        raise FileRefused(
            f"{name} is protected with a password, so it cannot be read: open it in Excel, remove the password, "
            "save it as .xlsx and upload it again"
        )
    if info.macros:
        raise FileRefused(f"{name} contains macros, which are not accepted: {SAVE_AS}")
    _check_extents(info.extents, name)


def _check_extents(extents: list[tuple[int, int]], name: str) -> None:
    for rows, cols in extents:
        if rows * cols > MAX_SHEET_CELLS:
            raise FileRefused(
                f"A sheet in {name} has cells as far as row {rows:,} and column {_column_name(cols)}, "
                "far beyond any real export: delete the unused rows and columns below and to the right "
                "of the data, save, and upload it again"
            )


def decode_text(data: bytes) -> str | None:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252; None if not text.

    A file that is UTF-8 apart from a few stray bytes (fewer than its real UTF-8 accented letters) stays
    UTF-8, the stray bytes replaced: reading it as Windows-1252 would garble every accented name instead.
    """
    if data.startswith(codecs.BOM_UTF8):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            mostly_utf8 = data.decode("utf-8", errors="replace")
            if mostly_utf8.count("\ufffd") < len(_REAL_NON_ASCII.findall(mostly_utf8)):
                text = mostly_utf8
            else:
                try:
                    text = data.decode("cp1252")
                except UnicodeDecodeError:
                    text = data.decode("latin-1")
    text = text.rstrip("\x1a")  # old DOS end-of-file marker
    if _BINARY_CHARS.search(text):
        return None
    return text


def check_workbook_zip(data: bytes, name: str) -> str:
    """Refuse a zip that is damaged, implausibly large when unpacked, has macros or is not a spreadsheet.

    Returns ``"xlsx"`` or ``"ods"``. Sizes are checked from the zip's own directory before anything is
    unpacked; then every member is read through once (bounded by those sizes, checking each CRC) so a
    directory that lies is caught too.
    """
    damaged = (
        f"{name} is damaged and cannot be opened as an Excel workbook: "
        "export it again, or open it in Excel and save it as .xlsx (Excel Workbook) or .csv"
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError, IndexError,
            NotImplementedError) as exc:
        raise FileRefused(damaged) from exc
    too_big = (
        f"{name} would unpack to an implausibly large size, so it was not opened (it may be a 'zip bomb'). "
        "If it is a genuine export, split it into smaller files or save it as .csv"
    )
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_TOTAL:
        raise FileRefused(too_big)
    for info in infos:
        if info.file_size > MAX_RATIO_MEMBER_SIZE and info.file_size > MAX_MEMBER_RATIO * max(info.compress_size, 1):
            raise FileRefused(too_big)
    names = {i.filename.lower() for i in infos}
    if "xl/workbook.xml" not in names and "content.xml" in names:
        return _check_ods(archive, infos, names, name)
    if any(n.endswith("vbaproject.bin") for n in names):
        raise FileRefused(f"{name} contains macros, which are not accepted: {SAVE_AS}")
    if any(i.flag_bits & 0x1 for i in infos):
        raise FileRefused(f"{name} is protected with a password: remove the password in Excel, save and upload again")
    if "xl/workbook.bin" in names:
        raise FileRefused(f"{name} is a binary Excel workbook (.xlsb), which is not accepted: {SAVE_AS}")
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise FileRefused(f"{name} is a Word document, not a spreadsheet: {SAVE_AS}")
        raise FileRefused(f"{name} is a zip file, not an Excel workbook: upload the .xlsx or .csv file itself")
    try:
        budget = workbook_budget(archive, infos, name)
        for info in infos:
            with archive.open(info) as member:
                if info.filename.lower().startswith("xl/worksheets/"):
                    _check_extents([_sheet_extent(budget.watch(member, info.file_size))], name)
                else:
                    while member.read(1 << 20):
                        pass
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, NotImplementedError, RuntimeError) as exc:
        raise FileRefused(damaged) from exc
    return "xlsx"


def _check_ods(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], names: set[str], name: str) -> str:
    """The checks of an OpenDocument zip: a spreadsheet, no password, no macros, a sane extent, intact."""
    damaged = (
        f"{name} is an OpenDocument spreadsheet (.ods), but it is damaged and cannot be read: open it in "
        "LibreOffice Calc or Excel and save it again as .ods, .xlsx or .csv"
    )
    try:
        mimetype = odf_mimetype(archive)
        if mimetype.startswith("application/vnd.oasis.opendocument.") and not mimetype.startswith(SPREADSHEET):
            raise FileRefused(f"{name} is an OpenDocument {mimetype.rsplit('.', 1)[-1]} document, not a "
                              f"spreadsheet: {SAVE_AS}")
        if odf_encrypted(archive):
            raise FileRefused(f"{name} is protected with a password, so it cannot be read: remove the password in "
                              "LibreOffice Calc (File > Properties), save it and upload it again")
        if odf_macros(names):
            raise FileRefused(f"{name} contains macros, which are not accepted: {SAVE_AS}")
        for info in infos:
            if info.filename != "content.xml":
                with archive.open(info) as member:
                    while member.read(1 << 20):
                        pass
        _check_extents(ods_extents(archive), name)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, NotImplementedError, RuntimeError,
            KeyError) as exc:
        raise FileRefused(damaged) from exc
    return "ods"


# Cell references with two or three column letters (AA and beyond); single letters need no check.
# Any case (calamine reads xfd1 as XFD1); no word boundary: it would defeat the fast literal scan.
_WIDE_CELL = re.compile(rb'r="([A-Za-z]{2,3})[0-9]')
_ROW_NUMBER = re.compile(rb'row\b[^>]*?\br="([0-9]+)"')


def _sheet_extent(member) -> tuple[int, int]:
    """Read a worksheet's XML through once; return (last row number, widest column number) it refers to.

    calamine builds a dense grid from the first to the last cell, so a tiny file with one cell at
    XFD1048576 would need billions of cells: this is found here, before calamine sees the file.
    """
    max_row, max_col, tail = 1, 26, b""
    while chunk := member.read(1 << 20):
        buf = tail + chunk
        for letters in set(_WIDE_CELL.findall(buf)):
            max_col = max(max_col, _column_number(letters.upper()))
        pos = len(buf)
        while (pos := buf.rfind(b"row", 0, pos)) >= 0:
            if m := _ROW_NUMBER.match(buf, pos):
                max_row = max(max_row, int(m[1]))
                break
        tail = buf[-256:]
    return max_row, max_col


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _column_name(number: int) -> str:
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name
