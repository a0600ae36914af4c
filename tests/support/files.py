"""Make real .csv and .xlsx upload files for tests: made-up people, .invalid email domains."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook

ROSTER_HEADERS = ["Staff number", "Forename", "Surname", "Email", "Rank", "Role", "Department", "Role category"]
LEARN_HEADERS = ["Staff number", "Email", "First name", "Last name", "Organisation", "Course", "Status",
                 "Date completed"]
HYDRA_HEADERS = ["Session date", "Session reference", "Venue", "Facilitator", "Staff number", "Forename", "Surname",
                 "Email", "Force", "Attended"]
MODULE_TITLES = {
    "M1": "OIC module 1: introduction to organised immigration crime",
    "M2": "OIC module 2: legislation and powers",
    "M3": "OIC module 3: incident types and the investigative mindset",
    "M4": "OIC module 4: inland case study",
}


@dataclass
class P:
    """A made-up person."""

    staff: str
    first: str
    last: str
    category: str = "frontline"
    department: str = "Response"
    force: str = "kent"
    mail: str | None = None

    @property
    def email(self) -> str:
        if self.mail is not None:
            return self.mail
        return f"{self.first.lower()}.{self.last.lower()}@{self.force}.police.invalid"


def csv_bytes(headers: list[str], rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(headers: list[str], rows: list[list], *, title_rows: list[str] = ()) -> bytes:
    wb = Workbook()
    ws = wb.active
    for title in title_rows:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def roster(people: list[P]) -> bytes:
    return csv_bytes(ROSTER_HEADERS, [[p.staff, p.first, p.last, p.email, "Constable", "Officer", p.department,
                                       p.category] for p in people])


def learning(entries: list[tuple[P, str, str, date | None]], *, other_courses: int = 0) -> bytes:
    """entries: (person, module code, status, date) -> a long-shape College Learn .xlsx."""
    rows = [[p.staff, p.email, p.first, p.last, "Kent Police" if p.force == "kent" else p.force,
             MODULE_TITLES[code], status, day] for p, code, status, day in entries]
    rows += [["X1", "x@kent.police.invalid", "Other", "Course", "Kent Police", "Fire safety awareness", "Completed",
              date(2025, 1, 1)] for _ in range(other_courses)]
    return xlsx_bytes(LEARN_HEADERS, rows)


def all_modules(p: P, day: date) -> list[tuple[P, str, str, date]]:
    return [(p, code, "Completed", day) for code in MODULE_TITLES]


def hydra(entries: list[tuple[P, date, str]], *, force_name: str = "Kent Police") -> bytes:
    """entries: (person, session date, attended text) -> a Hydra register .csv."""
    rows = [[day.strftime("%d/%m/%Y"), f"HYD-{day:%m%d}", "Training centre", "MSOICU trainer", p.staff, p.first,
             p.last, p.email, force_name, attended] for p, day, attended in entries]
    return csv_bytes(HYDRA_HEADERS, rows)
