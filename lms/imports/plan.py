"""Work out what a read file would change, per kind, without writing anything.

A plan holds the counts for the summary, the extra row errors only the database can find (unknown role
category, a row for another force), and the rows to write. `import_apply` writes a plan.
"""

from __future__ import annotations

import functools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from importers import RowError
from importers.identity import email_key, name_key, staff_key
from lms.compliance.rules import UnknownRoleCategory, resolve_requirements
from lms.core.clock import today
from lms.extensions import db
from lms.imports import wrong_file
from lms.imports.matching import ForceIndex, identity_key
from lms.imports.routing import ForceRouter, uploaders_of
from lms.models import Force, HydraAttendance, HydraSession, LearningRecord, Person, User

PERSON_FIELDS = ("staff_number", "forename", "surname", "email", "rank", "role", "department", "role_category",
                 "elearning_required", "hydra_required", "exempt_until", "exemption_reason")


# Where a too-long value came from, for the row error: stored field -> the column the user knows.
_PERSON_COLUMNS = {
    "staff_number": "Staff number", "staff_key": "Staff number", "forename": "Forename", "surname": "Surname",
    "name_key": "Surname", "email": "Email", "email_key": "Email", "rank": "Rank", "role": "Role",
    "department": "Department", "role_category": "Role category", "exemption_reason": "Exemption reason",
}
_RECORD_COLUMNS = {
    "staff_number": "Staff number", "email": "Email", "first_name": "First name", "last_name": "Last name",
    "identity_key": "Staff number",
}
_HYDRA_COLUMNS = {**_RECORD_COLUMNS, "first_name": "Forename", "last_name": "Surname"}
_SESSION_COLUMNS = {"reference": "Session reference", "venue": "Venue", "facilitator": "Facilitator"}


def _too_long(model, values: dict, columns: dict[str, str], row: int) -> RowError | None:
    """A row error for the first value longer than its database column holds.

    SQLite would store it anyway; PostgreSQL refuses the whole transaction (StringDataRightTruncation). Cutting it
    short could make a staff number or email match someone else, so the row is skipped and the user told.
    """
    for name, limit in column_limits(model, tuple(columns)):
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            label = columns[name]
            return RowError(row, label, f"{label} is {len(value):,} characters long, more than the {limit} that can "
                                        "be stored: shorten it, or check the columns have not slipped")
    return None


