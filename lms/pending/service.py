"""Pending records: Hydra lines another force's register sent to this force, waiting for it to accept them.

A register uploaded by someone who may not upload for a delegate's force (DESIGN.md "Hydra register") stores that
delegate's line for their force with `pending` set (lms.imports.routing). It is matched like any line, so the
force's lead sees who it is, but counts in no figure until the force's lead, its ROCU or an admin accepts it.
Accepting makes it count (the force's snapshots are refreshed); declining keeps it for the audit trail, never
counted. Both are audited. Rolling back the sending batch deletes its lines, pending or accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from lms import policy
from lms.audit import service as audit
from lms.core.errors import ServiceError
from lms.core.paging import Paging
from lms.extensions import db
from lms.models import BatchForce, Force, HydraAttendance, HydraSession, ImportBatch, Person, User, utcnow
from lms.reports.figures import refresh_snapshots

ACCEPTED, DECLINED = "accepted", "declined"


class PendingError(ServiceError):
    """The decision cannot be made; the message says why."""


@dataclass(frozen=True)
class PendingLine:
    """One waiting line: the session, where it came from, the delegate as written, and who they match."""

    id: int
    session_id: int
    session_date: object
    venue: str | None
    facilitator: str | None
    reference: str | None
    batch_id: int
    sent_by_force: str | None  # the sending batch's force; None for a register uploaded for all forces
    sent_by: str | None  # the uploader's name (or email)
    first_name: str | None
    last_name: str | None
    staff_number: str | None
    email: str | None
    attendance: str
    attended: bool
    person: Person | None
    match_method: str | None
    dismissed: bool

    @property
    def name(self) -> str:
        """The delegate's name as the register wrote it."""
        return f"{self.first_name or ''} {self.last_name or ''}".strip() or "(no name)"


def _waiting(force_id: int):
    ha = HydraAttendance
    return (ha.force_id == force_id, ha.pending.is_(True), ha.review.is_(None))


def waiting_counts(force_ids: list[int] | None = None) -> dict[int, int]:
    """Lines waiting to be accepted or declined, per force id (forces with none left out)."""
    ha = HydraAttendance
    q = select(ha.force_id, func.count()).where(ha.pending.is_(True), ha.review.is_(None)).group_by(ha.force_id)
    if force_ids is not None:
        q = q.where(ha.force_id.in_(force_ids))
    return {force_id: int(n) for force_id, n in db.session.execute(q)}


def waiting_for(user: User) -> int:
    """How many lines wait for this user to act on, over every force they may review (for the navigation)."""
    if user.role == policy.FORCE_LEAD:
        return waiting_counts([user.force_id]).get(user.force_id, 0) if user.force_id else 0
    return sum(n for _force, n in forces_waiting(user))


def forces_waiting(user: User) -> list[tuple[Force, int]]:
    """Forces with lines waiting that this user may review, most waiting first."""
    counts = waiting_counts()
    forces = db.session.scalars(select(Force).where(Force.id.in_(counts or {-1})))
    return sorted(((f, counts[f.id]) for f in forces if policy.can_review_pending(user, f)),
                  key=lambda fn: (-fn[1], fn[0].name))


def waiting(force: Force, page: int = 1, per_page: int = 50) -> tuple[list[PendingLine], Paging]:
    """One page of the force's waiting lines, by session date, then delegate; and the paging."""
    ha, hs = HydraAttendance, HydraSession
    paging = Paging.of(page, waiting_counts([force.id]).get(force.id, 0), per_page)
    rows = db.session.execute(
        select(ha, hs, ImportBatch)
        .join(hs, hs.id == ha.session_id)
        .join(ImportBatch, ImportBatch.id == ha.batch_id)
        .where(*_waiting(force.id))
        .order_by(ha.session_date, hs.id, func.lower(func.coalesce(ha.last_name, "")),
                  func.lower(func.coalesce(ha.first_name, "")), ha.id)
        .offset(paging.offset)
        .limit(paging.per_page)
    ).all()
    ids = {line.person_id for line, _s, _b in rows if line.person_id is not None}
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(ids or {-1})))}
    return [_line(line, session, batch, people.get(line.person_id)) for line, session, batch in rows], paging


