"""A small known world for the report pages: Kent's roster of seven, its College Learn records and a Hydra
register; Essex with a roster of one."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from lms.forces.reference import REQUIREMENTS
from lms.imports.service import run_import
from lms.models import Force, Person

TITLES = {code: title for code, title, _package, _aliases in REQUIREMENTS}
SECRET_NAME = "Quixote"  # a surname that must never appear on aggregate pages


def csv_file(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


ROSTER = [
    ["Staff number", "Forename", "Surname", "Email", "Rank", "Role", "Department", "Role category", "Exempt until",
     "Exemption reason"],
    ["K001", "Alice", "Archer", "alice@kent.invalid", "PC", "Response", "Response", "frontline", "", ""],
    ["K002", "Bob", "Baker", "bob@kent.invalid", "DC", "Investigator", "CID", "investigator", "", ""],
    ["K003", "Cara", "Cole", "cara@kent.invalid", "DI", "Manager", "CID", "manager", "", ""],
    ["K004", "Dan", "Dyer", "dan@kent.invalid", "Staff", "Clerk", "Admin", "other", "", ""],
    ["K005", "Zebedee", SECRET_NAME, "zeb@kent.invalid", "PC", "Response", "Response", "frontline", "", ""],
    ["K006", "Erin", "Evans", "erin@kent.invalid", "DS", "Investigator", "CID", "investigator", "", ""],
    ["K007", "Fay", "Ford", "fay@kent.invalid", "PC", "Response", "Response", "frontline", "31/12/2027",
     "Long-term leave"],
]
CL_HEAD = ["Staff number", "Email", "First name", "Last name", "Organisation", "Course", "Status", "Date completed"]


def cl_rows() -> list[list]:
    rows = [CL_HEAD]
    for staff, first, last in (("K001", "Alice", "Archer"), ("K006", "Erin", "Evans")):
        for m in ("M1", "M2", "M3", "M4"):
            rows.append([staff, "", first, last, "Kent Police", TITLES[m], "Completed", "01/06/2026"])
    rows.append(["K006", "", "Erin", "Evans", "Kent Police", TITLES["M2"], "Completed", "03/07/2026"])  # repeat
    for m in ("M1", "M2", "M3"):
        rows.append(["K002", "", "Bob", "Baker", "Kent Police", TITLES[m], "Completed", "02/06/2026"])
    rows.append(["K005", "", "Zebedee", SECRET_NAME, "Kent Police", TITLES["M1"], "In progress", ""])
    rows.append(["K999", "", "Nobody", "Known", "Kent Police", TITLES["M1"], "Completed", "02/06/2026"])
    return rows


HYDRA = [
    ["Session date", "Session reference", "Venue", "Facilitator", "Staff number", "Forename", "Surname", "Email",
     "Force", "Attended"],
    ["10/06/2026", "HYD-1", "Maidstone", "MSOICU", "K002", "Bob", "Baker", "", "Kent Police", "Yes"],
    ["10/06/2026", "HYD-1", "Maidstone", "MSOICU", "K006", "Erin", "Evans", "", "Kent Police", "Attended"],
    ["10/06/2026", "HYD-1", "Maidstone", "MSOICU", "K003", "Cara", "Cole", "", "Kent Police", "Did not attend"],
]


def upload(db, kind: str, rows: list[list], force: str = "kent", filename: str | None = None):
    outcome = run_import(kind, csv_file(rows), filename or f"{kind}.csv", force, None)
    assert outcome.summary["status"] == "committed", outcome.summary
    db.session.commit()
    return outcome.batch


@pytest.fixture
def kent(db):
    """Kent with a roster of seven, College Learn records and a Hydra register; Essex with a roster of one."""
    upload(db, "roster", ROSTER)
    upload(db, "college-learn", cl_rows(), filename="college-learn-june.csv")
    upload(db, "hydra", HYDRA)
    upload(db, "roster", [ROSTER[0], ["E001", "Eve", "Essexperson", "", "PC", "", "Ops", "frontline", "", ""]],
           force="essex")
    return db.session.scalar(select(Force).where(Force.code == "kent"))


def person_id(db, surname: str) -> int:
    return db.session.scalar(select(Person.id).where(Person.surname == surname))
