"""The compliance rules in SQL (`lms.compliance.sql`, through the report services) against the pure rules.

Hypothesis generates people in two forces (requirements resolved by `rules.resolve_requirements` from a role
category and optional Y/N flags), College Learn records (complete or not, repeated, occasionally undated), Hydra
attendances (attended or not), exemptions, leavers and unmatched records, and as-of dates on the day before, the
day of and the day after a record date, an exemption end, a due date or the day a validity lets a record go.
Due dates (DESIGN.md "Due dates") are drawn too: a start date and/or the day a later roster added each person, the
deadline, the grace period and each package's validity (written to the settings row the services read). Every
figure the database gives (`compute_figures`
nationally and per force, `force_breakdowns`, `people_counts`, `filtered_people`, `explain_person`) must equal
what `lms.compliance.rules` computes from the generated values alone. Runs on SQLite, and on PostgreSQL when
LMS_TEST_DATABASE_URL is set; each example's rows are rolled back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from lms.compliance import rules
from lms.compliance.rules import DEFAULT_RULES, MODULES, DuePolicy, PersonFacts, force_figures, person_status
from lms.models import DueDateSetting, Force, HydraAttendance, HydraSession, ImportBatch, LearningRecord, Person
from lms.reports import explain, figures, pages, people

FORCES = ("kent", "essex")
BASE = date(2026, 3, 1)
DEPARTMENTS = ("CID", "Response", " ", None)

DAY = st.integers(0, 12).map(lambda n: BASE + timedelta(days=n))
# About a month before BASE: records a one-month validity lets go while the as-of dates move over BASE's days.
OLD_DAY = st.integers(-3, 3).map(lambda n: BASE - timedelta(days=29 + n))
RECORD_DAY = st.one_of(DAY, DAY, OLD_DAY)
LEARNING = st.tuples(st.sampled_from(MODULES), st.booleans(), st.one_of(RECORD_DAY, st.none()))
PERSON = st.fixed_dictionaries({
    "force": st.sampled_from(FORCES),
    "category": st.sampled_from([*DEFAULT_RULES, None]),
    "elearning": st.sampled_from([None, None, True, False]),
    "hydra": st.sampled_from([None, None, True, False]),
    "active": st.sampled_from([True, True, True, False]),
    "exempt_until": st.one_of(st.none(), st.none(), DAY),
    "department": st.sampled_from(DEPARTMENTS),
    "learning": st.lists(LEARNING, max_size=7),
    "hydra_records": st.lists(st.tuples(st.booleans(), RECORD_DAY), max_size=3),
    "start_date": st.one_of(st.none(), st.none(), RECORD_DAY),
    "first_rostered_on": st.one_of(st.none(), DAY),
})
POLICY = st.builds(
    DuePolicy,
    deadline=st.integers(-2, 8).map(lambda n: BASE + timedelta(days=n)),
    grace_days=st.sampled_from([0, 1, 3, 90]),
    elearning_validity_months=st.sampled_from([None, None, 1, 2]),
    hydra_validity_months=st.sampled_from([None, None, 1]),
)
UNMATCHED = st.lists(st.tuples(st.sampled_from(FORCES), st.sampled_from(MODULES), DAY), max_size=3)


@dataclass
class Built:
    """The generated people as the rules see them, with what the breakdowns group them by."""

    forces: dict[str, Force]
    facts: dict[str, list[PersonFacts]]
    labels: dict[int, dict[str, str]]  # person id -> {"department": label, "role_category": label}
    due: DuePolicy = DuePolicy()


def requirements(spec: dict) -> tuple[str | None, bool, bool]:
    """(role category, e-learning required, Hydra required) as a roster row resolves them; a row with neither a
    known category nor both flags is given the category "other" (the importer would reject it)."""
    category = spec["category"]
    if category is None and None in (spec["elearning"], spec["hydra"]):
        category = "other"
    return category, *rules.resolve_requirements(category, spec["elearning"], spec["hydra"])


def build(db, specs: list[dict], unmatched: list[tuple]) -> Built:
    """Insert the generated people and records (flushed, not committed) and return their facts."""
    forces = {f.code: f for f in db.session.scalars(select(Force).where(Force.code.in_(FORCES)))}
    batches = {}
    for code, force in forces.items():
        cl = ImportBatch(kind="college-learn", force_id=force.id, status="committed", filename="cl.csv",
                         sha256="0" * 64)
        hy = ImportBatch(kind="hydra", force_id=force.id, status="committed", filename="hy.csv", sha256="1" * 64)
        db.session.add_all([cl, hy])
        db.session.flush()
        session = HydraSession(batch_id=hy.id, session_date=BASE, venue="Hall")
        db.session.add(session)
        db.session.flush()
        batches[code] = (cl, hy, session)
    built = Built(forces, {code: [] for code in FORCES}, {})
    for i, spec in enumerate(specs):
        fact = add_person(db, i, spec, forces[spec["force"]], *batches[spec["force"]])
        built.facts[spec["force"]].append(fact)
        built.labels[fact.person_id] = {"department": (spec["department"] or "").strip() or "Not recorded",
                                        "role_category": requirements(spec)[0] or "Not recorded"}
    for code, module, day in unmatched:  # kept, never counted
        cl, hy, session = batches[code]
        db.session.add(LearningRecord(batch_id=cl.id, force_id=forces[code].id, person_id=None,
                                      requirement_code=module, status="Completed", completed=True, completed_on=day,
                                      source_row=99, identity_key="s:nobody"))
        db.session.add(HydraAttendance(batch_id=hy.id, session_id=session.id, force_id=forces[code].id,
                                       person_id=None, session_date=day, attendance="Attended", attended=True,
                                       source_row=99, identity_key="s:nobody"))
    db.session.flush()
    return built


def add_person(db, i: int, spec: dict, force: Force, cl: ImportBatch, hy: ImportBatch, session) -> PersonFacts:
    """One generated person and their records; their facts as the rules take them."""
    category, el, hyd = requirements(spec)
    person = Person(force_id=force.id, staff_number=f"X{i:03d}", forename=f"F{i:03d}", surname=f"S{i:03d}",
                    name_key=f"f{i:03d} s{i:03d}", department=spec["department"], role_category=category,
                    elearning_required=el, hydra_required=hyd, exempt_until=spec["exempt_until"],
                    active=spec["active"], start_date=spec["start_date"],
                    first_rostered_on=spec["first_rostered_on"])
    db.session.add(person)
    db.session.flush()
    completions = []
    for row, (module, completed, day) in enumerate(spec["learning"]):
        day = day if completed or row % 2 else None  # incomplete records are mostly undated, as uploads give them
        db.session.add(LearningRecord(batch_id=cl.id, force_id=force.id, person_id=person.id, requirement_code=module,
                                      status="Completed" if completed else "In progress", completed=completed,
                                      completed_on=day, source_row=row + 2, identity_key=f"s:{i}"))
        if completed and day is not None:
            completions.append((module, day))
    attended = []
    for row, (went, day) in enumerate(spec["hydra_records"]):
        db.session.add(HydraAttendance(batch_id=hy.id, session_id=session.id, force_id=force.id, person_id=person.id,
                                       session_date=day, attendance="Attended" if went else "Did not attend",
                                       attended=went, source_row=row + 2, identity_key=f"s:{i}"))
        if went:
            attended.append(day)
    return PersonFacts(person.id, spec["active"], el, hyd, spec["exempt_until"], tuple(completions), tuple(attended),
                       spec["start_date"], spec["first_rostered_on"])


def anchors(specs: list[dict], due: DuePolicy = DuePolicy()) -> list[date]:
    """The days the rules turn on: record dates, exemption ends, due dates, and the days a validity lets a record go
    (and BASE, so there is always one)."""
    days = {BASE, due.deadline}
    for spec in specs:
        days.update(day for _, _, day in spec["learning"] if day is not None)
        days.update(day for _, day in spec["hydra_records"])
        if spec["exempt_until"] is not None:
            days.add(spec["exempt_until"])
        start = rules.person_start(spec["start_date"], spec["first_rostered_on"])
        days.add(rules.due_date(start, due))
    for months in (due.elearning_validity_months, due.hydra_validity_months):
        if months is not None:
            # About the last day a record dated `day` counts: `months` months on (the checks look a day either side).
            days.update(rules.months_before(day, -months) for day in list(days) if day < BASE)
    return sorted(days)


# --- the checks ---------------------------------------------------------------------------------------------------


def check_figures(built: Built, as_of: date) -> None:
    national = figures.compute_figures(as_of)
    by_id = {force.id: code for code, force in built.forces.items()}
    assert {by_id[fid] for fid in national} == {code for code, facts in built.facts.items() if facts}
    for fid, got in national.items():
        expected = force_figures(built.facts[by_id[fid]], as_of, built.due)
        assert {k: got[k] for k in ("elearning", "hydra", "overall", "modules")} == expected.as_dict()
        assert got["exempt"] == expected.exempt
        assert figures.compute_figures(as_of, [fid]) == {fid: got}


def expected_groups(built: Built, code: str, key: str, as_of: date) -> dict[str, dict]:
    members: dict[str, list[PersonFacts]] = defaultdict(list)
    for fact in built.facts[code]:
        if fact.active:
            members[built.labels[fact.person_id][key]].append(fact)
    out = {}
    for name, facts in members.items():
        fig = force_figures(facts, as_of, built.due)
        out[name] = {"name": name, "people": len(facts), "elearning": fig.elearning.as_dict(),
                     "hydra": fig.hydra.as_dict(), "overall": fig.overall.as_dict()}
    return out


def check_breakdowns(built: Built, code: str, as_of: date) -> None:
    got = pages.force_breakdowns(built.forces[code], as_of)
    merged = pages.force_breakdowns(built.forces[code], as_of, merge_small=True)
    for key in ("department", "role_category"):
        expected = expected_groups(built, code, key, as_of)
        assert {g["name"]: g for g in got[key]} == expected, key
        big = [g for g in expected.values() if g["overall"]["relevant"] >= pages.SMALL_GROUP]
        assert [g for g in merged[key] if g["name"] in expected] == sorted(big, key=lambda g: g["name"].casefold())
        small = [g for g in expected.values() if g["overall"]["relevant"] < pages.SMALL_GROUP]
        rest = [g for g in merged[key] if g["name"] not in expected]
        assert len(rest) == (1 if small else 0)
        if small:
            assert rest[0]["people"] == sum(g["people"] for g in small)
            for package in ("elearning", "hydra", "overall"):
                assert [rest[0][package][n] for n in ("relevant", "complete", "overdue", "not_yet_due")] == [
                    sum(g[package][n] for g in small) for n in ("relevant", "complete", "overdue", "not_yet_due")]


def check_people(built: Built, code: str, as_of: date) -> None:
    force = built.forces[code]
    statuses = {f.person_id: person_status(f, as_of, built.due) for f in built.facts[code] if f.active}
    expected = {
        "outstanding": [pid for pid, s in statuses.items() if s.relevant and not s.compliant],
        "overdue": [pid for pid, s in statuses.items() if s.overdue],
        "not_yet_due": [pid for pid, s in statuses.items() if s.not_yet_due],
        "all": list(statuses),
        "exempt": [pid for pid, s in statuses.items() if s.exempt],
    }
    assert people.people_counts(force, as_of) == {show: len(ids) for show, ids in expected.items()}
    for show, ids in expected.items():
        lines, total = people.filtered_people(force, as_of, people.PeopleFilter(show=show))
        assert total == len(ids) and [line.person.id for line in lines] == sorted(ids), show
        assert all(line.status == statuses[line.person.id] for line in lines)
    cid = [pid for pid in expected["all"] if built.labels[pid]["department"] == "CID"]
    lines, total = people.filtered_people(force, as_of, people.PeopleFilter(show="all", department="CID"), limit=2)
    assert total == len(cid) and [line.person.id for line in lines] == sorted(cid)[:2]


def check_explanations(db, built: Built, as_of: date, most: int = 5) -> None:
    for fact in [f for facts in built.facts.values() for f in facts][:most]:
        explained = explain.explain_person(db.session.get(Person, fact.person_id), as_of)
        status = person_status(fact, as_of, built.due)
        assert explained["status"] == status
        counted = [r for r in explained["learning"] + explained["hydra"] if r.counts]
        expected = [(code, day) for code, day in status.module_dates.items()
                    if day is not None and status.relevant and status.elearning_required]
        if status.relevant and status.hydra_required and status.hydra_complete:
            expected.append((rules.HYDRA, status.hydra_date))
        assert sorted((r.requirement, r.day) for r in counted) == sorted(expected)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(specs=st.lists(PERSON, max_size=12), unmatched=UNMATCHED, due=POLICY, data=st.data())
def test_sql_figures_filters_and_counts_follow_the_rules(app, db, specs, unmatched, due, data):
    deadline = app.config["DEADLINE"]
    try:
        app.config["DEADLINE"] = due.deadline
        db.session.add(DueDateSetting(id=1, grace_days=due.grace_days,
                                      elearning_validity_months=due.elearning_validity_months,
                                      hydra_validity_months=due.hydra_validity_months))
        built = build(db, specs, unmatched)
        built.due = due
        anchor = data.draw(st.sampled_from(anchors(specs, due)), label="anchor")
        for as_of in (anchor - timedelta(days=1), anchor, anchor + timedelta(days=1)):
            check_figures(built, as_of)
            for code in FORCES:
                check_breakdowns(built, code, as_of)
                check_people(built, code, as_of)
        check_explanations(db, built, anchor)
    finally:
        app.config["DEADLINE"] = deadline
        db.session.rollback()
