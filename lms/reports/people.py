"""Person-level views of compliance: who still has to do what, and why. Force leads and admins only.

People are loaded as light read-only rows (`PersonRow`), not ORM objects: a force like the Met has tens of
thousands of people, and the people page filters, counts and pages them in SQL, computing statuses with
`lms.compliance.rules.person_status` only for the rows it shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, not_, or_, select

from importers.identity import name_key, staff_key
from lms.compliance import sql as rules_sql
from lms.compliance.rules import PersonFacts, PersonStatus, person_status
from lms.extensions import db
from lms.forces import due_dates
from lms.models import Force, HydraAttendance, ImportBatch, LearningRecord, Person


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A person as the people pages, exports and reminders read them (no ORM object: cheap by the ten thousand)."""

    id: int
    force_id: int
    staff_number: str | None
    forename: str
    surname: str
    email: str | None
    rank: str | None
    role: str | None
    department: str | None
    role_category: str | None
    elearning_required: bool
    hydra_required: bool
    exempt_until: date | None
    exemption_reason: str | None
    active: bool
    left_on: date | None
    start_date: date | None
    first_rostered_on: date | None

    @property
    def full_name(self) -> str:
        """Forename and surname, as `Person.full_name`."""
        return f"{self.forename} {self.surname}".strip()


_ROW_COLUMNS = (
    Person.id, Person.force_id, Person.staff_number, Person.forename, Person.surname, Person.email, Person.rank,
    Person.role, Person.department, Person.role_category, Person.elearning_required, Person.hydra_required,
    Person.exempt_until, Person.exemption_reason, Person.active, Person.left_on, Person.start_date,
    Person.first_rostered_on,
)
_ORDER = (Person.surname, Person.forename, Person.id)


def _rows(query) -> list[PersonRow]:
    return [PersonRow(*row) for row in db.session.execute(query)]


@dataclass(frozen=True, slots=True)
class PersonLine:
    """A person with their status on a day, as the people pages list them."""

    person: PersonRow | Person
    status: PersonStatus


def _facts(people: Iterable, completions: dict, attended: dict) -> dict[int, PersonFacts]:
    return {
        p.id: PersonFacts(
            person_id=p.id,
            active=p.active,
            elearning_required=p.elearning_required,
            hydra_required=p.hydra_required,
            exempt_until=p.exempt_until,
            completions=tuple(completions.get(p.id, ())),
            hydra_attended=tuple(attended.get(p.id, ())),
            start_date=p.start_date,
            first_rostered_on=p.first_rostered_on,
        )
        for p in people
    }


def facts_for(people: list) -> dict[int, PersonFacts]:
    """Each person's compliance facts: roster flags plus completed and attended records (two queries a chunk)."""
    ids = [p.id for p in people]
    completions: dict[int, list[tuple[str, date]]] = defaultdict(list)
    attended: dict[int, list[date]] = defaultdict(list)
    for chunk_start in range(0, len(ids), 5000):
        chunk = ids[chunk_start:chunk_start + 5000]
        rows = db.session.execute(
            select(LearningRecord.person_id, LearningRecord.requirement_code, LearningRecord.completed_on).where(
                LearningRecord.person_id.in_(chunk), rules_sql.completion_record())
        )
        for pid, code, day in rows:
            completions[pid].append((code, day))
        rows = db.session.execute(
            select(HydraAttendance.person_id, HydraAttendance.session_date).where(
                HydraAttendance.person_id.in_(chunk), rules_sql.attendance_record())
        )
        for pid, day in rows:
            attended[pid].append(day)
    return _facts(people, completions, attended)


def _force_facts(force: Force, people: list, people_filter) -> dict[int, PersonFacts]:
    """facts_for, for many people of one force: two joins on the force instead of chunks of ids."""
    completions: dict[int, list[tuple[str, date]]] = defaultdict(list)
    attended: dict[int, list[date]] = defaultdict(list)
    lr, ha = LearningRecord, HydraAttendance
    rows = db.session.execute(
        select(lr.person_id, lr.requirement_code, lr.completed_on)
        .join(Person, Person.id == lr.person_id)
        .where(Person.force_id == force.id, people_filter, rules_sql.completion_record())
    )
    for pid, code, day in rows:
        completions[pid].append((code, day))
    rows = db.session.execute(
        select(ha.person_id, ha.session_date)
        .join(Person, Person.id == ha.person_id)
        .where(Person.force_id == force.id, people_filter, rules_sql.attendance_record())
    )
    for pid, day in rows:
        attended[pid].append(day)
    return _facts(people, completions, attended)


