"""Files refused as a whole: each says why and what to do, and nothing else is ever raised."""

from __future__ import annotations

import io
import random
import struct
import zipfile

import pytest
from openpyxl import Workbook

from importers import FileRefused, read_file
from importers.guard import OLE2_MAGIC
from tests.importers.sheetmaker import (
    CL_HEADERS,
    HYDRA_HEADERS,
    ROSTER_HEADERS,
    TODAY,
    csv_bytes,
    roster_row,
    write,
    xlsx_bytes,
)

ROSTER_CSV = csv_bytes([ROSTER_HEADERS, roster_row(1), roster_row(2)])


def refusal(kind: str, data: bytes, name: str) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        read_file(kind, data, name, today=TODAY)
    return caught.value


def ole2(*parts: bytes) -> bytes:
    return OLE2_MAGIC + b"\x00" * 504 + b"".join(parts) + b"\x00" * 512


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """300 MB of zeros declared inside a ~300 KB .xlsx-looking zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(300):
                member.write(chunk)
    return buffer.getvalue()


def lying_zip() -> bytes:
    """A workbook whose zip directory claims a member is 1,000 bytes when it unpacks to 2 MB."""
    data = bytearray(zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                             "xl/worksheets/sheet1.xml": b"<row/>" * 350_000}))
    local = central = -1
    for _ in range(3):  # the third member's uncompressed size, in its local header and in the directory
        local = data.index(b"PK\x03\x04", local + 1)
        central = data.index(b"PK\x01\x02", central + 1)
    struct.pack_into("<I", data, local + 22, 1000)
    struct.pack_into("<I", data, central + 24, 1000)
    return bytes(data)


def sparse_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ROSTER_HEADERS)
    sheet.append(roster_row(1))
    sheet["XFD1048576"] = "stray"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def truncated_xlsx() -> bytes:
    data = xlsx_bytes([ROSTER_HEADERS, roster_row(1)])
    return data[: len(data) // 2]


def flipped_xlsx() -> bytes:
    data = bytearray(xlsx_bytes([ROSTER_HEADERS] + [roster_row(n) for n in range(1, 200)]))
    middle = len(data) // 3
    for i in range(middle, middle + 40):
        data[i] ^= 0x5A
    return bytes(data)


CASES = [
    # (id, kind, name, data builder, words the message must contain)
    ("empty", "roster", "roster.csv", lambda: b"", "The file is empty"),
    ("only whitespace", "roster", "roster.csv", lambda: b"  \r\n\r\n ", "The file is empty"),
    ("empty xlsx", "roster", "roster.xlsx", lambda: xlsx_bytes([]), "The file is empty"),
    ("xls bytes", "roster", "roster.xls", lambda: ole2(), "save it as .xlsx (Excel Workbook) or .csv"),
    ("xls bytes named xlsx", "roster", "roster.xlsx", lambda: ole2(), "Excel 97-2003 workbook (.xls)"),
    ("xls name, text inside", "hydra", "register.xls", lambda: ROSTER_CSV, "save it as .xlsx"),
    ("encrypted xlsx", "roster", "roster.xlsx", lambda: ole2("EncryptionInfo".encode("utf-16-le")),
     "remove the password"),
    ("xlsm name", "roster", "roster.xlsm", lambda: xlsx_bytes([ROSTER_HEADERS, roster_row(1)]), "macros"),
    ("vba inside", "roster", "roster.xlsx",
     lambda: zip_of({"xl/workbook.xml": b"<workbook/>", "xl/vbaProject.bin": b"\x00" * 10}), "macros"),
    ("xlsb", "roster", "roster.xlsb", lambda: b"PK\x03\x04junk", "not accepted"),
    ("word document", "roster", "roster.xlsx", lambda: zip_of({"word/document.xml": b"<w/>"}), "Word document"),
    ("ods", "roster", "roster.xlsx", lambda: zip_of({"mimetype": b"x", "content.xml": b"<x/>"}), "OpenDocument"),
    ("other zip", "roster", "roster.xlsx", lambda: zip_of({"readme.txt": b"hi"}), "not an Excel workbook"),
    ("truncated xlsx", "roster", "roster.xlsx", truncated_xlsx, "damaged"),
    ("flipped bytes", "roster", "roster.xlsx", flipped_xlsx, "damaged"),
    ("lying zip directory", "roster", "roster.xlsx", lying_zip, "damaged"),
    ("cell at XFD1048576", "roster", "roster.xlsx", sparse_workbook, "delete the unused rows and columns"),
    ("prose named xlsx", "roster", "roster.xlsx", lambda: b"Dear all,\nplease find the roster attached.\n",
     "named .xlsx but is plain text"),
    ("binary named xlsx", "roster", "roster.xlsx", lambda: bytes(range(256)) * 4, "not an Excel workbook"),
    ("random bytes csv", "college-learn", "export.csv", lambda: random.Random(7).randbytes(4096), "not a text file"),
    ("web page", "college-learn", "export.xlsx", lambda: b"<html><body><table><tr><td>x</td></tr></table>",
     "web page"),
    ("header only", "roster", "roster.csv", lambda: csv_bytes([ROSTER_HEADERS]), "has no data rows"),
    ("header only, blank rows", "hydra", "register.xlsx", lambda: xlsx_bytes([HYDRA_HEADERS, [], ["", " "]]),
     "has no data rows"),
    ("no recognisable header", "roster", "roster.csv", lambda: csv_bytes([["Colour", "Shape"], ["red", "round"]]),
     "Headers found: Colour, Shape"),
    ("hydra uploaded as roster", "roster", "register.csv",
     lambda: csv_bytes([HYDRA_HEADERS, ["20/01/2026", "H1", "Lewes", "T", "S1", "A", "B", "", "Sussex", "Yes"]]),
     "This looks like a Hydra register, not a roster"),
    ("roster uploaded as college learn", "college-learn", "roster.csv", lambda: ROSTER_CSV,
     "This looks like a roster, not a College Learn export"),
    ("college learn uploaded as hydra", "hydra", "export.csv",
     lambda: csv_bytes([CL_HEADERS, ["S1", "", "A", "B", "Kent", "x", "Completed", "01/02/2025"]]),
     "This looks like a College Learn export, not a Hydra register"),
    ("roster without relevance", "roster", "roster.csv",
     lambda: csv_bytes([ROSTER_HEADERS[:7], roster_row(1)[:7]]), "add a 'Role category' column"),
    ("roster with one flag column", "roster", "roster.csv",
     lambda: csv_bytes([["Staff number", "Name", "E-learning required"], ["S1", "Ann Lee", "Y"]]),
     "no Hydra required column"),
    ("roster without staff number", "roster", "roster.csv",
     lambda: csv_bytes([["Forename", "Surname", "Role category"], ["Ann", "Lee", "frontline"]]),
     "The file has no Staff number column. Add a column headed 'Staff number' (or Staff No, Staff ID"),
    ("college learn without date completed", "college-learn", "export.csv",
     lambda: csv_bytes([["Email", "Course", "Status"], ["a@b.uk", "OIC module 1", "Completed"]]),
     "no Date completed column"),
    ("college learn with neither course nor modules", "college-learn", "export.csv",
     lambda: csv_bytes([["Email", "Status", "Date completed"], ["a@b.uk", "Completed", "01/02/2025"]]),
     "a column per OIC module"),
    ("hydra without attendance", "hydra", "register.csv",
     lambda: csv_bytes([HYDRA_HEADERS[:9], ["20/01/2026", "H1", "Lewes", "T", "S1", "A", "B", "", "Sussex"]]),
     "no Attended column"),
]


@pytest.mark.parametrize(("kind", "name", "build", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refused_with_a_clear_message(tmp_path, kind, name, build, words):
    path = write(tmp_path, name, build())
    refused = refusal(kind, path.read_bytes(), path.name)
    assert words in refused.message
    assert isinstance(refused.details, list)
    assert str(refused) == refused.message


def test_zip_bomb_refused_without_unpacking(tmp_path, zip_bomb):
    assert len(zip_bomb) < 2_000_000
    path = write(tmp_path, "bomb.xlsx", zip_bomb)
    refused = refusal("college-learn", path.read_bytes(), path.name)
    assert "zip bomb" in refused.message


def test_over_compressed_member_refused():
    data = zip_of({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(20 * 1024 * 1024)})
    assert "zip bomb" in refusal("roster", data, "roster.xlsx").message


def test_missing_columns_listed_with_headers_found():
    data = csv_bytes([["Email", "Rank", "Role category"], ["a@b.uk", "PC", "frontline"]])
    refused = refusal("roster", data, "roster.csv")
    assert "Staff number" in refused.message and "Forename" in refused.message and "Surname" in refused.message
    assert refused.details[-1] == "Headers found: Email, Rank, Role category"


def test_text_named_xlsx_that_is_csv_is_read_as_csv():
    result = read_file("roster", ROSTER_CSV, "roster.xlsx", today=TODAY)
    assert [r.staff_number for r in result.rows] == ["S0001", "S0002"]


def test_xlsx_named_csv_is_read_as_xlsx():
    result = read_file("roster", xlsx_bytes([ROSTER_HEADERS, roster_row(1)]), "roster.csv", today=TODAY)
    assert [r.staff_number for r in result.rows] == ["S0001"]


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown kind"):
        read_file("payroll", ROSTER_CSV, "roster.csv", today=TODAY)


def test_wide_college_learn_export_uploaded_as_roster():
    data = csv_bytes([["First name", "Last name", "Email address", "ID number", "OIC module 1", "OIC module 2"],
                      ["Ann", "Lee", "a@kent.police.uk", "S1", "Completed", ""]])
    assert "This looks like a College Learn export, not a roster" in refusal("roster", data, "x.csv").message


def test_wrong_kind_on_the_first_sheet_does_not_hide_the_right_one_later():
    hydra = [HYDRA_HEADERS, ["20/01/2026", "H1", "Lewes", "T", "S1", "A", "B", "", "Sussex", "Yes"]]
    data = xlsx_bytes([ROSTER_HEADERS, roster_row(1)], sheets_before=[("Register", hydra)])
    result = read_file("roster", data, "both.xlsx", today=TODAY)
    assert [r.staff_number for r in result.rows] == ["S0001"]
    assert "This looks like a Hydra register" in refusal("roster", xlsx_bytes(hydra), "x.xlsx").message
