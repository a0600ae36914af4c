"""The league table as text, CSV, JSON and .xlsx, safe against spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from fractions import Fraction

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lms.compliance.rules import MODULES, round_half_up
from lms.core.csv_text import safe_cell
from lms.reports.pages import data_quality
from lms.reports.people import outstanding_text
from lms.reports.status import force_status

DATE_FORMAT = "dd/mm/yyyy"


HEADERS = [
    "Rank", "Force", "Code", "Region",
    "E-learning relevant", "E-learning complete", "E-learning %",
    "Hydra relevant", "Hydra complete", "Hydra %",
    "Overall relevant", "Overall complete", "Overall %",
    *[f"{m} complete" for m in MODULES],
    # Due dates: of the relevant people not complete, those past their due date and those not yet due.
    *[f"{label} {state}" for label in ("E-learning", "Hydra", "Overall") for state in ("overdue", "not yet due")],
    "Unmatched records", "Last roster upload", "Last College Learn upload", "Last Hydra upload",
    "Status", "Overdue since", "Rank before", "Overall % before", "Overall change (points)", "Data quality",
]
DATE_COLUMNS = ("Last roster upload", "Last College Learn upload", "Last Hydra upload")


def _day(value: str | date | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _status_columns(f: dict, as_of: date, deadline: date, before: dict | None) -> list:
    """Status, overdue since, the earlier rank and percent, the change in points, and the data-quality flags."""
    status = force_status(f, as_of, deadline)
    prev_rank = before.get("rank") if before else None
    prev_pct = before["overall"].get("percent") if before and prev_rank is not None else None
    now_pct = f["overall"]["percent"] if f["rank"] is not None else None
    change = None
    if prev_pct is not None and now_pct is not None:
        change = float(round_half_up(Fraction(str(now_pct)) - Fraction(str(prev_pct)), 1))
    # A table's public entries carry no has_roster: a force with a roster upload has one.
    flags = data_quality({**f, "has_roster": f.get("has_roster", bool(f["last_upload"].get("roster")))}, as_of)
    return [status["text"], deadline if status["overdue"] else None, prev_rank, prev_pct, change,
            "; ".join(flags) if flags else "None"]


def table_rows(table: dict, changes: dict[str, dict] | None = None) -> list[list]:
    """One list per force in rank order, matching HEADERS (upload dates as dates).

    ``changes`` holds each force's earlier entry by code (the last email's table, or the snapshots a month earlier):
    the "before" and "change" columns; without it they are empty.
    """
    as_of, deadline = _day(table["as_of"]), _day(table["deadline"])
    rows = []
    for f in table["forces"]:
        rows.append([
            f["rank"], f["name"], f["code"], f["region"],
            f["elearning"]["relevant"], f["elearning"]["complete"], f["elearning"]["percent"],
            f["hydra"]["relevant"], f["hydra"]["complete"], f["hydra"]["percent"],
            f["overall"]["relevant"], f["overall"]["complete"], f["overall"]["percent"],
            *[f["modules"][m] for m in MODULES],
            *[f[package].get(key, 0) for package in ("elearning", "hydra", "overall")
              for key in ("overdue", "not_yet_due")],
            f["unmatched_records"], *(_day(f["last_upload"][k]) for k in ("roster", "college-learn", "hydra")),
            *_status_columns(f, as_of, deadline, (changes or {}).get(f["code"])),
        ])
    return rows


def to_csv(table: dict, changes: dict[str, dict] | None = None) -> str:
    """The league table as CSV (formula-safe text cells; dates as yyyy-mm-dd)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f"League table as of {table['as_of']}", f"Deadline {table['deadline']}"])
    writer.writerow(HEADERS)
    for row in table_rows(table, changes):
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return out.getvalue()


def to_xlsx(table: dict, changes: dict[str, dict] | None = None) -> bytes:
    """The league table as an .xlsx workbook: the as-of date and deadline as date cells above a frozen header,
    upload dates as real dates, and the status, change and data-quality columns."""
    wb = Workbook()
    ws = wb.active
    ws.title = "League table"
    ws.append([f"OIC training compliance: league table as of {table['as_of']}"])
    ws.append([f"Deadline for recommendations 8 and 9: {table['deadline']}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["Figures as of", _day(table["as_of"]), "Deadline", _day(table["deadline"])])
    for ref in ("B3", "D3"):
        ws[ref].number_format = DATE_FORMAT
    ws.append(HEADERS)
    for cell in ws[4]:
        cell.font = Font(bold=True)
    date_columns = {HEADERS.index(h) for h in (*DATE_COLUMNS, "Overdue since")}
    for row in table_rows(table, changes):
        ws.append([safe_cell(v) for v in row])
        for index in date_columns:
            ws.cell(row=ws.max_row, column=index + 1).number_format = DATE_FORMAT
    ws.freeze_panes = "C5"
    ws.column_dimensions["B"].width = 42
    ws.column_dimensions["D"].width = 26
    for index in date_columns:
        ws.column_dimensions[get_column_letter(index + 1)].width = 14
    ws.column_dimensions[get_column_letter(HEADERS.index("Status") + 1)].width = 14
    ws.column_dimensions[get_column_letter(HEADERS.index("Data quality") + 1)].width = 50
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
    "Status", "Still to do", "Due date", "Overdue",
]


def _due_cells(status, styled) -> list:
    """The person's due date and whether they are past it, for someone with training still to do."""
    if not status.outstanding or status.due_date is None:
        return [None, None]
    return [styled(status.due_date, number_format=DATE_FORMAT), "Yes" if status.past_due else "No"]


def people_to_xlsx(force_name: str, lines: list, as_of, deadline, description: str) -> bytes:
    """The people list of one force as .xlsx: personal data, for the force's own leads only.

    ``lines`` are `lms.reports.people.PersonLine`s; every text cell is neutralised against formula injection.
    Written in openpyxl's write-only mode: a whole force of tens of thousands of people stays quick.
    """

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("People")
    for col, width in (("A", 14), ("B", 20), ("C", 16), ("D", 30), ("G", 24), ("P", 14), ("Q", 34), ("R", 14)):
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
            *_due_cells(status, styled),
        ])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