@functools.cache
def column_limits(model, names: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """(column, length) for each of `names` that has a length: looked up once, not for every row of every file."""
    return tuple((name, length) for name in names
                 if (length := getattr(model.__table__.c[name].type, "length", None)))


Progress = Callable[[int, int], None]
PROGRESS_EVERY = 2000


def _each(rows: list, progress: Progress | None):
    """Iterate rows, reporting (done, total) every few thousand rows to a progress bar."""
    total = len(rows)
    for i, row in enumerate(rows):
        if progress is not None and i % PROGRESS_EVERY == 0:
            progress(i, total)
        yield row
    if progress is not None:
        progress(total, total)


@dataclass
class Plan:
    kind: str
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    force_ids: set[int] = field(default_factory=set)  # forces the batch touches
    # roster
    creates: list[dict] = field(default_factory=list)
    updates: list[tuple[Person, dict]] = field(default_factory=list)
    leavers: list[Person] = field(default_factory=list)
    active_before: dict[int, int] = field(default_factory=dict)  # force id -> active people before
    # Why the file looks like another force's (lms.imports.wrong_file); committing it then needs confirmation.
    wrong_file: str | None = None
    # records
    records: list[dict] = field(default_factory=list)
    sessions: dict[tuple, list[dict]] = field(default_factory=dict)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


class _Indexes(dict):
    """Force id -> ForceIndex, loaded the first time a row of that force is seen."""

    def __missing__(self, force_id: int) -> ForceIndex:
        self[force_id] = ForceIndex.load(force_id)
        return self[force_id]


def plan_roster(result, batch_force: Force | None, rules: dict[str, tuple[bool, bool]],
                progress: Progress | None = None) -> Plan:
    """People to create, update and make leavers. Rows with errors are skipped and their people protected."""
    plan = Plan("roster")
    router = ForceRouter(batch_force, "roster")
    seen: dict[int, set[int]] = defaultdict(set)  # force id -> person ids present in the file
    people_by_force: dict[int, dict[str, Person]] = {}
    protected_staff = set(result.protected_staff_keys)
    protected_email = set(result.protected_email_keys)

    def load(force_id: int) -> None:
        if force_id not in people_by_force:
            people_by_force[force_id] = _people_by_staff_key(force_id, plan)

    if batch_force is not None:
        load(batch_force.id)
        plan.force_ids.add(batch_force.id)
    gone: set[str] = set()  # staff keys of rows that say the person has left (HR's deleted flag, record status...)
    for r in _each(result.rows, progress):
        force = router.route(r.force_code, r.row, "Force", plan)
        if force is None:
            protected_staff.add(staff_key(r.staff_number) or "")
            continue
        load(force.id)
        plan.force_ids.add(force.id)
        try:
            elearning, hydra = resolve_requirements(r.role_category, r.elearning_required, r.hydra_required, rules)
        except UnknownRoleCategory as exc:
            plan.errors.append(RowError(r.row, "Role category", str(exc)))
            protected_staff.add(staff_key(r.staff_number) or "")
            continue
        values = _person_values(r, elearning, hydra)
        skey = staff_key(r.staff_number)
        too_long = _too_long(Person, {**values, "staff_key": skey, "email_key": email_key(r.email),
                                      "name_key": name_key(r.forename, r.surname)}, _PERSON_COLUMNS, r.row)
        if too_long is not None:
            plan.errors.append(too_long)
            protected_staff.add(skey or "")
            protected_email.add(email_key(r.email) or "")
            continue
        if r.left:
            # Not "seen": the person becomes a leaver like anyone the roster no longer lists (a new one is not
            # created). A row with an error never gets here, so it never makes a leaver.
            gone.add(skey or "")
            continue
        person = people_by_force[force.id].get(skey)
        if person is None:
            values.update(force_id=force.id, staff_key=skey, email_key=email_key(r.email),
                          name_key=name_key(r.forename, r.surname), active=True, left_on=None,
                          start_date=r.start_date, first_rostered_on=_added_on(people_by_force[force.id]))
            plan.creates.append(values)
            continue
        seen[force.id].add(person.id)
        changed = _changes(person, values, skey)
        if changed:
            plan.updates.append((person, changed))
    plan.leavers.extend(_leavers(plan.force_ids, people_by_force, seen, protected_staff, protected_email))
    _finish_roster(plan, router, seen, gone)
    return plan


def _finish_roster(plan: Plan, router: ForceRouter, seen: dict[int, set[int]], gone: set[str]) -> None:
    """The roster's counts, and whether it looks like another force's (few of its people known to the force)."""
    plan.counts.update(people_added=len(plan.creates), people_updated=len(plan.updates), leavers=len(plan.leavers),
                       leavers_marked=sum(1 for p in plan.leavers if p.staff_key in gone))
    force = router.batch_force
    if force is not None:
        known = len(seen[force.id])
        plan.wrong_file = wrong_file.unknown_roster(force, known, known + len(plan.creates),
                                                    plan.active_before.get(force.id, 0))
        plan.wrong_file = plan.wrong_file or router.foreign_warning("Force")


def _people_by_staff_key(force_id: int, plan: Plan) -> dict[str, Person]:
    """A force's people by staff key (an active person wins over a leaver with the same key); counts its active."""
    people = list(db.session.scalars(select(Person).where(Person.force_id == force_id)))
    plan.active_before[force_id] = sum(1 for p in people if p.active)
    return {p.staff_key: p for p in sorted(people, key=lambda p: (p.active, p.id)) if p.staff_key}


def _leavers(force_ids: set[int], people_by_force: dict[int, dict[str, Person]], seen: dict[int, set[int]],
             protected_staff: set[str], protected_email: set[str]) -> list[Person]:
    """Active people the roster no longer lists, except those whose row had an error (they are not made leavers)."""
    return [person for force_id in force_ids for skey, person in people_by_force[force_id].items()
            if person.active and person.id not in seen[force_id] and skey not in protected_staff
            and not (person.email_key and person.email_key in protected_email)]


def _person_values(r, elearning: bool, hydra: bool) -> dict:
    """A roster row as the Person columns it sets."""
    values = {
        "staff_number": r.staff_number.strip(), "forename": r.forename or "", "surname": r.surname or "",
        "email": r.email, "rank": r.rank, "role": r.role, "department": r.department,
        "role_category": r.role_category, "elearning_required": elearning, "hydra_required": hydra,
        "exempt_until": r.exempt_until, "exemption_reason": r.exemption_reason,
    }
    if r.start_date is not None:
        # Due dates: a blank Start date (or a roster without the column) keeps the one an earlier roster gave.
        values["start_date"] = r.start_date
    return values


def _added_on(force_people: dict) -> date | None:
    """Due dates: the day a roster after the force's first one adds someone; None on the force's first roster
    (its people are due by the deadline)."""
    return today() if force_people else None


def _changes(person: Person, values: dict, skey: str | None) -> dict:
    """What a roster row changes about a person already known (with the keys matching uses kept in step)."""
    changed = {k: v for k, v in values.items() if getattr(person, k) != v}
    if not person.active:
        changed.update(active=True, left_on=None)
    if changed:
        if "email" in changed:
            changed["email_key"] = email_key(changed["email"])
        if "forename" in changed or "surname" in changed:
            changed["name_key"] = name_key(values["forename"], values["surname"])
        if "staff_number" in changed:
            changed["staff_key"] = skey
    return changed


def leaver_share_too_high(plan: Plan) -> tuple[int, int] | None:
    """(leavers, active before) for the first force where the roster would make over half its people leavers."""
    by_force: dict[int, int] = defaultdict(int)
    for person in plan.leavers:
        by_force[person.force_id] += 1
    for force_id, n in by_force.items():
        before = plan.active_before.get(force_id, 0)
        if before and n * 2 > before:
            return n, before
    return None


def _existing_completions(force_ids: set[int]) -> set[tuple[int, str]]:
    rows = db.session.execute(
        select(LearningRecord.person_id, LearningRecord.requirement_code)
        .where(LearningRecord.force_id.in_(force_ids), LearningRecord.completed.is_(True),
               LearningRecord.person_id.is_not(None))
        .distinct()
    )
    return {(pid, code) for pid, code in rows}


def _identity_too_long(model, r, identity: str, columns) -> RowError | None:
    return _too_long(model, {"staff_number": r.staff_number, "email": r.email, "first_name": r.first_name,
                             "last_name": r.last_name, "identity_key": identity}, columns, r.row)


def _matched_rows(plan: Plan, result, router: ForceRouter, force_column: str, progress: Progress | None,
                  too_long_of: Callable):
    """Each valid row routed to its force, checked against column sizes and matched to a person there.

    Yields (row, force, identity key, person id or None, match method, pending). Counts matched and unmatched in the
    plan, and for rows pending for another force (lms.imports.routing) only how many went to which force: the
    uploader never learns whether they matched anyone.
    """
    indexes = _Indexes()
    if router.batch_force is not None:
        plan.force_ids.add(router.batch_force.id)
    matched = unmatched = 0
    sent: Counter[str] = Counter()
    for r in _each(result.rows, progress):
        force = router.route(r.force_code, r.row, force_column, plan)
        if force is None:
            continue
        identity = identity_key(r.staff_number, r.email, r.first_name, r.last_name)
        too_long = too_long_of(r, identity)
        if too_long is not None:
            plan.errors.append(too_long)
            continue
        # Matched like any row, so the receiving force's lead sees who it is; counted only as "sent".
        person_id, method = indexes[force.id].match(r.staff_number, r.email, r.first_name, r.last_name)
        pending = router.pending(force)
        if pending:
            sent[force.code] += 1
        else:
            plan.force_ids.add(force.id)
            matched, unmatched = matched + (person_id is not None), unmatched + (person_id is None)
        yield r, force, identity, person_id, method, pending
    plan.counts.update(matched=matched, unmatched=unmatched)
    if plan.kind == "hydra":
        plan.counts["sent_to_other_forces"] = dict(sorted(sent.items()))  # type: ignore[assignment]
    plan.wrong_file = router.foreign_warning(force_column)


def _record_base(batch_id, force: Force, person_id, method, r, identity: str) -> dict:
    return {
        "batch_id": batch_id, "force_id": force.id, "person_id": person_id,
        "match_method": method if person_id is not None else None, "dismissed": method == "dismissed",
        "source_row": r.row, "staff_number": r.staff_number, "email": r.email, "first_name": r.first_name,
        "last_name": r.last_name, "identity_key": identity,
    }


def plan_learning(result, batch_force: Force | None, batch_id: int | None,
                  progress: Progress | None = None) -> Plan:
    """College Learn records to store, each matched to a person of its force or left unmatched."""
    plan = Plan("college-learn")
    done_pairs: set[tuple[int, str]] | None = None
    new_pairs: set[tuple[int, str]] = set()

    def too_long_of(r, identity):
        return _identity_too_long(LearningRecord, r, identity, _RECORD_COLUMNS)

    router = ForceRouter(batch_force, plan.kind)
    for r, force, identity, person_id, method, _pending in _matched_rows(plan, result, router, "Organisation",
                                                                         progress, too_long_of):
        if person_id is not None and r.completed:
            if done_pairs is None:
                done_pairs = _existing_completions(plan.force_ids | {force.id})
            if (person_id, r.requirement) not in done_pairs:
                new_pairs.add((person_id, r.requirement))
        plan.records.append({
            **_record_base(batch_id, force, person_id, method, r, identity),
            "requirement_code": r.requirement, "status": r.status[:60], "completed": r.completed,
            "completed_on": r.completed_on,
        })
    plan.counts.update(new_completions=len(new_pairs))
    return plan


def plan_hydra(result, batch_force: Force | None, batch_id: int | None, progress: Progress | None = None, *,
               uploader: User | None = None) -> Plan:
    """Hydra sessions and delegate lines, each delegate going to their own force: credited directly when the uploader
    may upload for that force, otherwise as pending records for it to accept (each row's "pending" key)."""
    plan = Plan("hydra")
    attended_before: set[int] | None = None
    newly: set[int] = set()

    def too_long_of(r, identity):
        return _identity_too_long(HydraAttendance, r, identity, _HYDRA_COLUMNS) or _too_long(
            HydraSession, {"reference": r.session_reference, "venue": r.venue, "facilitator": r.facilitator},
            _SESSION_COLUMNS, r.row)

    router = ForceRouter(batch_force, plan.kind, uploaders_of(uploader, batch_id))
    for r, force, identity, person_id, method, pending in _matched_rows(plan, result, router, "Force", progress,
                                                                        too_long_of):
        if person_id is not None and r.attended and not pending:
            if attended_before is None:
                attended_before = set(db.session.scalars(
                    select(HydraAttendance.person_id).where(
                        HydraAttendance.attended.is_(True), HydraAttendance.person_id.is_not(None),
                        HydraAttendance.pending.is_(False),
                    ).distinct()
                ))
            if person_id not in attended_before:
                newly.add(person_id)
        key = (r.session_date, r.session_reference or "", r.venue or "", r.facilitator or "")
        plan.sessions.setdefault(key, []).append({
            **_record_base(batch_id, force, person_id, method, r, identity),
            "session_date": r.session_date, "attendance": r.attendance[:60], "attended": r.attended,
            "pending": pending,
        })
    plan.counts.update(new_completions=len(newly), sessions=len(plan.sessions))
    return plan
