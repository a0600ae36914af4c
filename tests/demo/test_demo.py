"""`lms demo`: realistic data for all 43 forces, loaded through the real import pipeline, with working sign-ins."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from importers import read_file
from lms.cli import cli
from lms.demo import files as demo_files
from lms.demo import model as demo_model
from lms.demo import names as demo_names
from lms.demo.service import DEMO_EMAILS
from lms.forces.reference import module_aliases
from lms.models import (
    Force,
    ForceSnapshot,
    HydraAttendance,
    ImportBatch,
    LearningRecord,
    Person,
    User,
)
from lms.reports.figures import league_table

SCALE = "0.003"
SIGN_IN_LINE = re.compile(r"^\s+(admin|national|regional|force_lead)\s+(\S+@example\.invalid)\s+(\S+)", re.M)


def run_demo(runner, *args: str):
    result = runner.invoke(cli, ["demo", "--scale", SCALE, *args])
    return result


def loaded(runner, *args: str) -> dict[str, tuple[str, str]]:
    """Run the demo; return {email: (role, password)} from what it printed."""
    result = run_demo(runner, *args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "Sign in at http://127.0.0.1:5000" in result.output
    return {email: (role, password) for role, email, password in SIGN_IN_LINE.findall(result.output)}


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_demo_loads_every_force_through_the_pipeline(runner, db, app, today):
    loaded(runner)

    table = league_table()
    forces = table["forces"]
    assert len(forces) == 43
    unranked = [f["code"] for f in forces if f["rank"] is None]
    assert sorted(unranked) == ["gwent", "wiltshire"]  # no roster at all
    assert forces[0]["code"] == "greater-manchester"  # far ahead, as the inspection found
    ranked = [f for f in forces if f["rank"] is not None]
    assert sum(1 for f in ranked if (f["overall"]["percent"] or 0) < 5) >= 3  # some barely started
    assert sum(f["unmatched_records"] for f in forces) > 0
    assert next(f for f in forces if f["code"] == "wiltshire")["unmatched_records"] > 0  # uploads, no roster

    # Every kind of file was imported as a committed batch, some from their force lead or a ROCU.
    batches = list(db.session.scalars(select(ImportBatch)))
    assert {b.status for b in batches} == {"committed"}
    assert {b.kind for b in batches} == {"roster", "college-learn", "hydra"}
    assert any(b.summary["skipped_other_courses"] for b in batches)
    assert any(b.summary["errors"] for b in batches)  # a few realistic row errors to fix
    assert any(b.force_id is None and b.kind == "hydra" for b in batches)  # a regional register for "all"
    uploaders = {b.uploaded_by.email for b in batches if b.uploaded_by}
    assert uploaders == {"kent.training@example.invalid", "gmp.training@example.invalid",
                         "serocu.coordinator@example.invalid"}

    # Leavers from a second roster, exempt people, and stale forces whose uploads are over 30 days old.
    assert count(db, Person, Person.active.is_(False)) > 0
    assert count(db, Person, Person.active.is_(False), Person.left_on < today) > 0
    assert count(db, Person, Person.exempt_until.is_not(None)) > 0
    stale = {f["code"] for f in forces
             if f["last_upload"]["college-learn"]
             and date.fromisoformat(f["last_upload"]["college-learn"]) < today - timedelta(days=30)}
    assert stale == {c for c, p in demo_model.PROFILES.items() if p.stale}

    # Completion dates spread over the past 18 months, never in the future.
    first, last = db.session.execute(
        select(func.min(LearningRecord.completed_on), func.max(LearningRecord.completed_on))
        .where(LearningRecord.completed.is_(True))
    ).one()
    assert today - timedelta(days=560) <= first < today - timedelta(days=300)
    assert last <= today
    assert count(db, HydraAttendance, HydraAttendance.person_id.is_not(None)) > 0

    # A year of month-end snapshots (and today's) so trends rise.
    days = sorted(db.session.scalars(select(ForceSnapshot.as_of).distinct()))
    assert len(days) >= 12
    assert days[-1] == today
    totals = [sum(s.figures["entry"]["overall"]["complete"]
                  for s in db.session.scalars(select(ForceSnapshot).where(ForceSnapshot.as_of == d)))
              for d in days]
    assert totals == sorted(totals) and totals[0] < totals[-1]

    # Chief constables for most forces, at made-up addresses only.
    chiefs = [f.chief_email for f in db.session.scalars(select(Force))]
    assert 38 <= sum(1 for c in chiefs if c) <= 42
    assert all(re.fullmatch(r"chief\.constable@[a-z-]+\.police\.invalid", c) for c in chiefs if c)
    emails = db.session.scalars(select(Person.email).where(Person.email.is_not(None)))
    assert all(e.endswith(".police.invalid") for e in emails)

    # The files are on disk, readable by the importers a user would upload them with.
    folder = Path(app.config["INSTANCE_DIR"]) / "demo"
    files = sorted(folder.iterdir())
    assert {p.suffix for p in files} == {".csv", ".xlsx"}
    roster = next(p for p in files if p.name.startswith("kent_roster"))
    assert read_file("roster", roster.read_bytes(), roster.name, today=today).rows


def test_printed_sign_ins_work_and_if_empty_reset_and_refusal(runner, client, db):
    first = loaded(runner, "--if-empty")  # an empty database: `make run` loads it

    assert set(first) == set(DEMO_EMAILS)
    assert sorted(role for role, _ in first.values()) == ["admin", "force_lead", "force_lead", "national",
                                                          "regional"]
    for email, (_role, password) in first.items():
        assert len(password) >= 16
        response = client.post("/sign-in", data={"email": email, "password": password})
        assert response.status_code == 302, (email, response.get_data(as_text=True)[:500])
        client.post("/sign-out")
    kent = db.session.scalar(select(User).where(User.email == "kent.training@example.invalid"))
    assert kent.role == "force_lead" and kent.force.code == "kent"

    people = count(db, Person)
    table = league_table()
    result = run_demo(runner, "--if-empty")
    assert result.exit_code == 0
    assert result.output.strip() == "The database already has data; demo not loaded"
    assert count(db, Person) == people

    result = run_demo(runner)
    assert result.exit_code == 1
    assert "--reset" in result.output
    assert count(db, Person) == people

    second = loaded(runner, "--reset")
    assert count(db, Person) == people
    assert count(db, User) == 5
    assert league_table()["forces"] == table["forces"]  # the same seed gives the same data
    email = "demo.admin@example.invalid"
    assert first[email][1] != second[email][1]  # but new passwords
    assert client.post("/sign-in", data={"email": email, "password": first[email][1]}).status_code != 302
    assert client.post("/sign-in", data={"email": email, "password": second[email][1]}).status_code == 302


def test_if_empty_leaves_a_database_with_real_users_alone(runner, db, create_user):
    create_user("admin", email="real.admin@example.invalid")

    result = run_demo(runner, "--if-empty")

    assert result.exit_code == 0
    assert "demo not loaded" in result.output
    assert count(db, Person) == 0
    assert count(db, ImportBatch) == 0


def test_reset_keeps_other_users(runner, db, create_user):
    create_user("national", email="analyst@msoicu.example.invalid")

    loaded(runner, "--reset")

    assert db.session.scalar(select(User).where(User.email == "analyst@msoicu.example.invalid")) is not None
    assert count(db, User) == 6


def test_reset_and_if_empty_together_is_a_usage_error(runner):
    assert run_demo(runner, "--reset", "--if-empty").exit_code == 2


@pytest.fixture
def files(app, today):
    return demo_files.build(7, 0.003, today)[0]


def test_generated_files_are_deterministic_for_a_seed(files, today):
    again = demo_files.build(7, 0.003, today)[0]
    other = demo_files.build(8, 0.003, today)[0]
    csv = [f.data for f in files if f.filename.endswith(".csv")]
    assert csv == [f.data for f in again if f.filename.endswith(".csv")]
    assert csv != [f.data for f in other if f.filename.endswith(".csv")]


def test_generated_files_read_cleanly_in_every_shape(files, today):
    aliases = module_aliases()
    assert all(f.uploaded_on <= today for f in files)
    shapes = set()
    for f in files:
        result = read_file(f.kind, f.data, f.filename, today=today, module_aliases=aliases)
        assert result.rows, f.filename
        if f.kind == "college-learn":
            shapes.add(result.shape)
    assert shapes == {"long", "wide"}


def test_made_up_names_fit_windows_1252():
    for name in demo_names.FORENAMES + demo_names.SURNAMES:
        name.encode("cp1252")
    assert {"Zoë", "Siân"} <= set(demo_names.FORENAMES)
    assert {"O'Brien", "Ní Bhraonáin"} <= set(demo_names.SURNAMES)