def force_people(force: Force, as_of: date, *, include_leavers: bool = False) -> list[PersonLine]:
    """Everyone on the force's roster with their status, sorted by surname then forename.

    ``line.person`` is a read-only `PersonRow` with the same attribute names as `Person`.
    """
    people_filter = rules_sql.active() if not include_leavers else Person.id.is_not(None)
    people = _rows(select(*_ROW_COLUMNS).where(Person.force_id == force.id, people_filter).order_by(*_ORDER))
    facts = _force_facts(force, people, people_filter)
    due = due_dates.current_policy()
    return [PersonLine(p, person_status(facts[p.id], as_of, due)) for p in people]


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
        .where(HydraAttendance.person_id == person.id, HydraAttendance.pending.is_(False))
        .order_by(HydraAttendance.session_date)
    ).all()
    return {"learning": learning, "hydra": hydra}


# --- The people list and the "why" page --------------------------------------------------------------------------

SHOW_CHOICES = ("outstanding", "overdue", "not_yet_due", "all", "exempt")
REQUIREMENT_LABELS = {"M1": "Module 1", "M2": "Module 2", "M3": "Module 3", "M4": "Module 4", "HYDRA": "Hydra session"}


PACKAGE_CHOICES = ("elearning", "hydra")
# The orders the people list offers (?sort=, with ?order=descending to reverse): each a tuple of columns, the
# first the one its heading names, the rest breaking ties so that paging is stable.
SORTS = {
    "name": (Person.surname, Person.forename, Person.id),
    "staff_number": (Person.staff_key, Person.id),
    "department": (Person.department, Person.surname, Person.forename, Person.id),
    "role_category": (Person.role_category, Person.surname, Person.forename, Person.id),
}


@dataclass(frozen=True, slots=True)
class PeopleFilter:
    """What the people list shows: outstanding only, all, or the exempt; by package, department, role category and
    text; in which order."""

    show: str = "outstanding"
    department: str = ""
    role_category: str = ""
    query: str = ""
    package: str = ""
    sort: str = "name"
    descending: bool = False

    @classmethod
    def from_args(cls, args) -> PeopleFilter:
        """Read the filter from request arguments, ignoring anything unexpected."""
        show = args.get("show", "outstanding")
        package = args.get("package", "")
        sort = args.get("sort", "name")
        return cls(
            show=show if show in SHOW_CHOICES else "outstanding",
            department=(args.get("department") or "").strip(),
            role_category=(args.get("role_category") or "").strip(),
            query=(args.get("q") or "").strip()[:100],
            package=package if package in PACKAGE_CHOICES else "",
            sort=sort if sort in SORTS else "name",
            descending=args.get("order") == "descending",
        )

    def as_args(self) -> dict[str, str]:
        """The filter as query-string arguments (only those set), for links and downloads."""
        out = {"show": self.show, "department": self.department, "role_category": self.role_category,
               "q": self.query, "package": self.package, "sort": "" if self.sort == "name" else self.sort,
               "order": "descending" if self.descending else ""}
        return {k: v for k, v in out.items() if v}


def package_condition(package: str, show: str, done: rules_sql.Progress):
    """People the package filter keeps: with that package still to do when the list shows training still to do,
    else everyone required to do it."""
    required = rules_sql.elearning_required() if package == "elearning" else rules_sql.hydra_required()
    if show not in ("outstanding", "overdue", "not_yet_due"):
        return required
    return and_(required, not_(done.elearning_done() if package == "elearning" else done.hydra_done()))


def show_conditions(as_of: date, done: rules_sql.Progress) -> dict:
    """The SQL condition on Person (joined to ``done``) for each choice of the people filter (`SHOW_CHOICES`)."""
    return {"outstanding": rules_sql.outstanding(as_of, done),
            "overdue": and_(rules_sql.outstanding(as_of, done), done.late),
            "not_yet_due": and_(rules_sql.outstanding(as_of, done), not_(done.late)),
            "exempt": rules_sql.exempt(as_of), "all": rules_sql.active()}


