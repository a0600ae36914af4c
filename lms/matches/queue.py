"""The unmatched queue: records no rule could tie to a person, waiting for the force lead's decision."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import func, select, update

from importers.identity import name_key
from lms.audit import service as audit
from lms.core.errors import ServiceError
from lms.core.paging import Paging
from lms.core.text import count_of
from lms.extensions import db
from lms.imports.matching import ForceIndex
from lms.matches import roster
from lms.models import Force, HydraAttendance, LearningRecord, MatchDecision, Person, User
from lms.models.base import utcnow
from lms.reports.figures import distinct_record_columns, not_pending, refresh_snapshots, unmatched_counts

PER_PAGE = 50  # learners on a page of the queue: each has a question, a search and a button


class DecisionError(ServiceError):
    """The decision cannot be recorded; the message says why and names the learner."""


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


def waiting(force: Force, limit: int | None = 200, offset: int = 0) -> tuple[list[WaitingLearner], int]:
    """Up to `limit` (None: all) waiting learners (one per identity, by surname, from the `offset`th) with up to
    three likely people each; and the total."""
    learners: dict[str, WaitingLearner] = {}
    for kind, model in (("College Learn", LearningRecord), ("Hydra", HydraAttendance)):
        waiting_here = (model.force_id == force.id, model.person_id.is_(None), model.dismissed.is_(False),
                        *not_pending(model))  # another force's pending lines wait in lms.pending's queue
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
    shown = ordered[offset:None if limit is None else offset + limit]
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


@dataclass
class QueuePage:
    """The unmatched page: the waiting learners, and the roster search one of them asked for (no-JS fallback)."""

    learners: list[WaitingLearner]
    paging: Paging
    searching: str | None = None  # the identity whose "search the roster" was used
    query: str = ""
    found: list[Person] = field(default_factory=list)


def page(force: Force, searching: str | None = None, query: str | None = None, number: int = 1) -> QueuePage:
    """A page of the waiting learners with their suggestions; with `searching` and `query`, the force's active
    people the search finds for that learner (those already suggested to them are left out)."""
    learners, total = waiting(force, PER_PAGE, (max(1, number) - 1) * PER_PAGE)
    paging = Paging.of(number, total, PER_PAGE)
    if not learners and total:  # past the last page: show the last one
        learners, total = waiting(force, PER_PAGE, paging.offset)
    out = QueuePage(learners, paging)
    target = next((w for w in learners if w.identity_key == searching), None)
    if target is not None:
        out.searching, out.query = searching, (query or "").strip()[:roster.MAX_QUERY]
        suggested = {person.id for person, _ in target.candidates}
        out.found = [p for p in roster.search(force, out.query) if p.id not in suggested]
    return out


def forces_waiting() -> list[tuple[Force, int]]:
    """Forces with records in their unmatched queue, most waiting first."""

    counts = unmatched_counts()
    forces = {f.id: f for f in db.session.scalars(select(Force).where(Force.id.in_(counts or {-1})))}
    return sorted(((forces[i], n) for i, n in counts.items() if n), key=lambda fn: (-fn[1], fn[0].name))


def _records(force: Force, key: str):
    for model in (LearningRecord, HydraAttendance):
        yield model, (model.force_id == force.id, model.identity_key == key, model.person_id.is_(None),
                      *not_pending(model))


def learner(force: Force, key: str, *, waiting_only: bool = False) -> WaitingLearner:
    """The learner an identity stands for, as their records name them, with how many records they have (or have
    waiting in the queue); a record repeated across uploads counts once."""
    return learners(force, [key], waiting_only=waiting_only)[key]


def learners(force: Force, keys: list[str], *, waiting_only: bool = False) -> dict[str, WaitingLearner]:
    """`learner` for many identities at once: two grouped queries per kind of record, whatever the number of keys
    (the decisions page shows a page of them)."""
    found = {key: WaitingLearner(key, None, None, None, None, 0) for key in keys}
    for kind, model in (("College Learn", LearningRecord), ("Hydra", HydraAttendance)):
        where = (model.force_id == force.id, model.identity_key.in_(keys or [""]), *not_pending(model))
        if waiting_only:
            where = (*where, model.person_id.is_(None), model.dismissed.is_(False))
        names = {row[0]: row[1:] for row in db.session.execute(
            select(model.identity_key, func.min(model.staff_number), func.min(model.email),
                   func.min(model.first_name), func.min(model.last_name)).where(*where).group_by(model.identity_key))}
        distinct_records = select(*distinct_record_columns(model)).where(*where).distinct().subquery()
        counts = db.session.execute(select(distinct_records.c.identity_key, func.count())
                                    .group_by(distinct_records.c.identity_key))
        for key, n in counts:
            item = found[key]
            staff, email, first, last = names[key]
            item.kinds.add(kind)
            item.records += int(n)
            item.staff_number = item.staff_number or staff
            item.email = item.email or email
            item.first_name = item.first_name or first
            item.last_name = item.last_name or last
    return found


def similarity(found: WaitingLearner, person: Person) -> float:
    """How alike the learner's name and the person's are, 0-100, as the queue's suggestions score them."""
    return float(fuzz.token_sort_ratio(name_key(found.first_name, found.last_name),
                                       name_key(person.forename, person.surname)))