def _line(line: HydraAttendance, session: HydraSession, batch: ImportBatch, person: Person | None) -> PendingLine:
    uploader = batch.uploaded_by
    return PendingLine(
        id=line.id, session_id=session.id, session_date=session.session_date, venue=session.venue,
        facilitator=session.facilitator, reference=session.reference, batch_id=batch.id,
        sent_by_force=batch.force.name if batch.force else None,
        sent_by=(uploader.name or uploader.email) if uploader else None, first_name=line.first_name,
        last_name=line.last_name, staff_number=line.staff_number, email=line.email, attendance=line.attendance,
        attended=line.attended, person=person, match_method=line.match_method, dismissed=line.dismissed,
    )


def latest_waiting_id(force: Force) -> int:
    """The newest waiting line's id (0 for none): "accept all" accepts the lines up to it, the ones the lead saw."""
    return db.session.scalar(select(func.max(HydraAttendance.id)).where(*_waiting(force.id))) or 0


@dataclass(frozen=True)
class Sender:
    """A register that sent waiting lines: its batch, its force, who uploaded it, how many lines wait."""

    batch_id: int
    force: str | None
    uploaded_by: str | None
    first_session: object
    last_session: object
    lines: int


def senders(force: Force, upto: int | None = None) -> list[Sender]:
    """The registers whose lines wait for the force (up to line `upto`), oldest batch first: what "accept all"
    would accept."""
    ha = HydraAttendance
    where = [*_waiting(force.id)] + ([ha.id <= upto] if upto is not None else [])
    rows = db.session.execute(
        select(ha.batch_id, func.count(), func.min(ha.session_date), func.max(ha.session_date))
        .where(*where).group_by(ha.batch_id).order_by(ha.batch_id)
    ).all()
    batches = {b.id: b for b in db.session.scalars(select(ImportBatch).where(ImportBatch.id.in_(
        [r[0] for r in rows] or [-1])))}
    out = []
    for batch_id, n, first, last in rows:
        batch = batches[batch_id]
        uploader = batch.uploaded_by
        out.append(Sender(batch_id, batch.force.name if batch.force else None,
                          (uploader.name or uploader.email) if uploader else None, first, last, int(n)))
    return out


def accept(force: Force, user: User | None, *, line_id: int | None = None, upto: int | None = None) -> int:
    """Make one waiting line (`line_id`) or every one up to `upto` count for the force; returns how many."""
    return _review(force, user, ACCEPTED, line_id=line_id, upto=upto)


def decline(force: Force, line_id: int, user: User | None) -> int:
    """Keep a waiting line for the audit trail but never count it."""
    return _review(force, user, DECLINED, line_id=line_id)


def _review(force: Force, user: User | None, decision: str, *, line_id: int | None = None,
            upto: int | None = None) -> int:
    ha = HydraAttendance
    where = [*_waiting(force.id)]
    if line_id is not None:
        where.append(ha.id == line_id)
    elif upto is not None:
        where.append(ha.id <= upto)
    batches = sorted(set(db.session.scalars(select(ha.batch_id).where(*where).distinct())))
    if not batches:
        raise PendingError("That line is no longer waiting: it was accepted or declined already, or its register was "
                           "rolled back" if line_id is not None else "No lines are waiting to be accepted")
    values = {"review": decision, "reviewed_by_id": user.id if user else None, "reviewed_at": utcnow()}
    if decision == ACCEPTED:
        values["pending"] = False
    n = db.session.execute(update(ha).where(*where).values(**values)).rowcount
    if decision == ACCEPTED:
        _touch(force, batches)
        refresh_snapshots(force_ids=[force.id])
    audit.record(f"pending.{decision}", user, force_id=force.id,
                 target=f"batch {batches[0]}" if len(batches) == 1 else None, records=n, batches=batches)
    db.session.flush()
    return n


def _touch(force: Force, batches: list[int]) -> None:
    """The batches now count for the force: a rollback of one refreshes the force's figures too."""
    known = set(db.session.scalars(select(BatchForce.batch_id).where(BatchForce.force_id == force.id,
                                                                      BatchForce.batch_id.in_(batches))))
    for batch_id in batches:
        if batch_id not in known:
            db.session.add(BatchForce(batch_id=batch_id, force_id=force.id))


def decide(force: Force, line_id: int, choice: str, user: User | None) -> str:
    """Carry out the choice for one line ("accept" or "decline"); says what was done."""
    if choice == "accept":
        accept(force, user, line_id=line_id)
        return f"Accepted 1 line: it is now one of {force.name}'s records and counts in its figures"
    if choice == "decline":
        decline(force, line_id, user)
        return "Declined 1 line: it is kept for the record but never counts"
    raise PendingError("Choose accept or decline")