def _text_condition(query: str):
    """Part of a name (any order, accents and case ignored) or of a staff number, or a whole staff number."""
    words = name_key(query, None).split()
    by_name = and_(*[Person.name_key.contains(w, autoescape=True) for w in words]) if words else None
    needle = query.strip().casefold()
    by_staff = or_(func.lower(Person.staff_number).contains(needle, autoescape=True),
                   Person.staff_key == staff_key(query))
    return or_(by_name, by_staff) if by_name is not None else by_staff


def _filtered(force: Force, as_of: date, flt: PeopleFilter, columns):
    done = rules_sql.progress(as_of, [force.id], due_dates.current_policy())
    q = done.join(select(*columns).select_from(Person)).where(
        Person.force_id == force.id, rules_sql.active(), show_conditions(as_of, done)[flt.show])
    if flt.department:
        q = q.where(Person.department == flt.department)
    if flt.role_category:
        q = q.where(Person.role_category == flt.role_category)
    if flt.query:
        q = q.where(_text_condition(flt.query))
    if flt.package:
        q = q.where(package_condition(flt.package, flt.show, done))
    return q


def with_statuses(people: list[PersonRow], as_of: date) -> list[PersonLine]:
    """Lines with each person's status on ``as_of``."""
    facts = facts_for(people)
    due = due_dates.current_policy()
    return [PersonLine(p, person_status(facts[p.id], as_of, due)) for p in people]


def filtered_people(force: Force, as_of: date, flt: PeopleFilter, *, offset: int = 0,
                    limit: int | None = None) -> tuple[list[PersonLine], int]:
    """One page of the people matching the filter, with statuses, and how many match in all."""
    total = db.session.scalar(_filtered(force, as_of, flt, [func.count()]))
    order = [(c.desc() if flt.descending else c.asc()).nulls_last() for c in SORTS[flt.sort]]
    q = _filtered(force, as_of, flt, _ROW_COLUMNS).order_by(*order).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    return with_statuses(_rows(q), as_of), int(total or 0)


def filter_options(force: Force) -> dict[str, list[str]]:
    """The departments and role categories of the force's active people, for the filter's select boxes."""
    out = {}
    for key, column in (("departments", Person.department), ("role_categories", Person.role_category)):
        values = db.session.scalars(
            select(column).distinct().where(Person.force_id == force.id, rules_sql.active(), column.is_not(None))
        )
        out[key] = sorted((v for v in values if v.strip()), key=str.casefold)
    return out


def people_counts(force: Force, as_of: date) -> dict[str, int]:
    """How many people each choice of the filter shows (before department, role and text filters)."""
    done = rules_sql.progress(as_of, [force.id], due_dates.current_policy())
    conditions = show_conditions(as_of, done)
    row = db.session.execute(
        done.join(select(*[rules_sql.total(conditions[k]) for k in SHOW_CHOICES]).select_from(Person))
        .where(Person.force_id == force.id, rules_sql.active())
    ).one()
    return {k: int(n) for k, n in zip(SHOW_CHOICES, row, strict=True)}


def outstanding_text(status: PersonStatus) -> str:
    """What someone still has to do, in words ("Module 2, Module 4, Hydra session"), or a short state."""
    if status.exempt:
        return "Exempt"
    if not status.relevant:
        return "Nothing required"
    if status.compliant:
        return "Complete"
    return ", ".join(REQUIREMENT_LABELS.get(code, code) for code in status.outstanding)


def grace_days() -> int:
    """The joiners' grace period in days, as the people page explains due dates."""
    return due_dates.current_policy().grace_days


def due_text(status: PersonStatus) -> str:
    """When someone not yet compliant must finish: "overdue since 1 May 2026" or "due 12 February 2027" (empty
    for someone with nothing left to do)."""
    if not status.outstanding or status.due_date is None:
        return ""
    if status.past_due:
        return f"overdue since {status_date(status.due_date + timedelta(days=1))}"
    return f"due {status_date(status.due_date)}"


def status_date(day: date | None) -> str:
    """A date as the pages write it: 3 March 2026 (empty for none)."""
    return day.strftime("%-d %B %Y") if day else ""


def person_in_force(force: Force, person_id: int) -> Person | None:
    """The person with this id when they belong to `force` (None otherwise: another force's people are not found)."""
    person = db.session.get(Person, person_id)
    return person if person is not None and person.force_id == force.id else None
