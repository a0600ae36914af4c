"""The unmatched queue: records no rule could tie to a person, waiting for the force lead's decision."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, update

from lms.audit import service as audit
from lms.extensions import db
from lms.imports.matching import ForceIndex
from lms.models import Force, HydraAttendance, LearningRecord, MatchDecision, Person, User
from lms.reports.figures import distinct_record_columns, refresh_snapshots, unmatched_counts


class DecisionError(ValueError):
    """The decision cannot be recorded; the message says why."""


@dataclass
class WaitingLearner:
    identity_key: str
    staff_number: str | None
    email: str | None
    first_name: str | None
    last_name: str | None
    records: int
    kinds: set[str] = field(default_factory=set)
    candidates: list[tuple[Person, float]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.first_name or ''} {self.last_name or ''}".strip() or "(no name)"


def waiting(force: Force, limit: int = 200) -> tuple[list[WaitingLearner], int]:
    """Up to `limit` waiting learners (one per identity) with up to three likely people each; and the total."""
    learners: dict[str, WaitingLearner] = {}
    for kind, model in (("College Learn", LearningRecord), ("Hydra", HydraAttendance)):
        waiting_here = (model.force_id == force.id, model.person_id.is_(None), model.dismissed.is_(False))
        # Records repeated across uploads count once.
        distinct_records = select(*distinct_record_columns(model)).where(*waiting_here).distinct().subquery()
        counts = dict(db.session.execute(
            select(distinct_records.c.identity_key, func.count()).group_by(distinct_records.c.identity_key)
        ).all())
        rows = db.session.execute(
            select(model.identity_key, func.min(model.staff_number), func.min(model.email),
                   func.min(model.first_name), func.min(model.last_name))
            .where(*waiting_here)
            .group_by(model.identity_key)
        )
        for key, staff, email, first, last in rows:
            n = counts.get(key, 0)
            item = learners.get(key) or WaitingLearner(key, staff, email, first, last, 0)
            item.records += int(n)
            item.kinds.add(kind)
            learners[key] = item
    ordered = sorted(learners.values(), key=lambda w: ((w.last_name or "").lower(), (w.first_name or "").lower()))
    shown = ordered[:limit]
    if shown:
        index = ForceIndex.load(force.id)
        wanted: dict[str, list[tuple[int, float]]] = {
            w.identity_key: index.candidates(w.first_name, w.last_name) for w in shown
        }
        ids = {pid for found in wanted.values() for pid, _ in found}
        people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids or {-1})))}
        for w in shown:
            w.candidates = [(people[pid], score) for pid, score in wanted[w.identity_key] if pid in people]
    return shown, len(ordered)


def forces_waiting() -> list[tuple[Force, int]]:
    """Forces with records in their unmatched queue, most waiting first."""

    counts = unmatched_counts()
    forces = {f.id: f for f in db.session.scalars(select(Force).where(Force.id.in_(counts or {-1})))}
    return sorted(((forces[i], n) for i, n in counts.items() if n), key=lambda fn: (-fn[1], fn[0].name))


def _records(force: Force, key: str):
    for model in (LearningRecord, HydraAttendance):
        yield model, (model.force_id == force.id, model.identity_key == key, model.person_id.is_(None))


def confirm(force: Force, key: str, person_id: int, user: User | None) -> int:
    """Tie every waiting record with this identity to the person, and remember it for later uploads."""
    person = db.session.get(Person, person_id)
    if person is None or person.force_id != force.id:
        raise DecisionError("Choose a person from this force's roster")
    _remember(force, key, person.id, "confirmed", user)
    n = 0
    for model, where in _records(force, key):
        n += db.session.execute(update(model).where(*where).values(person_id=person.id, match_method="confirmed",
                                                                   dismissed=False)).rowcount
    refresh_snapshots(force_ids=[force.id])
    audit.record("unmatched.confirmed", user, force_id=force.id, target=f"person {person.id}", records=n)
    db.session.flush()
    return n


def dismiss(force: Force, key: str, user: User | None) -> int:
    """Take the identity out of the queue (not one of ours); the records are kept and never count."""
    _remember(force, key, None, "dismissed", user)
    n = 0
    for model, where in _records(force, key):
        n += db.session.execute(update(model).where(*where).values(dismissed=True)).rowcount
    refresh_snapshots(force_ids=[force.id])
    audit.record("unmatched.dismissed", user, force_id=force.id, records=n)
    db.session.flush()
    return n


def decide(force: Force, key: str, choice: str, user: User | None) -> str:
    """Carry out the lead's choice for a learner's records ("dismiss", or a person's id); says what was done."""
    if choice == "dismiss":
        return f"Dismissed {dismiss(force, key, user)} records: they are kept but never count"
    if choice.isdigit():
        return f"Matched {confirm(force, key, int(choice), user)} records; later uploads will match this learner too"
    raise DecisionError("Choose a person, or dismiss the records")


def _remember(force: Force, key: str, person_id: int | None, decision: str, user: User | None) -> None:
    row = db.session.scalar(select(MatchDecision).where(MatchDecision.force_id == force.id,
                                                        MatchDecision.identity_key == key))
    if row is None:
        row = MatchDecision(force_id=force.id, identity_key=key)
        db.session.add(row)
    row.person_id = person_id
    row.decision = decision
    row.decided_by_id = user.id if user else None
