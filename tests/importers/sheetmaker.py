"""Builders for real .xlsx and .csv upload files, written on the fly into a test's tmp_path."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook

TODAY = date(2026, 11, 28)
FIXTURES = Path(__file__).parent / "fixtures"

ROSTER_HEADERS = ["Staff number", "Forename", "Surname", "Email", "Rank", "Role", "Department", "Role category"]
CL_HEADERS = ["Staff number", "Email", "First name", "Last name", "Organisation", "Course", "Status", "Date completed"]
HYDRA_HEADERS = ["Session date", "Session reference", "Venue", "Facilitator", "Staff number", "Forename", "Surname",
                 "Email", "Force", "Attended"]

M = {
    1: "Organised immigration crime - Module 1: Introduction to organised immigration crime",
    2: "Organised immigration crime - Module 2: Legislation and powers",
    3: "Organised immigration crime - Module 3: Incident types, investigative mindset and partner agencies",
    4: "Organised immigration crime - Module 4: Inland case study",
}


def xlsx_bytes(rows: list[list], *, titles: list[str] = (), merges: list[str] = (), sheets_before: list = (),
               number_formats: dict[str, str] | None = None) -> bytes:
    """An .xlsx whose first (or later) sheet holds title rows, then ``rows``; cells may be merged ("A5:A7")."""
    workbook = Workbook()
    first = workbook.active
    for index, (name, content) in enumerate(sheets_before):
        sheet = first if index == 0 else workbook.create_sheet()
        sheet.title = name
        for row in content:
            sheet.append(row)
    sheet = workbook.create_sheet("Data") if sheets_before else first
    for title in titles:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    for cell, fmt in (number_formats or {}).items():
        sheet[cell].number_format = fmt
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False,
              titles: list[str] = ()) -> bytes:
    """CSV bytes in an encoding, with an optional BOM and title lines above the headings."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for title in titles:
        writer.writerow([title])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    """Write a fixture file (so the test reads a real file from disk) and return its path."""
    path = tmp_path / name
    path.write_bytes(data)
    return path


def roster_row(n: int, category: str = "frontline", **overrides) -> list:
    """A valid roster row for staff number S000n."""
    row = {
        "Staff number": f"S{n:04d}", "Forename": "Ann", "Surname": f"Lee{n}", "Email": f"ann.lee{n}@kent.police.uk",
        "Rank": "Constable", "Role": "Response officer", "Department": "Response", "Role category": category,
    }
    row.update(overrides)
    return [row[h] for h in ROSTER_HEADERS]
