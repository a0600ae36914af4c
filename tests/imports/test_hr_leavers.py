"""Rosters from HR: a row that says the person has gone makes them a leaver (reported in the preview); suspended
people stay; a row with an error never makes a leaver; someone who left before ever being listed is not added."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from lms.core.clock import today
from lms.extensions import db
from lms.imports.service import run_import
from lms.models import Person
from tests.support.files import csv_bytes

# An HR extract as such systems write it: their own headings, a record status and a deleted flag.
HEADINGS = ["Personnel Id", "Forename 1", "Surname", "Known as", "Role category", "Record Status", "Deleted",
            "Leaving date"]


def hr_extract(rows: list[list]) -> bytes:
    return csv_bytes(HEADINGS, rows, encoding="utf-8-sig")


def person(staff: str, status: str = "Active", deleted: str = "0", leaving: str = "", category: str = "frontline",
           first: str | None = None) -> list:
    return [staff, first or f"Name{staff[-1]}", f"Surname{staff[-1]}", "", category, status, deleted, leaving]


def active() -> set[str]:
    return set(db.session.scalars(select(Person.staff_number).where(Person.active.is_(True))))


def test_hr_rows_that_say_the_person_has_gone_make_leavers(app):
    first = run_import("roster", hr_extract([person(f"K00{i}") for i in range(1, 7)]), "hr.csv", "kent", None)
    db.session.commit()
    assert not first.refused and first.summary["people_added"] == 6
    tomorrow = (today() + timedelta(days=1)).strftime("%d/%m/%Y")
    yesterday = (today() - timedelta(days=1)).strftime("%d/%m/%Y")
    rows = [
        person("K001"),
        person("K002", status="Leaver"),
        person("K003", status="Suspended"),  # suspended people stay
        person("K004", deleted="Y"),
        person("K005", leaving=yesterday),
        person("K006", leaving=tomorrow),  # still here today
        person("K009", status="Left"),  # left before ever being listed: not added
    ]
    preview = run_import("roster", hr_extract(rows), "hr2.csv", "kent", None, mode="preview")
    db.session.commit()
    s = preview.summary
    assert s["leavers"] == 3 and s["leavers_marked"] == 3 and s["people_added"] == 0
    assert active() == {f"K00{i}" for i in range(1, 7)}  # a preview changes nothing
    from lms.imports.service import commit_preview

    commit_preview(preview.batch, None)
    db.session.commit()
    assert active() == {"K001", "K003", "K006"}


def test_a_row_with_an_error_never_makes_a_leaver(app):
    run_import("roster", hr_extract([person("K001"), person("K002"), person("K003")]), "hr.csv", "kent", None)
    db.session.commit()
    # K002's row says Leaver but its category is unknown; K003's leaving date is not a date.
    rows = [person("K001"), person("K002", status="Leaver", category="wizard"),
            person("K003", leaving="31/02/2025")]
    outcome = run_import("roster", hr_extract(rows), "hr2.csv", "kent", None)
    db.session.commit()
    errors = {(e["row"], e["column"]) for e in outcome.summary["errors"]}
    assert (3, "Role category") in errors and 4 in {row for row, _ in errors}
    assert active() == {"K001", "K002", "K003"} and outcome.summary["leavers"] == 0


def test_the_preview_page_reports_leavers_marked_in_the_file(signed_in):
    run_import("roster", hr_extract([person("K001"), person("K002")]), "hr.csv", "kent", None)
    db.session.commit()
    client, _ = signed_in("force_lead", force="kent")
    import io

    response = client.post("/upload", data={"kind": "roster", "force": "kent", "file": (
        io.BytesIO(hr_extract([person("K001"), person("K002", status="Inactive")])), "hr2.csv")},
        content_type="multipart/form-data")
    page = client.get(response.location).get_data(as_text=True)
    assert re.search(r"Leavers\s*</dt>.*?1 leaver \(1 marked as gone in the file\)", page, re.DOTALL)
