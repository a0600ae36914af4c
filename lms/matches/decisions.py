"""A force's remembered decisions: who decided what about which learner, when and from which batch; and undo.

Undoing a decision forgets it and matches the force's records again (lms.imports.apply.rematch): the learner's
records go back to the unmatched queue, or to whatever rule now matches them, and the figures follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from lms.audit import service as audit
from lms.core.errors import ServiceError
from lms.core.paging import Paging
from lms.core.text import count_of
from lms.extensions import db
from lms.imports.apply import rematch
from lms.matches.queue import WaitingLearner, learner, learners
from lms.models import Force, HydraAttendance, ImportBatch, LearningRecord, MatchDecision, Person, User
from lms.reports.figures import refresh_snapshots

PER_PAGE = 25


class DecisionNotFound(ServiceError):
    """No such decision for this force (never another force's)."""

    status = 404


@dataclass
class DecisionLine:
    """One remembered decision as the decisions page shows it."""

    id: int
    decision: str  # confirmed, dismissed
    learner: WaitingLearner
    person: Person | None
    decided_by: str | None
    decided_at: datetime
    batch: ImportBatch | None
    similarity: float | None

    @property
    def confirmed(self) -> bool:
        return self.decision == "confirmed"


def page_of(force: Force, page: int, per_page: int = PER_PAGE) -> tuple[list[DecisionLine], Paging]:
    """One page of the force's decisions, newest first, and the paging."""
    total = db.session.scalar(select(func.count()).select_from(MatchDecision)
                              .where(MatchDecision.force_id == force.id)) or 0
    paging = Paging.of(page, total, per_page)
    rows = db.session.scalars(
        select(MatchDecision).where(MatchDecision.force_id == force.id)
        .order_by(MatchDecision.decided_at.desc(), MatchDecision.id.desc())
        .offset(paging.offset).limit(per_page)
    ).all()
    return _lines(force, rows), paging


def get(force: Force, decision_id: int) -> DecisionLine:
    """One of the force's decisions; DecisionNotFound for any other id."""
    row = db.session.scalar(select(MatchDecision).where(MatchDecision.id == decision_id,
                                                        MatchDecision.force_id == force.id))
    if row is None:
        raise DecisionNotFound("There is no such decision for this force", status=404)
    return _lines(force, [row])[0]


def _lines(force: Force, rows: list[MatchDecision]) -> list[DecisionLine]:
    people = _by_id(Person, {r.person_id for r in rows})
    users = _by_id(User, {r.decided_by_id for r in rows})
    batches = _by_id(ImportBatch, {r.batch_id for r in rows})
    named = learners(force, [r.identity_key for r in rows])
    out = []
    for r in rows:
        who = users.get(r.decided_by_id)
        out.append(DecisionLine(
            r.id, r.decision, _named(named[r.identity_key]), people.get(r.person_id),
            (who.name or who.email) if who else None, r.decided_at, batches.get(r.batch_id), r.similarity,
        ))
    return out


def _by_id(model, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    return {o.id: o for o in db.session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}


def _named(found: WaitingLearner) -> WaitingLearner:
    """The learner as their records name them; from the identity itself when no record is left (rolled back)."""
    if not found.records:
        parts = dict(part.partition(":")[::2] for part in found.identity_key.split("|"))  # s:…|e:…|n:…
        found.staff_number, found.email = parts.get("s") or None, parts.get("e") or None
        found.first_name = (parts.get("n") or "").title() or None
    return found


def undo(force: Force, decision_id: int, user: User | None) -> str:
    """Forget the decision and match the force's records again; says where the learner's records went. Audited."""
    line = get(force, decision_id)
    row = db.session.get(MatchDecision, line.id)
    key = row.identity_key
    db.session.delete(row)
    # Back to "no rule has spoken" before the re-match, so a record a decision held is judged afresh.
    for model in (LearningRecord, HydraAttendance):
        db.session.execute(update(model).where(model.force_id == force.id, model.identity_key == key)
                           .values(person_id=None, match_method=None, dismissed=False))
    db.session.flush()
    rematch([force.id])
    refresh_snapshots(force_ids=[force.id])
    waiting = learner(force, key, waiting_only=True).records
    audit.record("unmatched.undone", user, force_id=force.id,
                 target=f"person {line.person.id}" if line.person else None, decision=line.decision,
                 records=line.learner.records)
    db.session.flush()
    name = line.learner.name
    if not line.learner.records:
        return f"Undone: {name} has no records now, so nothing else changed"
    if waiting:
        return f"Undone: {count_of(waiting, 'record')} of {name} are back in the unmatched queue"
    return f"Undone: {name}'s records now match by the usual rules (staff number, email or name)"
