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


# --- The people list and the "why" page --------------------------------------------------------------------------

SHOW_CHOICES = ("outstanding", "all", "exempt")
REQUIREMENT_LABELS = {"M1": "Module 1", "M2": "Module 2", "M3": "Module 3", "M4": "Module 4", "HYDRA": "Hydra session"}


@dataclass(frozen=True, slots=True)
class PeopleFilter:
    """What the people list shows: outstanding only, all, or the exempt; by department, role category and text."""

    show: str = "outstanding"
    department: str = ""
    role_category: str = ""
    query: str = ""

    @classmethod
    def from_args(cls, args) -> PeopleFilter:
        """Read the filter from request arguments, ignoring anything unexpected."""
        show = args.get("show", "outstanding")
        return cls(
            show=show if show in SHOW_CHOICES else "outstanding",
            department=(args.get("department") or "").strip(),
            role_category=(args.get("role_category") or "").strip(),
            query=(args.get("q") or "").strip()[:100],
        )

    def as_args(self) -> dict[str, str]:
        """The filter as query-string arguments (only those set), for links and downloads."""
        out = {"show": self.show, "department": self.department, "role_category": self.role_category,
               "q": self.query}
        return {k: v for k, v in out.items() if v}


def _staff_key(value: str) -> str:
    return value.strip().casefold().lstrip("0")


def filter_people(lines: list[PersonLine], flt: PeopleFilter) -> list[PersonLine]:
    """The lines matching the filter. Text matches part of a name (either order) or of a staff number, or a whole
    staff number with leading zeros ignored."""
    needle = flt.query.casefold()
    staff_needle = _staff_key(flt.query)
    out = []
    for line in lines:
        status, person = line.status, line.person
        if flt.show == "outstanding" and not (status.relevant and not status.compliant):
            continue
        if flt.show == "exempt" and not status.exempt:
            continue
        if flt.department and (person.department or "") != flt.department:
            continue
        if flt.role_category and (person.role_category or "") != flt.role_category:
            continue
        if needle:
            names = f"{person.forename} {person.surname}|{person.surname}, {person.forename}".casefold()
            staff = (person.staff_number or "").strip().casefold()
            if needle not in names and needle not in staff and not (staff and staff_needle == _staff_key(staff)):
                continue
        out.append(line)
    return out


def filter_options(lines: list[PersonLine]) -> dict[str, list[str]]:
    """The departments and role categories present, for the filter's select boxes."""
    departments = sorted({line.person.department for line in lines if line.person.department}, key=str.casefold)
    categories = sorted({line.person.role_category for line in lines if line.person.role_category},
                        key=str.casefold)
    return {"departments": departments, "role_categories": categories}


def people_counts(lines: list[PersonLine]) -> dict[str, int]:
    """How many lines each filter choice would show (before department, role and text filters)."""
    return {
        "outstanding": sum(1 for line in lines if line.status.relevant and not line.status.compliant),
        "all": len(lines),
        "exempt": sum(1 for line in lines if line.status.exempt),
    }


def outstanding_text(status: PersonStatus) -> str:
    """What someone still has to do, in words ("Module 2, Module 4, Hydra session"), or a short state."""
    if status.exempt:
        return "Exempt"
    if not status.relevant:
        return "Nothing required"
    if status.compliant:
        return "Complete"
    return ", ".join(REQUIREMENT_LABELS.get(code, code) for code in status.outstanding)


@dataclass(frozen=True, slots=True)
class RecordExplanation:
    """One record matched to a person, whether it counts on the date and why, and the upload it came from."""

    requirement: str
    day: date | None
    status: str
    counts: bool
    reason: str
    batch: ImportBatch
    row: int
    match_method: str | None


def _why_not_person(person: Person, status: PersonStatus, required: bool, package: str) -> str | None:
    if not person.active:
        return "They have left the force: leavers never count"
    if status.exempt:
        return f"They are exempt until {status_date(person.exempt_until)}: exempt people count nowhere"
    if not required:
        return f"{package} is not required of them: the record is kept but never counts"
    return None


def status_date(day: date | None) -> str:
    return day.strftime("%-d %B %Y") if day else ""


def explain_person(person: Person, as_of: date) -> dict:
    """The 'why' behind one person's status on ``as_of``: what counts, what is missing, and each record's upload.

    Returns {"status": PersonStatus, "learning": [RecordExplanation], "hydra": [RecordExplanation],
    "outstanding": text, "roster": {"created": ImportBatch|None, "updated": ImportBatch|None}}.
    """
    facts = facts_for([person])[person.id]
    status = person_status(facts, as_of)
    records = person_records(person)
    counted: set[str] = set()

    learning = []
    for record, batch in records["learning"]:
        code = record.requirement_code
        label = REQUIREMENT_LABELS.get(code, code)
        counts = False
        if not record.completed:
            reason = f"“{record.status}” is not a completion"
        elif record.completed_on is None:
            reason = "No completion date"
        elif record.completed_on > as_of:
            reason = f"Completed after {status_date(as_of)}"
        else:
            reason = _why_not_person(person, status, person.elearning_required, "E-learning")
            if reason is None:
                if code not in counted and status.module_dates.get(code) == record.completed_on:
                    counted.add(code)
                    counts, reason = True, f"Counts: the earliest completion of {label}"
                else:
                    reason = f"An earlier completion of {label} already counts"
        learning.append(RecordExplanation(code, record.completed_on, record.status, counts, reason, batch,
                                          record.source_row, record.match_method))

    hydra = []
    for record, batch in records["hydra"]:
        counts = False
        if not record.attended:
            reason = f"“{record.attendance}” does not count as attending"
        elif record.session_date > as_of:
            reason = f"Session after {status_date(as_of)}"
        else:
            reason = _why_not_person(person, status, person.hydra_required, "Hydra")
            if reason is None:
                if "HYDRA" not in counted and status.hydra_date == record.session_date:
                    counted.add("HYDRA")
                    counts, reason = True, "Counts: the first session attended"
                else:
                    reason = "An earlier session already counts"
        hydra.append(RecordExplanation("HYDRA", record.session_date, record.attendance, counts, reason, batch,
                                       record.source_row, record.match_method))

    roster = {
        "created": db.session.get(ImportBatch, person.created_batch_id) if person.created_batch_id else None,
        "updated": db.session.get(ImportBatch, person.updated_batch_id) if person.updated_batch_id else None,
    }
    return {"status": status, "learning": learning, "hydra": hydra, "outstanding": outstanding_text(status),
            "roster": roster}
