"""Person-level views of compliance: who still has to do what, and why. Force leads and admins only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms.compliance import PersonFacts, PersonStatus, person_status
from lms.extensions import db
from lms.models import Force, HydraAttendance, ImportBatch, LearningRecord, Person


@dataclass(frozen=True, slots=True)
class PersonLine:
    person: Person
    status: PersonStatus


def facts_for(people: list[Person]) -> dict[int, PersonFacts]:
    """Each person's compliance facts: roster flags plus completed and attended records (two queries)."""
    ids = [p.id for p in people]
    completions: dict[int, list[tuple[str, date]]] = defaultdict(list)
    attended: dict[int, list[date]] = defaultdict(list)
    for chunk_start in range(0, len(ids), 5000):
        chunk = ids[chunk_start:chunk_start + 5000]
        rows = db.session.execute(
            select(LearningRecord.person_id, LearningRecord.requirement_code, LearningRecord.completed_on).where(
                LearningRecord.person_id.in_(chunk), LearningRecord.completed.is_(True),
                LearningRecord.completed_on.is_not(None),
            )
        )
        for pid, code, day in rows:
            completions[pid].append((code, day))
        rows = db.session.execute(
            select(HydraAttendance.person_id, HydraAttendance.session_date).where(
                HydraAttendance.person_id.in_(chunk), HydraAttendance.attended.is_(True)
            )
        )
        for pid, day in rows:
            attended[pid].append(day)
    return {
        p.id: PersonFacts(
            person_id=p.id,
            active=p.active,
            elearning_required=p.elearning_required,
            hydra_required=p.hydra_required,
            exempt_until=p.exempt_until,
            completions=tuple(completions.get(p.id, ())),
            hydra_attended=tuple(attended.get(p.id, ())),
        )
        for p in people
    }


def force_people(force: Force, as_of: date, *, include_leavers: bool = False) -> list[PersonLine]:
    """Everyone on the force's roster with their status, sorted by surname then forename."""
    q = select(Person).where(Person.force_id == force.id)
    if not include_leavers:
        q = q.where(Person.active.is_(True))
    people = list(db.session.scalars(q.order_by(Person.surname, Person.forename, Person.id)))
    facts = facts_for(people)
    return [PersonLine(p, person_status(facts[p.id], as_of)) for p in people]


def outstanding_people(force: Force, as_of: date) -> list[PersonLine]:
    """Relevant people who are not yet compliant."""
    return [line for line in force_people(force, as_of) if line.status.relevant and not line.status.compliant]


def person_records(person: Person) -> dict:
    """Every record matched to this person, with the upload it came from: the 'why' behind their status."""
    learning = db.session.execute(
        select(LearningRecord, ImportBatch)
        .join(ImportBatch, ImportBatch.id == LearningRecord.batch_id)
        .where(LearningRecord.person_id == person.id)
        .order_by(LearningRecord.requirement_code, LearningRecord.completed_on)
    ).all()
    hydra = db.session.execute(
        select(HydraAttendance, ImportBatch)
        .join(ImportBatch, ImportBatch.id == HydraAttendance.batch_id)
        .where(HydraAttendance.person_id == person.id)
        .order_by(HydraAttendance.session_date)
    ).all()
    return {"learning": learning, "hydra": hydra}
