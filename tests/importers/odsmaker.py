"""OpenDocument spreadsheets (.ods) written the way LibreOffice Calc writes them, without odfpy.

A zip whose first member is ``mimetype`` (stored, uncompressed), then ``content.xml`` with typed cells
(``office:value-type`` float, date, string, boolean), ``styles.xml``, ``meta.xml``, ``settings.xml`` and
``META-INF/manifest.xml``; empty cells and rows run-length encoded with ``number-columns-repeated`` /
``number-rows-repeated``, and Calc's trailing block of empty formatted rows down to row 1,048,576.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
MAX_ROWS = 1_048_576

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
    'office:version="1.3"'
)

_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" \
manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def _cell(value) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
        return (f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}" '
                f'calcext:value-type="boolean"><text:p>{text}</text:p></table:table-cell>')
    if isinstance(value, datetime):
        return (f'<table:table-cell table:style-name="ce2" office:value-type="date" '
                f'office:date-value="{value.isoformat(timespec="seconds")}" calcext:value-type="date">'
                f'<text:p>{value:%d/%m/%Y %H:%M}</text:p></table:table-cell>')
    if isinstance(value, date):
        return (f'<table:table-cell table:style-name="ce1" office:value-type="date" '
                f'office:date-value="{value.isoformat()}" calcext:value-type="date">'
                f'<text:p>{value:%d/%m/%y}</text:p></table:table-cell>')
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}" calcext:value-type="float">'
                f'<text:p>{value}</text:p></table:table-cell>')
    return (f'<table:table-cell office:value-type="string" calcext:value-type="string">'
            f'<text:p>{escape(str(value))}</text:p></table:table-cell>')


def _row(values: list) -> str:
    cells = list(values)
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells.pop()
    out, blanks = [], 0
    for value in cells:
        if value is None or value == "":
            blanks += 1
            continue
        if blanks:
            out.append(f'<table:table-cell table:number-columns-repeated="{blanks}"/>' if blanks > 1
                       else "<table:table-cell/>")
            blanks = 0
        out.append(_cell(value))
    if not out:
        out.append("<table:table-cell/>")
    return f'<table:table-row table:style-name="ro1">{"".join(out)}</table:table-row>'


def _table(name: str, rows: list[list], width: int) -> str:
    body = []
    blank_run = 0
    for row in rows:
        if not any(v not in (None, "") for v in row):
            blank_run += 1
            continue
        if blank_run:
            body.append(f'<table:table-row table:style-name="ro1" table:number-rows-repeated="{blank_run}">'
                        "<table:table-cell/></table:table-row>")
            blank_run = 0
        body.append(_row(row))
    # Calc's tail: the rest of the sheet's rows as one run-length encoded block of empty cells.
    rest = MAX_ROWS - len(rows)
    body.append(f'<table:table-row table:style-name="ro1" table:number-rows-repeated="{rest}">'
                f'<table:table-cell table:number-columns-repeated="{max(width, 1)}"/></table:table-row>')
    columns = f'<table:table-column table:style-name="co1" table:number-columns-repeated="{max(width, 1)}" ' \
              'table:default-cell-style-name="Default"/>'
    return f'<table:table table:name={quoteattr(name)} table:style-name="ta1">{columns}{"".join(body)}</table:table>'


def ods_bytes(rows: list[list], *, sheet: str = "Sheet1", sheets_before: list[tuple[str, list[list]]] = ()) -> bytes:
    """An .ods whose sheets (``sheets_before`` then ``sheet``) hold the rows given, cells typed by value."""
    sheets = [*sheets_before, (sheet, rows)]
    width = max((len(r) for _, content in sheets for r in content), default=1)
    tables = "".join(_table(name, content, width) for name, content in sheets)
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS}>'
        "<office:automatic-styles>"
        '<style:style style:name="co1" style:family="table-column"><style:table-column-properties '
        'fo:break-before="auto" style:column-width="0.889in"/></style:style>'
        '<style:style style:name="ro1" style:family="table-row"><style:table-row-properties '
        'style:row-height="0.178in" fo:break-before="auto" style:use-optimal-row-height="true"/></style:style>'
        '<style:style style:name="ta1" style:family="table" style:master-page-name="Default">'
        '<style:table-properties table:display="true" style:writing-mode="lr-tb"/></style:style>'
        '<number:date-style style:name="N37"><number:day number:style="long"/><number:text>/</number:text>'
        '<number:month number:style="long"/><number:text>/</number:text><number:year/></number:date-style>'
        '<style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Default" '
        'style:data-style-name="N37"/>'
        '<style:style style:name="ce2" style:family="table-cell" style:parent-style-name="Default" '
        'style:data-style-name="N37"/>'
        "</office:automatic-styles>"
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    styles = f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {_NS}/>'
    meta = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.3"><office:meta>'
            "<meta:generator xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\">"
            "LibreOffice/7.4.7.2$Linux_X86_64 LibreOffice_project/40$Build-2</meta:generator>"
            "</office:meta></office:document-meta>")
    settings = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document-settings '
                'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.3"/>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for name, text in (("content.xml", content), ("styles.xml", styles), ("meta.xml", meta),
                           ("settings.xml", settings), ("META-INF/manifest.xml", _MANIFEST)):
            archive.writestr(name, text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
