"""Upload order never changes the result (DESIGN.md "Identity"): a property over generated forces.

Hypothesis builds a small Kent: people on two or three roster snapshots in sequence (joiners missing from the first,
leavers missing from the last, emails that change, namesakes), a College Learn export and a Hydra register whose
learners are written as real exports write them (full details, staff numbers with leading zeros, email only, name
only, a stale email), and some who are on no roster at all. The same files are then imported through the real
service in two orders: every roster first, then the exports; and a drawn order (the exports before, between or
after the rosters, which keep their own order), with batches rolled back and imported again along the way. Each
person's record (which completions and sessions are theirs), the unmatched queue and Kent's figures must be the
same at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.core.clock import today
from lms.extensions import db
from lms.forces.service import get_force
from lms.imports.service import get_batch, rollback, run_import
from lms.matches import queue
from lms.models import Base
from lms.reports.figures import league_table, refresh_snapshots, snapshot_entries
from lms.reports.people import force_people, person_in_force, person_records
from tests.support.files import MODULE_TITLES, P, hydra, learning, roster

D = date(2025, 6, 2)
NAMES = [("Ava", "Stone"), ("Ben", "Marsh"), ("Cara", "Hill")]  # few, so namesakes are common
CATEGORIES = ["frontline", "investigator", "manager"]
# How a learner is written in an export: what it says about who they are.
WRITTEN = ["full", "zeros", "email_only", "name_only", "stale_email", "new_email"]
FIGURES = ("rank", "elearning", "hydra", "overall", "modules", "unmatched_records")
# Reference data the app fixture loaded: kept between the runs of one example, everything else is deleted.
REFERENCE = {"region", "force", "requirement", "role_rule", "schedule_setting"}


@dataclass(frozen=True)
class Someone:
    """A generated person: on which rosters they are, how exports write them and what they have done."""

    staff: str
    name: int
    category: str
    on_roster: tuple[bool, ...]  # one flag per roster snapshot: never on any = someone no roster lists
    email_changes_at: int | None  # the roster from which their email is the new one
    modules: frozenset[str]
    hydra: str | None  # "Attended", "Did not attend" or no line
    learn_as: str
    hydra_as: str

    def on(self, snapshot: int) -> P:
        first, last = NAMES[self.name]
        new = self.email_changes_at is not None and snapshot >= self.email_changes_at
        return P(self.staff, first, last, self.category, mail=self.new_email if new else self.email)

    @property
    def email(self) -> str:
        return f"p{self.staff}@kent.police.invalid"

    @property
    def new_email(self) -> str:
        return f"p{self.staff}.moved@kent.police.invalid"

    def written(self, how: str) -> P:
        """The learner as an export writes them."""
        first, last = NAMES[self.name]
        staff, mail = {
            "full": (self.staff, self.email), "zeros": ("000" + self.staff, ""), "email_only": ("", self.email),
            "name_only": ("", ""), "stale_email": ("", f"old.{self.staff}@elsewhere.invalid"),
            "new_email": ("", self.new_email),
        }[how]
        return P(staff, first, last, mail=mail)


@st.composite
def forces(draw) -> tuple[int, list[Someone]]:
    snapshots = draw(st.integers(2, 3), label="rosters")
    staff = draw(st.lists(st.integers(1, 99), min_size=2, max_size=5, unique=True), label="staff numbers")
    people = []
    for number in staff:
        on_roster = tuple(draw(st.lists(st.booleans(), min_size=snapshots, max_size=snapshots)))
        people.append(Someone(
            staff=str(number), name=draw(st.integers(0, len(NAMES) - 1)), category=draw(st.sampled_from(CATEGORIES)),
            on_roster=on_roster, email_changes_at=draw(st.none() | st.integers(1, snapshots - 1)),
            modules=frozenset(draw(st.sets(st.sampled_from(sorted(MODULE_TITLES))))),
            hydra=draw(st.sampled_from([None, "Attended", "Did not attend"])),
            learn_as=draw(st.sampled_from(WRITTEN)), hydra_as=draw(st.sampled_from(WRITTEN)),
        ))
    for snapshot in range(snapshots):  # a roster lists somebody
        if not any(p.on_roster[snapshot] for p in people):
            people[0] = replace(people[0], on_roster=tuple(
                True if i == snapshot else flag for i, flag in enumerate(people[0].on_roster)))
    return snapshots, people


def files_of(snapshots: int, people: list[Someone]) -> dict[str, tuple[str, bytes]]:
    """The files, by name: R0.. the roster snapshots, CL the College Learn export, HY the Hydra register."""
    files = {f"R{i}": ("roster", roster([p.on(i) for p in people if p.on_roster[i]])) for i in range(snapshots)}
    entries = [(p.written(p.learn_as), code, "Completed", D) for p in people for code in sorted(p.modules)]
    if entries:
        files["CL"] = ("college-learn", learning(entries))
    lines = [(p.written(p.hydra_as), D, p.hydra) for p in people if p.hydra]
    if lines:
        files["HY"] = ("hydra", hydra(lines))
    return files


@st.composite
def orders(draw, names: list[str]) -> list[tuple[str, str]]:
    """(action, file) steps: every file imported once in the end, rosters in their order; some batches rolled back
    and imported again, right away or a few steps later (an export only: a roster waits for the later ones)."""
    rosters = [n for n in names if n.startswith("R")]
    sequence = list(rosters)
    for name in (n for n in names if not n.startswith("R")):
        sequence.insert(draw(st.integers(0, len(sequence)), label=f"{name} goes before"), name)
    steps: list[tuple[str, str]] = []
    later: list[str] = []  # exports rolled back, waiting to be imported again
    for name in sequence:
        steps.append(("import", name))
        if draw(st.booleans(), label=f"roll back {name} at once"):
            steps += [("rollback", name), ("import", name)]
        elif not name.startswith("R") and draw(st.booleans(), label=f"roll back {name} after the next file"):
            later.append(name)
            continue
        for waiting in list(later):
            if waiting != name:
                steps += [("rollback", waiting), ("import", waiting)]
                later.remove(waiting)
    for waiting in later:
        steps += [("rollback", waiting), ("import", waiting)]
    return steps


def clean() -> None:
    """Everything but the reference data deleted: each run starts from the same empty Kent."""
    db.session.rollback()
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in REFERENCE:
            db.session.execute(table.delete())
    refresh_snapshots()  # every force's snapshot for today, as the daily job leaves them
    db.session.commit()


def run(files: dict[str, tuple[str, bytes]], steps: list[tuple[str, str]]) -> dict:
    """Import and roll back as the steps say, then read back what a lead would see."""
    clean()
    committed: dict[str, int] = {}
    for action, name in steps:
        kind, data = files[name]
        if action == "import":
            outcome = run_import(kind, data, f"{name}.{'xlsx' if kind == 'college-learn' else 'csv'}", "kent", None,
                                 confirm_leavers=True, confirm_force=True)
            assert outcome.summary["status"] == "committed", outcome.summary.get("message")
            committed[name] = outcome.batch.id
        else:
            rollback(get_batch(committed.pop(name), None), None)
        db.session.commit()
    return seen()


def seen() -> dict:
    """Each person's records and status (by staff number), the unmatched queue, and Kent's figures."""
    force = get_force("kent")
    people = {}
    for line in force_people(force, today(), include_leavers=True):
        records = person_records(person_in_force(force, line.person.id))
        people[line.person.staff_number] = {
            "active": line.person.active,
            "learning": sorted((r.requirement_code, r.completed, r.completed_on) for r, _b in records["learning"]),
            "hydra": sorted((r.session_date, r.attended) for r, _b in records["hydra"]),
            "relevant": line.status.relevant, "compliant": line.status.compliant,
        }
    learners, total = queue.waiting(force)
    computed = next(f for f in league_table(use_snapshots=False)["forces"] if f["code"] == "kent")
    assert snapshot_entries(today()) is not None  # the pages read snapshots: they were refreshed
    stored = next(f for f in league_table()["forces"] if f["code"] == "kent")
    assert {k: stored[k] for k in FIGURES} == {k: computed[k] for k in FIGURES}
    return {"people": people, "waiting": sorted((w.identity_key, w.records) for w in learners), "total": total,
            "figures": {k: computed[k] for k in FIGURES}}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow, HealthCheck.data_too_large])
@given(force=forces(), data=st.data())
def test_every_upload_order_gives_the_same_people_records_and_figures(app, force, data):
    snapshots, people = force
    files = files_of(snapshots, people)
    names = list(files)
    steps = data.draw(orders(names), label="steps")
    rosters_first = [("import", n) for n in names if n.startswith("R")] + [
        ("import", n) for n in names if not n.startswith("R")]
    try:
        expected = run(files, rosters_first)
        assert run(files, steps) == expected
    finally:
        clean()
