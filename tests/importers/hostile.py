"""Hostile spreadsheets built byte by byte: tiny files that ask a reader for gigabytes or minutes.

Each is a valid zip of SpreadsheetML parts, written with the same part names and namespaces Excel uses, so the
reader cannot refuse them for being malformed: only the limits stop them.
"""

from __future__ import annotations

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
SHARED = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _content_types(sheets: int, shared: bool) -> str:
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, sheets + 1))
    if shared:
        overrides += ('<Override PartName="/xl/sharedStrings.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>")


def workbook(sheets: list[str], shared_strings: list[str] | None = None) -> bytes:
    """An .xlsx whose worksheets have exactly the given <sheetData> contents (and optional shared strings)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _content_types(len(sheets), shared_strings is not None))
        z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                   'Target="xl/workbook.xml"/></Relationships>')
        entries = "".join(f'<sheet name="Sheet{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, len(sheets) + 1))
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{i}" Type="{WORKSHEET}" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, len(sheets) + 1))
        if shared_strings is not None:
            rels += f'<Relationship Id="rId{len(sheets) + 1}" Type="{SHARED}" Target="sharedStrings.xml"/>'
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   f'<Relationships xmlns="{PKG_REL}">{rels}</Relationships>')
        for i, body in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">{body}</worksheet>')
        if shared_strings is not None:
            items = "".join(f"<si><t>{s}</t></si>" for s in shared_strings)
            z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       f'<sst xmlns="{MAIN}" count="{len(shared_strings)}" uniqueCount="{len(shared_strings)}">'
                       f"{items}</sst>")
    return out.getvalue()


HEADER = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Staff number</t></is></c>'
          '<c r="B1" t="inlineStr"><is><t>Forename</t></is></c><c r="C1" t="inlineStr"><is><t>Surname</t></is></c>'
          '<c r="D1" t="inlineStr"><is><t>Role category</t></is></c></row>')


def far_cell(ref: str, *, declared: str | None = None) -> bytes:
    """A roster with one more cell at ``ref`` (``XFD1048576``, ``xfd1048576``, ``Z1048576``...)."""
    dimension = f'<dimension ref="A1:{declared}"/>' if declared else ""
    row = "".join(ch for ch in ref if ch.isdigit())
    return workbook([f'{dimension}<sheetData>{HEADER}<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'])


def declared_only(ref: str) -> bytes:
    """A roster whose <dimension> claims cells as far as ``ref`` although it has only a heading row."""
    return workbook([f'<dimension ref="A1:{ref}"/><sheetData>{HEADER}</sheetData>'])


def one_huge_shared_string(cells: int = 100, size: int = 9_900_000) -> bytes:
    """``cells`` cells pointing at one shared string of ``size`` characters (about 12 KB zipped)."""
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(2, cells + 2))
    return workbook([f"<sheetData>{HEADER}{rows}</sheetData>"], shared_strings=["x" * size])


def many_sheets(sheets: int = 2_000, rows: int = 100) -> bytes:
    """``sheets`` worksheets, each far under the per-sheet cell limit, none with a recognisable heading."""
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>{r}</v></c></row>'
                   for r in range(1, rows + 1))
    return workbook([f"<sheetData>{body}</sheetData>"] * sheets)


def csv_of_commas(mebibytes: int = 49) -> bytes:
    """A "CSV" that is one line of commas: 51 million empty cells."""
    return b"Staff number,Forename,Surname,Role category\n" + b"," * (mebibytes * 1024 * 1024)


def csv_of_many_short_lines(lines: int = 3_000_000) -> bytes:
    """A CSV of millions of rows of empty cells: under the size limit, over any real roster."""
    return b"Staff number,Forename,Surname,Role category\n" + b",,,\n" * lines
