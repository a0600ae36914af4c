""".ods and real .xls workbooks read like .xlsx, under the same guards; UTF-16 CSV with a BOM."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers import FileRefused, read_file
from importers.guard import sniff
from tests.importers.biffmaker import biff_workbook, bof, compound_file, record, xls_bytes
from tests.importers.odsmaker import ods_bytes
from tests.importers.sheetmaker import ROSTER_HEADERS, TODAY, roster_row, write

ROSTER = [ROSTER_HEADERS, roster_row(1), roster_row(2, "investigator"), roster_row(3, "manager")]
NUMERIC = [["Staff number", "Name", "Role category", "Exempt until"],
           [100234, "Ann Lee", "frontline", date(2026, 1, 31)],
           [2207.0, "Bo Chan", "other", datetime(2025, 12, 1, 0, 0)]]


def read(tmp_path, name: str, data: bytes, kind: str = "roster"):
    path = write(tmp_path, name, data)  # read back from disk, as an upload would be
    return read_file(kind, path.read_bytes(), path.name, today=TODAY)


def refused(name: str, data: bytes, kind: str = "roster") -> str:
    with pytest.raises(FileRefused) as caught:
        read_file(kind, data, name, today=TODAY)
    return caught.value.message


@pytest.mark.parametrize(("name", "maker"), [("roster.ods", ods_bytes), ("roster.xls", xls_bytes)])
def test_a_workbook_reads_like_xlsx(tmp_path, name, maker):
    result = read(tmp_path, name, maker(ROSTER))
    assert result.errors == [] and result.warnings == []
    assert [(r.row, r.staff_number, r.role_category) for r in result.rows] == [
        (2, "S0001", "frontline"), (3, "S0002", "investigator"), (4, "S0003", "manager")]


@pytest.mark.parametrize("maker", [ods_bytes, xls_bytes], ids=["ods", "xls"])
def test_numbers_and_dates_are_typed_cells(tmp_path, maker):
    result = read(tmp_path, "roster" + (".ods" if maker is ods_bytes else ".xls"), maker(NUMERIC))
    assert [(r.staff_number, r.exempt_until) for r in result.rows] == [
        ("100234", date(2026, 1, 31)), ("2207", date(2025, 12, 1))]


def test_xls_title_rows_merged_cells_and_a_later_sheet(tmp_path):
    data = xls_bytes(ROSTER, titles=["Kent Police roster", "Exported 28/11/2026"], merges=[(0, 0, 0, 7)],
                     sheets_before=[("Notes", [["Read me first"]])])
    result = read(tmp_path, "roster.xls", data)
    assert [r.row for r in result.rows] == [4, 5, 6]


def test_ods_title_rows_and_a_later_sheet(tmp_path):
    data = ods_bytes([["Kent Police roster"], [], *ROSTER], sheets_before=[("Notes", [["Read me first"]])])
    result = read(tmp_path, "roster.ods", data)
    assert [r.row for r in result.rows] == [4, 5, 6]


def test_content_decides_whatever_the_name(tmp_path):
    assert sniff(ods_bytes(ROSTER), "roster.xlsx").format == "ods"
    assert sniff(xls_bytes(ROSTER), "roster.xlsx").format == "xls"
    assert [r.staff_number for r in read(tmp_path, "roster.xlsx", xls_bytes(ROSTER)).rows][0] == "S0001"


def test_a_corrupt_xls_is_refused():
    data = bytearray(xls_bytes(ROSTER))
    struct.pack_into("<I", data, 0x30, 4000)  # the directory starts beyond the end of the file
    message = refused("roster.xls", bytes(data))
    assert "old Excel 97-2003 workbook (.xls), but it is damaged" in message
    assert "save it as .xlsx (Excel Workbook) or .csv" in message


def test_an_xls_without_a_workbook_stream_is_refused():
    data = compound_file({"WordDocument": b"\0" * 4096})
    assert "damaged" in refused("report.xls", data)


def test_a_truncated_xls_is_refused():
    data = xls_bytes(ROSTER)
    assert "damaged" in refused("roster.xls", data[:1500])


def test_an_encrypted_xls_is_refused():
    stream = bytearray(biff_workbook([("Sheet1", ROSTER)], {}))
    bof_end = 4 + 16  # FILEPASS follows the globals' BOF, as Excel writes it
    stream[bof_end:bof_end] = struct.pack("<HH", 0x002F, 6) + b"\x01\x00\x01\x00\x01\x00"
    message = refused("roster.xls", compound_file({"Workbook": bytes(stream)}))
    assert "protected with a password" in message


def test_an_xls_with_macros_is_refused():
    data = xls_bytes(ROSTER, extra_streams={"_VBA_PROJECT_CUR": b"\0" * 4096})
    assert "macros" in refused("roster.xls", data)


def test_an_xls_reaching_implausibly_far_is_refused_before_parsing():
    rows = [["Staff number"]] + [[]] * 60000 + [["S1"] + [None] * 200 + ["x"]]
    message = refused("roster.xls", xls_bytes(rows))
    assert "has cells as far as row 60,002 and column GT" in message


def test_text_named_xls_is_still_refused():
    assert "save it as .xlsx" in refused("roster.xls", b"Staff number,Name\nS1,Ann\n")


def _ods_with(members: dict[str, bytes], mimetype: bytes = b"application/vnd.oasis.opendocument.spreadsheet"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        for name, content in members.items():
            archive.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_an_ods_with_a_password_is_refused():
    manifest = (b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                b'<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
                b"</manifest:file-entry></manifest:manifest>")
    data = _ods_with({"content.xml": b"\x8f\x02garbled", "META-INF/manifest.xml": manifest})
    assert "protected with a password" in refused("roster.ods", data)


def test_an_ods_with_macros_is_refused():
    with zipfile.ZipFile(io.BytesIO(ods_bytes(ROSTER))) as original:
        members = {i.filename: original.read(i) for i in original.infolist() if i.filename != "mimetype"}
    members["Basic/Standard/Module1.xml"] = b"<script:module/>"
    assert "macros" in refused("roster.ods", _ods_with(members))


def test_an_ods_that_repeats_a_filled_cell_a_billion_times_is_refused():
    content = (b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               b'<table:table table:name="S"><table:table-row table:number-rows-repeated="1000000">'
               b'<table:table-cell table:number-columns-repeated="1000" office:value-type="string">'
               b"<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
               b"</office:spreadsheet></office:body></office:document-content>")
    message = refused("roster.ods", _ods_with({"content.xml": content}))
    assert "has cells as far as row 1,000,000" in message


def test_calcs_trailing_block_of_empty_rows_is_harmless(tmp_path):
    # ods_bytes ends every sheet as Calc does: empty rows repeated down to row 1,048,576
    result = read(tmp_path, "roster.ods", ods_bytes(ROSTER))
    assert result.data_rows == 3


def test_an_opendocument_text_is_not_a_spreadsheet():
    data = _ods_with({"content.xml": b"<x/>"}, mimetype=b"application/vnd.oasis.opendocument.text")
    assert "OpenDocument text document, not a spreadsheet" in refused("letter.ods", data)


def test_a_damaged_ods_is_refused():
    data = _ods_with({"content.xml": b"<office:document-content"})
    assert "OpenDocument spreadsheet (.ods), but it is damaged" in refused("roster.ods", data)


def test_a_zip_bomb_named_ods_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        with archive.open("content.xml", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(220):
                member.write(chunk)
    assert "implausibly large" in refused("roster.ods", buffer.getvalue())


@pytest.mark.parametrize("bom_and_codec", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_utf16_csv_with_a_bom(tmp_path, bom_and_codec):
    bom, codec = bom_and_codec
    text = "Staff number\tName\tRole category\r\nS1\tSiân O'Brien\tfrontline\r\nS2\tZoë Ng\tother\r\n"
    result = read(tmp_path, "roster.csv", bom + text.encode(codec))
    assert [(r.staff_number, r.forename) for r in result.rows] == [("S1", "Siân"), ("S2", "Zoë")]


_XLS = xls_bytes(ROSTER, titles=["Roster"], merges=[(0, 0, 0, 3)])
_ODS = ods_bytes(ROSTER)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["xls", "ods"]), st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)),
                                                 min_size=1, max_size=12), st.integers(0, 1 << 16))
def test_a_damaged_workbook_is_read_or_refused_never_a_crash(fmt, flips, cut):
    data = bytearray(_XLS if fmt == "xls" else _ODS)
    for position, value in flips:
        data[position % len(data)] = value
    data = bytes(data[: max(cut, 512)]) if cut % 3 == 0 else bytes(data)
    try:
        read_file("roster", data, f"roster.{fmt}", today=TODAY)
    except FileRefused as refused:
        assert refused.message


def test_an_xls_declaring_a_vast_sheet_is_refused_before_python_calamine_reserves_it():
    # DIMENSIONS saying rows 0 to 4,000,000,000: python-calamine would reserve a cell for each
    stream = bytearray(biff_workbook([("Sheet1", ROSTER)], {}))
    at = stream.index(struct.pack("<HH", 0x0200, 14))
    struct.pack_into("<IIHH", stream, at + 4, 0, 4_000_000_000, 0, 200)
    message = refused("roster.xls", compound_file({"Workbook": bytes(stream)}))
    assert "far beyond any real export" in message


def test_an_xls_claiming_billions_of_shared_strings_is_refused():
    stream = bytearray(biff_workbook([("Sheet1", ROSTER)], {}))
    at = stream.index(struct.pack("<H", 0x00FC))
    struct.pack_into("<I", stream, at + 8, 4_000_000_000)
    assert "damaged" in refused("roster.xls", compound_file({"Workbook": bytes(stream)}))


def test_an_xls_stream_larger_than_the_file_is_refused():
    data = bytearray(xls_bytes(ROSTER))
    n_fat = struct.unpack_from("<I", data, 0x2C)[0]
    directory = 512 * (n_fat + 1)
    struct.pack_into("<I", data, directory + 128 + 0x7C, 7)  # the Workbook entry's size, high 32 bits
    assert "damaged" in refused("roster.xls", bytes(data))


def test_an_xls_header_claiming_a_million_fat_sectors_is_refused():
    data = bytearray(xls_bytes(ROSTER))
    struct.pack_into("<I", data, 0x2C, 1_000_000)
    assert "damaged" in refused("roster.xls", bytes(data))


def test_a_sheet_hidden_from_a_front_to_back_read_is_still_checked():
    # python-calamine reads a sheet from its BOUNDSHEET offset: here inside another record's body, where a
    # front-to-back walk of the records never looks, with DIMENSIONS declaring three billion rows
    stream = bytearray(biff_workbook([("Sheet1", ROSTER)], {}))
    at = stream.index(struct.pack("<H", 0x0085))
    offset = struct.unpack_from("<I", stream, at + 4)[0]
    hidden = bof(0x0010) + record(0x0200, struct.pack("<IIHHH", 0, 3_000_000_000, 0, 255, 0)) + record(0x000A, b"")
    stream[offset:offset] = record(0x1234, hidden)
    struct.pack_into("<I", stream, at + 4, offset + 4)
    message = refused("roster.xls", compound_file({"Workbook": bytes(stream)}))
    assert "far beyond any real export" in message
