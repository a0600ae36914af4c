"""Write a planned batch to the database, and undo it exactly.

Bulk statements, not one ORM object per row: a 100,000-row export must commit in seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import delete, insert, select, text, update

from lms.core.clock import today
from lms.extensions import db
from lms.imports.batches import blocked_message, rollback_blocker
from lms.imports.errors import ImportRefused
from lms.imports.matching import ForceIndex
from lms.imports.plan import PERSON_FIELDS, Plan
from lms.models import (
    BatchForce,
    HydraAttendance,
    HydraSession,
    ImportBatch,
    LearningRecord,
    MatchDecision,
    Person,
    PersonChange,
)

CHUNK = 5000
# Rows written by one batch above which PostgreSQL's table statistics are refreshed before the figures are computed.
ANALYZE_AFTER_ROWS = 1000

SNAPSHOT_FIELDS = (*PERSON_FIELDS, "staff_key", "email_key", "name_key", "active", "left_on", "start_date",
                   "first_rostered_on")
DATE_FIELDS = ("exempt_until", "left_on", "start_date", "first_rostered_on")

# Told the number of rows of one table written so far, after each chunk (the app's IMPORT_ROWS_WRITTEN setting).
RowsWritten = Callable[[int], None]


def _snapshot(person: Person) -> dict:
    out = {}
    for name in SNAPSHOT_FIELDS:
        value = getattr(person, name)
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def _restore_value(name: str, value):
    if value is not None and name in DATE_FIELDS:
        return date.fromisoformat(value)
    return value


def _insert_chunks(model, rows: list[dict], rows_written: RowsWritten | None = None) -> None:
    # Core executemany on the table: the ORM's bulk path splits rows by which values are NULL.
    table = model.__table__
    for start in range(0, len(rows), CHUNK):
        db.session.execute(table.insert(), rows[start:start + CHUNK])
        if rows_written is not None:
            rows_written(min(start + CHUNK, len(rows)))


def apply(batch: ImportBatch, plan: Plan, *, rows_written: RowsWritten | None = None) -> None:
    """Write the plan as part of the caller's transaction. `rows_written(n)` is told after each chunk of records
    (tests use it to stop an import mid-write; see tests/support/paused_lms.py)."""
    for force_id in sorted(plan.force_ids):
        db.session.add(BatchForce(batch_id=batch.id, force_id=force_id))
    if plan.kind == "roster":
        _apply_roster(batch, plan, rows_written)
        written = len(plan.creates) + len(plan.updates) + len(plan.leavers)
        tables = [Person, PersonChange, LearningRecord, HydraAttendance]  # records are re-matched
    elif plan.kind == "college-learn":
        for row in plan.records:
            row["batch_id"] = batch.id
        _insert_chunks(LearningRecord, plan.records, rows_written)
        written, tables = len(plan.records), [LearningRecord]
    else:
        for (day, reference, venue, facilitator), rows in plan.sessions.items():
            session = HydraSession(batch_id=batch.id, session_date=day, reference=reference or None,
                                   venue=venue or None, facilitator=facilitator or None)
            db.session.add(session)
            db.session.flush()
            for row in rows:
                row["batch_id"] = batch.id
                row["session_id"] = session.id
            _insert_chunks(HydraAttendance, rows, rows_written)
        written, tables = sum(len(rows) for rows in plan.sessions.values()), [HydraSession, HydraAttendance]
    db.session.flush()
    if written >= ANALYZE_AFTER_ROWS:
        _refresh_statistics(tables)


def _refresh_statistics(models) -> None:
    """PostgreSQL only: ANALYZE the tables a large batch just wrote, inside its transaction.

    The figures are recomputed (refresh_snapshots) in the same transaction. With statistics that still describe the
    tables before the batch (empty, for a force's first upload), the planner joins people to the per-person progress
    subquery with a nested loop that re-aggregates every new record once per person: 40 s for 5,000 people and
    60,000 records, while the force is locked. ANALYZE counts the transaction's own rows; it takes well under a
    second. (SQLite plans these queries without statistics.)
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(text("ANALYZE " + ", ".join(model.__tablename__ for model in models)))


def _apply_roster(batch: ImportBatch, plan: Plan, rows_written: RowsWritten | None) -> None:
    changes: list[dict] = []
    if plan.creates:
        for row in plan.creates:
            row["created_batch_id"] = batch.id
            row["updated_batch_id"] = batch.id
        for start in range(0, len(plan.creates), CHUNK):
            ids = db.session.scalars(
                insert(Person).returning(Person.id, sort_by_parameter_order=True),
                plan.creates[start:start + CHUNK],
            ).all()
            changes.extend({"batch_id": batch.id, "person_id": pid, "action": "created", "before": None}
                           for pid in ids)
    updates = []
    for person, changed in plan.updates:
        changes.append({"batch_id": batch.id, "person_id": person.id, "action": "updated",
                        "before": _snapshot(person)})
        updates.append({"id": person.id, "updated_batch_id": batch.id, **changed})
    left_on = today()
    for person in plan.leavers:
        changes.append({"batch_id": batch.id, "person_id": person.id, "action": "left", "before": _snapshot(person)})
        updates.append({"id": person.id, "active": False, "left_on": left_on, "updated_batch_id": batch.id})
    # Bulk UPDATE by primary key needs the same keys in every row; group by key set.
    by_keys: dict[tuple, list[dict]] = {}
    for row in updates:
        by_keys.setdefault(tuple(sorted(row)), []).append(row)
    for rows in by_keys.values():
        for start in range(0, len(rows), CHUNK):
            db.session.execute(update(Person), rows[start:start + CHUNK])
    _insert_chunks(PersonChange, changes, rows_written)
    db.session.flush()
    db.session.expire_all()
    rematch(plan.force_ids)


def rematch(force_ids) -> int:
    """Match every record of the forces again against their people and remembered decisions as they are now.

    Called whenever a force's roster changes (a roster committed or rolled back) and when a lead undoes a decision,
    so a record's match is always a function of (people, decisions, record) and upload order never changes the
    result: a joiner takes back a record a namesake held by name, a record whose person left stays theirs. Records
    decided by a remembered decision keep it (ForceIndex.match puts decisions first). Pending cross-force rows are
    matched like any other. Only rows whose (person, method, dismissed) changes are written, in bulk. Flushes only;
    the caller refreshes the snapshots. Returns how many records changed.
    """
    changed = 0
    for force_id in sorted(force_ids):
        index = ForceIndex.load(force_id)
        for model in (LearningRecord, HydraAttendance):
            changed += _rematch_records(model, force_id, index)
    db.session.flush()
    return changed


def _rematch_records(model, force_id: int, index: ForceIndex) -> int:
    c = model.__table__.c  # Core columns: tens of thousands of plain tuples, no ORM row processing
    rows = db.session.execute(
        select(c.id, c.staff_number, c.email, c.first_name, c.last_name, c.person_id, c.match_method, c.dismissed)
        .where(c.force_id == force_id)
    ).all()
    outcomes: dict[tuple, tuple] = {}  # a learner's records repeat across uploads: match each identity once
    updates = []
    for rid, staff, email, first, last, person_id, method, dismissed in rows:
        identity = (staff, email, first, last)
        outcome = outcomes.get(identity)
        if outcome is None:
            pid, how = index.match(staff, email, first, last)
            outcome = outcomes[identity] = (pid, how if pid is not None else None, how == "dismissed")
        if outcome != (person_id, method, bool(dismissed)):
            updates.append({"id": rid, "person_id": outcome[0], "match_method": outcome[1], "dismissed": outcome[2]})
    for start in range(0, len(updates), CHUNK):
        db.session.execute(update(model), updates[start:start + CHUNK])
    return len(updates)


def undo(batch: ImportBatch) -> set[int]:
    """Remove what the batch added and restore what it changed; return the forces touched."""
    force_ids = set(db.session.scalars(select(BatchForce.force_id).where(BatchForce.batch_id == batch.id)))
    if batch.kind == "college-learn":
        db.session.execute(delete(LearningRecord).where(LearningRecord.batch_id == batch.id))
    elif batch.kind == "hydra":
        db.session.execute(delete(HydraAttendance).where(HydraAttendance.batch_id == batch.id))
        db.session.execute(delete(HydraSession).where(HydraSession.batch_id == batch.id))
    else:
        _undo_roster(batch, force_ids)
    db.session.flush()
    db.session.expire_all()
    return force_ids


def _undo_roster(batch: ImportBatch, force_ids: set[int]) -> None:
    """Restore each person the roster changed, delete the people it created, then match the force's records again
    against the people as they were (a batch's old options["rematched"] list is no longer needed)."""
    blocker = rollback_blocker(batch)
    if blocker is not None:
        raise ImportRefused(blocked_message(blocker), 409)
    changes = list(db.session.scalars(select(PersonChange).where(PersonChange.batch_id == batch.id)))
    created = [c.person_id for c in changes if c.action == "created"]
    for c in changes:
        if c.action != "created" and c.before:
            values = {name: _restore_value(name, v) for name, v in c.before.items()}
            db.session.execute(update(Person).where(Person.id == c.person_id).values(**values))
    for start in range(0, len(created), CHUNK):
        chunk = created[start:start + CHUNK]
        for model in (LearningRecord, HydraAttendance):
            db.session.execute(
                update(model).where(model.person_id.in_(chunk)).values(person_id=None, match_method=None)
            )
        db.session.execute(delete(PersonChange).where(PersonChange.person_id.in_(chunk)))
        db.session.execute(delete(MatchDecision).where(MatchDecision.person_id.in_(chunk)))
        db.session.execute(delete(Person).where(Person.id.in_(chunk)))
    db.session.flush()
    db.session.expire_all()
    rematch(force_ids)
