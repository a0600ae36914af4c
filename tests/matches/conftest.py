"""A Kent roster, a Surrey roster with a namesake of one of Kent's people, and a Kent College Learn export whose
learners no rule can match: the world the lms.matches tests decide about."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.forces.service import get_force
from lms.imports.service import run_import
from lms.matches import queue
from lms.models import ImportBatch, Person
from lms.reports.figures import league_table
from tests.support.files import P, all_modules, learning, roster

DONE = date(2025, 6, 2)
KENT = [P("K001", "Ava", "Stone"), P("K002", "Ben", "Marsh"), P("K003", "Cara", "Lind"), P("K004", "Dana", "Whitlock"),
        P("K005", "Eve", "Hart"), P("K006", "Eve", "Hart", mail="eve.hart2@kent.invalid")]
SURREY = [P("S001", "Dana", "Whitlock", force="surrey"), P("S002", "Ava", "Stone", force="surrey")]
# Learners whose staff numbers and emails belong to nobody in Kent, with names close to (or far from) Kent's people.
LEARNERS = {
    "stones": P("X101", "Ava", "Stones", mail="x101@college.invalid"),  # one close suggestion: Ava Stone
    "bem": P("X102", "Bem", "Marsh", mail="x102@college.invalid"),  # a little less close: Ben Marsh
    "harte": P("X103", "Eve", "Harte", mail="x103@college.invalid"),  # two namesakes equally close
    "zed": P("X104", "Zed", "Quinn", mail="x104@college.invalid"),  # like nobody: the roster search finds them
}


@dataclass
class World:
    batch_id: int

    @staticmethod
    def person(staff: str, force: str = "kent") -> Person:
        return db.session.scalar(select(Person).where(Person.staff_number == staff,
                                                      Person.force_id == get_force(force).id))

    @staticmethod
    def key(name: str) -> str:
        """The waiting learner's identity, as the unmatched page carries it."""
        staff = LEARNERS[name].staff
        return next(w.identity_key for w in queue.waiting(get_force("kent"))[0] if w.staff_number == staff)

    @staticmethod
    def kent_figures(use_snapshots: bool = True) -> dict:
        """Kent's entry in the league table: from the stored snapshots (what the pages show), or computed afresh."""
        return next(f for f in league_table(use_snapshots=use_snapshots)["forces"] if f["code"] == "kent")

    @staticmethod
    def waiting_staff() -> set[str]:
        return {w.staff_number for w in queue.waiting(get_force("kent"))[0]}


@pytest.fixture
def world(app) -> World:
    for code, people in (("kent", KENT), ("surrey", SURREY)):
        assert not run_import("roster", roster(people), f"{code}-roster.csv", code, None).refused
    export = learning([entry for p in LEARNERS.values() for entry in all_modules(p, DONE)])
    outcome = run_import("college-learn", export, "kent-learn.xlsx", "kent", None)
    assert not outcome.refused
    db.session.commit()
    assert World.waiting_staff() == {p.staff for p in LEARNERS.values()}
    return World(outcome.batch.id)


def hidden_key(page: str, staff: str) -> str:
    """The identity_key field of the learner whose legend shows `staff`, from the unmatched page's HTML."""
    for block in page.split('<div id="learner-')[1:]:
        if f" {staff} " in block.split("</legend>")[0]:
            return re.search(r'name="identity_key" value="([^"]+)"', block).group(1).replace("&amp;", "&")
    raise AssertionError(f"no learner {staff} on the page")


def batch(batch_id: int) -> ImportBatch:
    return db.session.get(ImportBatch, batch_id)