def confirm(force: Force, key: str, person_id: int, user: User | None, *, refresh: bool = True,
            via: str | None = None) -> int:
    """Tie every waiting record with this identity to the person, and remember it for later uploads."""
    person = db.session.get(Person, person_id)
    found = learner(force, key)
    if person is None or person.force_id != force.id:
        raise DecisionError(f"Choose a person from {force.name}'s roster for {found.name}, or dismiss their records",
                            field=key)
    _remember(force, key, person.id, "confirmed", user, similarity(found, person))
    n = 0
    for model, where in _records(force, key):
        n += db.session.execute(update(model).where(*where).values(person_id=person.id, match_method="confirmed",
                                                                   dismissed=False)).rowcount
    if refresh:
        refresh_snapshots(force_ids=[force.id])
    details = {"via": via} if via else {}
    audit.record("unmatched.confirmed", user, force_id=force.id, target=f"person {person.id}", records=n, **details)
    db.session.flush()
    return n


def dismiss(force: Force, key: str, user: User | None) -> int:
    """Take the identity out of the queue (not one of ours); the records are kept and never count."""
    _remember(force, key, None, "dismissed", user, None)
    n = 0
    for model, where in _records(force, key):
        n += db.session.execute(update(model).where(*where).values(dismissed=True)).rowcount
    refresh_snapshots(force_ids=[force.id])
    audit.record("unmatched.dismissed", user, force_id=force.id, records=n)
    db.session.flush()
    return n


def decide(force: Force, key: str, choice: str, user: User | None) -> str:
    """Carry out the lead's choice for a learner's records ("dismiss", or a person's id); says what was done.

    A refusal (no choice, a person of another force) raises DecisionError naming the learner, with the learner's
    identity as its field, so the page can put the error on their question. A learner with nothing waiting any more
    (decided in another tab, or a made-up identity) is refused too: no decision is remembered for nobody."""
    if not learner(force, key, waiting_only=True).records:
        raise DecisionError("Nothing is waiting for that learner any more: their records were matched or dismissed "
                            "already (see the decisions page)")
    if choice == "dismiss":
        return f"Dismissed {count_of(dismiss(force, key, user), 'record')}: they are kept but never count"
    if choice.isdigit():
        n = confirm(force, key, int(choice), user)
        return f"Matched {count_of(n, 'record')}; later uploads will match this learner too"
    raise DecisionError(f"Choose a person for {learner(force, key).name}, or dismiss their records", field=key)


def _remember(force: Force, key: str, person_id: int | None, decision: str, user: User | None,
              score: float | None) -> None:
    row = db.session.scalar(select(MatchDecision).where(MatchDecision.force_id == force.id,
                                                        MatchDecision.identity_key == key))
    if row is None:
        row = MatchDecision(force_id=force.id, identity_key=key)
        db.session.add(row)
    row.person_id = person_id
    row.decision = decision
    row.decided_by_id = user.id if user else None
    row.decided_at = utcnow()
    row.similarity = score
    # The newest batch the decided records came from: the decisions page links to it.
    row.batch_id = max((b for model, where in _records(force, key)
                        for b in [db.session.scalar(select(func.max(model.batch_id)).where(*where))] if b is not None),
                       default=None)
