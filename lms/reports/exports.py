"""The league table as text, CSV, JSON and .xlsx, safe against spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from lms.compliance.rules import MODULES
from lms.reports.people import outstanding_text

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise text a spreadsheet would run as a formula by prefixing an apostrophe.

    Leading spaces are looked through: some spreadsheets trim them before deciding a cell is a formula.
    """
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


HEADERS = [
    "Rank", "Force", "Code", "Region",
    "E-learning relevant", "E-learning complete", "E-learning %",
    "Hydra relevant", "Hydra complete", "Hydra %",
    "Overall relevant", "Overall complete", "Overall %",
    *[f"{m} complete" for m in MODULES],
    "Unmatched records", "Last roster upload", "Last College Learn upload", "Last Hydra upload",
]


def table_rows(table: dict) -> list[list]:
    """One list per force in rank order, matching HEADERS."""
    rows = []
    for f in table["forces"]:
        rows.append([
            f["rank"], f["name"], f["code"], f["region"],
            f["elearning"]["relevant"], f["elearning"]["complete"], f["elearning"]["percent"],
            f["hydra"]["relevant"], f["hydra"]["complete"], f["hydra"]["percent"],
            f["overall"]["relevant"], f["overall"]["complete"], f["overall"]["percent"],
            *[f["modules"][m] for m in MODULES],
            f["unmatched_records"], f["last_upload"]["roster"], f["last_upload"]["college-learn"],
            f["last_upload"]["hydra"],
        ])
    return rows


def to_csv(table: dict) -> str:
    """The league table as CSV (formula-safe text cells)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f"League table as of {table['as_of']}", f"Deadline {table['deadline']}"])
    writer.writerow(HEADERS)
    for row in table_rows(table):
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return out.getvalue()


def to_xlsx(table: dict) -> bytes:
    """The league table as an .xlsx workbook."""
    wb = Workbook()
    ws = wb.active
    ws.title = "League table"
    ws.append([f"OIC training compliance: league table as of {table['as_of']}"])
    ws.append([f"Deadline for recommendations 8 and 9: {table['deadline']}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(HEADERS)
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for row in table_rows(table):
        ws.append([safe_cell(v) for v in row])
    ws.freeze_panes = "C5"
    ws.column_dimensions["B"].width = 42
    ws.column_dimensions["D"].width = 26
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_text(table: dict) -> str:
    """The league table as aligned text for a terminal."""
    lines = [f"League table as of {table['as_of']} (deadline {table['deadline']})", ""]
    lines.append(f"{'Rank':>4}  {'Force':<42} {'E-learning':>10} {'Hydra':>7} {'Overall':>8}")

    def p(c):
        return "-" if c["percent"] is None else f"{c['percent']:.1f}%"

    for f in table["forces"]:
        rank = "-" if f["rank"] is None else str(f["rank"])
        lines.append(f"{rank:>4}  {f['name']:<42} {p(f['elearning']):>10} {p(f['hydra']):>7} {p(f['overall']):>8}")
    return "\n".join(lines) + "\n"


def render_table(table: dict, fmt: str) -> str | bytes:
    """The table in one of text, csv, json, xlsx."""
    if fmt == "json":
        return json.dumps(table, indent=2) + "\n"
    if fmt == "csv":
        return to_csv(table)
    if fmt == "xlsx":
        return to_xlsx(table)
    return to_text(table)


PEOPLE_HEADERS = [
    "Staff number", "Surname", "Forename", "Email", "Rank", "Role", "Department", "Role category",
    "E-learning required", "Hydra required", *[f"{m} completed" for m in MODULES], "Hydra attended",
    "Status", "Still to do",
]


def people_to_xlsx(force_name: str, lines: list, as_of, deadline, description: str) -> bytes:
    """The people list of one force as .xlsx: personal data, for the force's own leads only.

    ``lines`` are `lms.reports.people.PersonLine`s; every text cell is neutralised against formula injection.
    Written in openpyxl's write-only mode: a whole force of tens of thousands of people stays quick.
    """

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("People")
    for col, width in (("A", 14), ("B", 20), ("C", 16), ("D", 30), ("G", 24), ("P", 14), ("Q", 34)):
        ws.column_dimensions[col].width = width
    header_row = 5
    ws.freeze_panes = f"C{header_row + 1}"

    def styled(value, **style):
        cell = WriteOnlyCell(ws, value=value)
        for key, v in style.items():
            setattr(cell, key, v)
        return cell

    ws.append([styled(safe_cell(f"{force_name}: OIC training, {description}, as of {as_of.isoformat()}"),
                      font=Font(bold=True, size=14))])
    ws.append([f"Deadline for recommendations 8 and 9: {deadline.isoformat()}"])
    ws.append(["Personal data: handle under UK GDPR and your force's policy; do not forward outside the force."])
    ws.append([])
    ws.append([styled(h, font=Font(bold=True)) for h in PEOPLE_HEADERS])
    for line in lines:
        person, status = line.person, line.status
        if status.exempt:
            state = "Exempt"
        elif not status.relevant:
            state = "Nothing required"
        else:
            state = "Complete" if status.compliant else "Outstanding"
        dates = [status.module_dates[m] for m in MODULES] + [status.hydra_date]
        ws.append([
            *(safe_cell(v) for v in (person.staff_number, person.surname, person.forename, person.email, person.rank,
                                     person.role, person.department, person.role_category)),
            "Yes" if status.elearning_required else "No", "Yes" if status.hydra_required else "No",
            *(styled(d, number_format="dd/mm/yyyy") if d else None for d in dates),
            state, "" if state == "Complete" else safe_cell(outstanding_text(status)),
        ])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
