"""The set-based figures (lms.reports.figures) against the rules (lms.compliance.rules) on hand-built and
generated data.

The generated dataset is built in Python first and inserted directly; the oracle is `compliance.force_figures`
over the generator's own in-memory facts, so the check never reads the database the way the service does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.compliance.rules import MODULES, PersonFacts, force_figures, rank_forces
from lms.models import Force, ForceSnapshot, HydraAttendance, HydraSession, ImportBatch, LearningRecord, Person
from lms.reports import figures, pages
from lms.reports import people as people_service

AS_OF_DATES = [date(2025, 3, 1), date(2025, 9, 30), date(2026, 4, 30), date(2026, 4, 29)]
GEN_FORCES = ["kent", "essex", "surrey", "dorset", "gwent", "city-of-london"]


@dataclass
class Generated:
    """What the generator inserted, as plain values: {force code: [PersonFacts]} plus the department of each id."""

    facts: dict[str, list[PersonFacts]] = field(default_factory=dict)
    departments: dict[int, str] = field(default_factory=dict)
    categories: dict[int, str] = field(default_factory=dict)


def _batch(db, kind: str, force: Force) -> ImportBatch:
    batch = ImportBatch(kind=kind, force_id=force.id, status="committed", filename=f"{kind}-{force.code}.csv",
                        sha256="0" * 64)
    db.session.add(batch)
    db.session.flush()
    return batch


def random_day(rng: random.Random) -> date:
    return date(2025, 1, 1) + timedelta(days=rng.randrange(0, 700))


def generate(db, seed: int = 20260430) -> Generated:
    """A national-ish dataset: six forces, a few hundred people, random records, with a fixed seed.

    Includes leavers with records, exemptions either side of the test dates, records not yet complete, repeats,
    records of people not required to do them, unmatched records, and one force where nobody must train.
    """
    rng = random.Random(seed)
    out = Generated()
    forces = {f.code: f for f in db.session.scalars(select(Force).where(Force.code.in_(GEN_FORCES)))}
    for code in GEN_FORCES:
        force = forces[code]
        roster, cl, hy = _batch(db, "roster", force), _batch(db, "college-learn", force), _batch(db, "hydra", force)
        session = HydraSession(batch_id=hy.id, session_date=date(2025, 6, 1), venue="Hall")
        db.session.add(session)
        db.session.flush()
        facts: list[PersonFacts] = []
        nobody_trains = code == "city-of-london"
        for i in range(rng.randint(40, 90)):
            category = "other" if nobody_trains else rng.choice(["frontline", "investigator", "manager", "other"])
            el, hyd = {"frontline": (True, False), "investigator": (True, True), "manager": (False, True),
                       "other": (False, False)}[category]
            if not nobody_trains and rng.random() < 0.1:  # explicit flags overriding the category
                el, hyd = rng.random() < 0.5, rng.random() < 0.5
            exempt_until = random_day(rng) if rng.random() < 0.08 else None
            active = rng.random() > 0.1
            person = Person(force_id=force.id, staff_number=f"{code[:3].upper()}{i:04d}", forename=f"F{i}",
                            surname=f"S{i}", name_key=f"f{i} s{i}", department=rng.choice(["CID", "Response", "Ops"]),
                            role_category=category, elearning_required=el, hydra_required=hyd,
                            exempt_until=exempt_until, active=active, created_batch_id=roster.id)
            db.session.add(person)
            db.session.flush()
            completions: list[tuple[str, date]] = []
            for module in MODULES:
                for _ in range(rng.choice([0, 1, 1, 1, 2])):
                    completed = rng.random() < 0.85
                    day = random_day(rng)
                    db.session.add(LearningRecord(
                        batch_id=cl.id, force_id=force.id, person_id=person.id, requirement_code=module,
                        status="Completed" if completed else "In progress", completed=completed,
                        completed_on=day if completed else None, source_row=2, identity_key=f"s:{i}"))
                    if completed:
                        completions.append((module, day))
            attended_days: list[date] = []
            for _ in range(rng.choice([0, 0, 1, 2])):
                attended = rng.random() < 0.8
                day = random_day(rng)
                db.session.add(HydraAttendance(
                    batch_id=hy.id, session_id=session.id, force_id=force.id, person_id=person.id,
                    session_date=day, attendance="Attended" if attended else "Did not attend", attended=attended,
                    source_row=2, identity_key=f"s:{i}"))
                if attended:
                    attended_days.append(day)
            facts.append(PersonFacts(person.id, active, el, hyd, exempt_until, tuple(completions),
                                     tuple(attended_days)))
            out.departments[person.id] = person.department
            out.categories[person.id] = category
        for _ in range(rng.randint(0, 8)):  # unmatched: kept, never counted
            db.session.add(LearningRecord(
                batch_id=cl.id, force_id=force.id, person_id=None, requirement_code=rng.choice(MODULES),
                status="Completed", completed=True, completed_on=random_day(rng), source_row=9,
                identity_key="s:nobody"))
            db.session.add(HydraAttendance(
                batch_id=hy.id, session_id=session.id, force_id=force.id, person_id=None,
                session_date=random_day(rng), attendance="Attended", attended=True, source_row=9,
                identity_key="s:nobody"))
        out.facts[code] = facts
    db.session.commit()
    return out


@pytest.fixture
def generated(db) -> Generated:
    return generate(db)


def oracle_table(gen: Generated, as_of: date) -> list[dict]:
    """Ranked entries for the generated forces, computed by the rules module alone."""
    entries = []
    for code, facts in gen.facts.items():
        fig = force_figures(facts, as_of)
        entries.append({"code": code, "name": code, "has_roster": True, **fig.as_dict()})
    return rank_forces(entries)


@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_set_based_figures_match_the_rules_on_generated_data(db, generated, as_of):
    forces = {f.id: f.code for f in db.session.scalars(select(Force))}
    computed = figures.compute_figures(as_of)

    assert {forces[fid] for fid in computed} == set(GEN_FORCES)
    for fid, fig in computed.items():
        expected = force_figures(generated.facts[forces[fid]], as_of)
        assert {k: fig[k] for k in ("elearning", "hydra", "overall", "modules")} == expected.as_dict(), forces[fid]
        assert fig["exempt"] == expected.exempt


@pytest.mark.parametrize("as_of", AS_OF_DATES[1:3])
def test_league_table_ranks_generated_forces_as_the_rules_do(db, generated, as_of):
    table = figures.league_table(as_of, use_snapshots=False)
    by_code = {f["code"]: f for f in table["forces"]}
    expected = {e["code"]: e for e in oracle_table(generated, as_of)}

    assert len(table["forces"]) == 43
    ranked = [f for f in table["forces"] if f["rank"] is not None]
    assert {f["code"] for f in ranked} == {c for c, e in expected.items() if e["rank"] is not None}
    # Ranks among the generated forces are the oracle's (no other force has a roster).
    for code, e in expected.items():
        assert by_code[code]["rank"] == e["rank"]
        assert by_code[code]["overall"] == (e["overall"] if e["rank"] else {**e["overall"], "percent": None})
    # city-of-london has a roster but nobody who must train: unranked, listed after the ranked forces.
    assert by_code["city-of-london"]["rank"] is None
    assert [f["rank"] is None for f in table["forces"]] == sorted(f["rank"] is None for f in table["forces"])


def test_single_force_figures_equal_the_national_run(db, generated):
    as_of = date(2026, 4, 30)
    national = figures.compute_figures(as_of)
    for fid in national:
        assert figures.compute_figures(as_of, [fid])[fid] == national[fid]


def test_breakdowns_match_the_rules_per_department_and_role_category(db, generated):
    as_of = date(2026, 4, 30)
    kent = db.session.scalar(select(Force).where(Force.code == "kent"))
    facts = [f for f in generated.facts["kent"] if f.active]
    groups = pages.force_breakdowns(kent, as_of)

    for key, labels in (("department", generated.departments), ("role_category", generated.categories)):
        got = {g["name"]: g for g in groups[key]}
        names = {labels[f.person_id] for f in facts}
        assert set(got) == names
        for name in names:
            members = [f for f in facts if labels[f.person_id] == name]
            expected = force_figures(members, as_of)
            assert got[name]["people"] == len(members)
            for package in ("elearning", "hydra", "overall"):
                assert got[name][package] == getattr(expected, package).as_dict(), (key, name, package)


def test_force_people_statuses_agree_with_the_figures(db, generated):
    as_of = date(2025, 9, 30)
    kent = db.session.scalar(select(Force).where(Force.code == "kent"))
    lines = people_service.force_people(kent, as_of)
    fig = figures.compute_figures(as_of, [kent.id])[kent.id]

    assert len(lines) == sum(1 for f in generated.facts["kent"] if f.active)
    assert sum(line.status.relevant for line in lines) == fig["overall"]["relevant"]
    assert sum(line.status.compliant for line in lines) == fig["overall"]["complete"]


def test_snapshot_table_is_the_cold_table(db, generated, today):
    cold = figures.league_table(today, use_snapshots=False)
    assert figures.refresh_snapshots() == 43
    db.session.commit()
    assert db.session.scalar(select(ForceSnapshot).limit(1)) is not None
    assert figures.snapshot_entries(today) is not None
    assert figures.league_table(today) == cold


def test_unmatched_and_record_counts(db, generated):
    entries = {e["code"]: e for e in figures.league_entries(date(2026, 4, 30))}
    kent = db.session.scalar(select(Force).where(Force.code == "kent"))
    unmatched = db.session.query(LearningRecord).filter_by(force_id=kent.id, person_id=None).count() + \
        db.session.query(HydraAttendance).filter_by(force_id=kent.id, person_id=None).count()
    total = db.session.query(LearningRecord).filter_by(force_id=kent.id).count() + \
        db.session.query(HydraAttendance).filter_by(force_id=kent.id).count()
    assert entries["kent"]["unmatched_records"] == unmatched
    assert entries["kent"]["records"] == total


# --- hand-built cases ---------------------------------------------------------------------------------------------


def add_force_people(db, code: str, people: list[dict]) -> Force:
    """People for a force: dicts with el, hy (required), modules {code: date}, hydra [dates], active, exempt."""
    force = db.session.scalar(select(Force).where(Force.code == code))
    cl, hy = _batch(db, "college-learn", force), _batch(db, "hydra", force)
    session = HydraSession(batch_id=hy.id, session_date=date(2025, 6, 1))
    db.session.add(session)
    db.session.flush()
    for i, spec in enumerate(people):
        person = Person(force_id=force.id, forename=f"P{i}", surname=code, elearning_required=spec.get("el", False),
                        hydra_required=spec.get("hy", False), active=spec.get("active", True),
                        exempt_until=spec.get("exempt"), department=spec.get("dept"),
                        role_category=spec.get("category"))
        db.session.add(person)
        db.session.flush()
        for module, day in spec.get("modules", {}).items():
            db.session.add(LearningRecord(batch_id=cl.id, force_id=force.id, person_id=person.id,
                                          requirement_code=module, status="Completed", completed=True,
                                          completed_on=day, source_row=i + 2, identity_key=f"k{i}"))
        for day in spec.get("hydra", []):
            db.session.add(HydraAttendance(batch_id=hy.id, session_id=session.id, force_id=force.id,
                                           person_id=person.id, session_date=day, attendance="Attended",
                                           attended=True, source_row=i + 2, identity_key=f"k{i}"))
    db.session.commit()
    return force


DONE = dict.fromkeys(MODULES, date(2026, 1, 5))


def trained(n: int) -> list[dict]:
    return [{"el": True, "modules": DONE}] * n


def untrained(n: int) -> list[dict]:
    return [{"el": True}] * n


def test_ties_share_a_rank_and_the_next_rank_skips(db):
    add_force_people(db, "kent", trained(2) + untrained(2))      # 50.0
    add_force_people(db, "surrey", trained(1) + untrained(1))    # 50.0
    add_force_people(db, "essex", trained(3) + untrained(1))     # 75.0
    add_force_people(db, "dorset", trained(1) + untrained(3))    # 25.0
    add_force_people(db, "gwent", [{"category": "other"}])       # roster, nobody relevant

    table = figures.league_table(date(2026, 2, 1), use_snapshots=False)
    order = [(f["code"], f["rank"]) for f in table["forces"][:5]]

    assert order == [("essex", 1), ("kent", 2), ("surrey", 2), ("dorset", 4), ("avon-and-somerset", None)]
    gwent = next(f for f in table["forces"] if f["code"] == "gwent")
    assert gwent["rank"] is None and gwent["overall"] == {"relevant": 0, "complete": 0, "percent": None,
                                                              "overdue": 0, "not_yet_due": 0}


def test_hand_built_force_counts_each_rule(db):
    day = date(2026, 2, 1)
    add_force_people(db, "kent", [
        {"el": True, "modules": DONE},                                          # complete
        {"el": True, "modules": {**DONE, "M4": date(2026, 3, 1)}},              # M4 after as_of
        {"el": True, "hy": True, "modules": DONE, "hydra": [date(2025, 7, 1)]},  # complete both
        {"el": True, "hy": True, "modules": DONE},                              # Hydra missing
        {"hy": True, "hydra": [date(2025, 7, 1)], "modules": DONE},             # manager: e-learning not counted
        {"el": True, "modules": DONE, "active": False},                         # leaver: never counts
        {"el": True, "exempt": date(2026, 2, 1)},                               # exempt through as_of
        {"el": True, "exempt": date(2026, 1, 31)},                              # exemption over: relevant
        {"category": "other", "modules": DONE},                                 # nothing required
    ])
    fig = figures.compute_figures(day)
    kent = next(iter(fig.values()))

    # Before the deadline, nobody is overdue: everyone not complete is not yet due.
    assert kent["elearning"] == {"relevant": 5, "complete": 3, "percent": 60.0, "overdue": 0, "not_yet_due": 2}
    assert kent["hydra"] == {"relevant": 3, "complete": 2, "percent": 66.7, "overdue": 0, "not_yet_due": 1}
    assert kent["overall"] == {"relevant": 6, "complete": 3, "percent": 50.0, "overdue": 0, "not_yet_due": 3}
    assert kent["modules"] == {"M1": 4, "M2": 4, "M3": 4, "M4": 3}
    assert kent["exempt"] == 1


# --- RAG, data quality, movement ----------------------------------------------------------------------------------


def entry(percent, complete=None, relevant=100, rank=1, **extra):
    complete = round(percent) if complete is None else complete
    return {"rank": rank, "has_roster": True, "overall": {"relevant": relevant, "complete": complete,
                                                          "percent": percent},
            "last_upload": {"roster": None, "college-learn": None, "hydra": None}, **extra}


DEADLINE = date(2026, 4, 30)


@pytest.mark.parametrize(("percent", "as_of", "colour", "text"), [
    (100.0, date(2026, 1, 1), "green", "Target met"),
    (100.0, date(2026, 6, 1), "green", "Target met"),
    (95.0, DEADLINE, "yellow", "Nearly there"),
    (90.0, date(2026, 1, 1), "yellow", "Nearly there"),
    (89.9, date(2026, 1, 1), "orange", "Behind"),
    (50.0, date(2026, 1, 1), "orange", "Behind"),
    (49.9, date(2026, 1, 1), "red", "Far behind"),
    (95.0, DEADLINE + timedelta(days=1), "yellow", "Nearly there"),
    (80.4, DEADLINE + timedelta(days=214), "orange", "Behind"),
    (0.0, DEADLINE + timedelta(days=214), "red", "Far behind"),
])
def test_status_bands_keep_their_thresholds_after_the_deadline(percent, as_of, colour, text):
    status = pages.rag_status(entry(percent, complete=int(percent * 10), relevant=1000), as_of, DEADLINE)
    overdue = "overdue since 30 April 2026" if as_of > DEADLINE and text != "Target met" else None
    assert status == {"colour": colour, "text": text, "overdue": overdue,
                      "label": f"{text}, {overdue}" if overdue else text}


def test_rag_99_95_percent_is_not_target_met():
    assert pages.rag_status(entry(100.0, complete=1999, relevant=2000), date(2026, 1, 1), DEADLINE)["text"] == \
        "Nearly there"


def test_rag_of_unranked_force_is_grey():
    e = {**entry(None, complete=0, relevant=0, rank=None), "has_roster": False}
    assert pages.rag_status(e, DEADLINE, DEADLINE) == {"colour": "grey", "text": "No roster", "overdue": None,
                                                       "label": "No roster"}


def test_data_quality_flags():
    as_of = date(2026, 11, 28)
    fresh = {"roster": "2026-11-01", "college-learn": "2026-10-29", "hydra": "2026-11-20"}
    assert pages.data_quality(entry(50, last_upload=fresh, unmatched_records=50, records=1000), as_of) == []
    stale = {**fresh, "college-learn": "2026-10-28", "hydra": None}
    assert pages.data_quality(entry(50, last_upload=stale, unmatched_records=0, records=10), as_of) == [
        "College Learn data 31 days old", "No Hydra upload"]
    assert pages.data_quality(entry(50, last_upload=fresh, unmatched_records=51, records=10_000), as_of) == [
        "51 unmatched records (1% of records)"]
    assert pages.data_quality(entry(50, last_upload=fresh, unmatched_records=6, records=100), as_of) == [
        "6 unmatched records (6% of records)"]
    assert pages.data_quality(entry(50, last_upload=fresh, unmatched_records=5, records=100), as_of) == []
    nothing = {**entry(None, 0, 0, rank=None), "has_roster": False}
    assert pages.data_quality(nothing, as_of) == ["No uploads yet"]
    hydra_only = {**nothing, "last_upload": {"roster": None, "college-learn": None, "hydra": "2026-11-20"}}
    assert pages.data_quality(hydra_only, as_of) == ["No roster uploaded", "No College Learn upload"]


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 3, 31), date(2026, 2, 28)), (date(2024, 3, 31), date(2024, 2, 29)),
    (date(2026, 1, 15), date(2025, 12, 15)), (date(2026, 11, 28), date(2026, 10, 28)),
])
def test_month_earlier(day, expected):
    assert pages.month_earlier(day) == expected


def test_movement_compares_with_the_snapshot_in_force_a_month_earlier(db):
    add_force_people(db, "kent", trained(1) + untrained(3))     # 25%
    add_force_people(db, "essex", trained(3) + untrained(1))    # 75%
    add_force_people(db, "surrey", trained(1) + untrained(1))   # 50%
    surrey = db.session.scalar(select(Force).where(Force.code == "surrey"))
    # A month earlier: snapshots from before surrey had a roster, kent first, essex second.
    figures.refresh_snapshots(date(2026, 1, 10))
    for snap in db.session.scalars(select(ForceSnapshot)):
        e = dict(snap.figures["entry"])
        if e["code"] == "kent":
            e["overall"] = {"relevant": 4, "complete": 4, "percent": 100.0}
        if e["code"] == "surrey":
            e["has_roster"], e["overall"] = False, {"relevant": 0, "complete": 0, "percent": None}
        snap.figures = {"fresh": True, "entry": e}
    # A later snapshot than the comparison date must not be used.
    figures.refresh_snapshots(date(2026, 2, 5), force_ids=[surrey.id])
    db.session.commit()

    since, moves = pages.movement(figures.league_entries(date(2026, 2, 15)), date(2026, 2, 15))

    assert since == date(2026, 1, 15)
    assert moves["essex"] == {"status": "up", "places": 1, "previous_rank": 2, "percent_change": 0.0}
    assert moves["kent"] == {"status": "down", "places": 2, "previous_rank": 1, "percent_change": -75.0}
    assert moves["surrey"]["status"] == "new"
    assert moves["durham"]["status"] == "none"
