"""Why a person is or is not compliant on a day: each record matched to them, whether it counts and why, and the
upload it came from (the person's page; force leads and admins only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lms.compliance import rules
from lms.compliance.rules import PersonStatus, person_status
from lms.extensions import db
from lms.forces import due_dates
from lms.models import HydraAttendance, ImportBatch, Person
from lms.reports.people import (
    REQUIREMENT_LABELS,
    due_text,
    facts_for,
    grace_days,
    outstanding_text,
    person_records,
    status_date,
)


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


def _reason(verdict: str, record, person: Person, as_of: date) -> str:
    """The words for a `rules.record_verdicts` verdict on a College Learn record or a Hydra attendance."""
    hydra = isinstance(record, HydraAttendance)
    label = "Hydra" if hydra else REQUIREMENT_LABELS.get(record.requirement_code, record.requirement_code)
    if verdict == rules.NOT_DONE:
        return (f"“{record.attendance}” does not count as attending" if hydra
                else f"“{record.status}” is not a completion")
    reasons = {
        rules.UNDATED: "No completion date",
        rules.LATER: f"{'Session' if hydra else 'Completed'} after {status_date(as_of)}",
        rules.EXPIRED: f"Expired: {'Hydra sessions' if hydra else 'completions'} before "
                       f"{status_date(_counts_from(as_of, hydra))} no longer count",
        rules.LEFT: "They have left the force: leavers never count",
        rules.EXEMPT: f"They are exempt until {status_date(person.exempt_until)}: exempt people count nowhere",
        rules.NOT_REQUIRED: f"{'Hydra' if hydra else 'E-learning'} is not required of them: the record is kept but "
                            "never counts",
        rules.COUNTS: "The first session attended" if hydra else f"The earliest completion of {label}",
        rules.SUPERSEDED: "An earlier session already counts" if hydra else f"An earlier completion of {label} "
                          "already counts",
    }
    return reasons[verdict]


def _counts_from(as_of: date, hydra: bool) -> date | None:
    """The earliest date a completion (or session) still counts from under the package's validity."""
    return rules.valid_from(as_of, due_dates.current_policy().validity_months("hydra" if hydra else "elearning"))


def _fact(record) -> tuple[str, bool, date | None, str]:
    """(requirement code, done, day, status as uploaded) of a College Learn record or a Hydra attendance."""
    if isinstance(record, HydraAttendance):
        return rules.HYDRA, record.attended, record.session_date, record.attendance
    return record.requirement_code, record.completed, record.completed_on, record.status


def _explained(status: PersonStatus, person: Person, rows: list, as_of: date) -> list[RecordExplanation]:
    """Each (record, batch) with whether it counts and why, judged by `rules.record_verdicts`."""
    facts = [_fact(record) for record, _ in rows]
    verdicts = rules.record_verdicts(status, [(code, done, day) for code, done, day, _ in facts], as_of)
    return [
        RecordExplanation(code, day, shown, verdict == rules.COUNTS, _reason(verdict, record, person, as_of), batch,
                          record.source_row, record.match_method)
        for (record, batch), (code, _, day, shown), verdict in zip(rows, facts, verdicts, strict=True)
    ]


def explain_person(person: Person, as_of: date) -> dict:
    """The 'why' behind one person's status on ``as_of``: what counts, what is missing, and each record's upload.

    Returns {"status": PersonStatus, "learning": [RecordExplanation], "hydra": [RecordExplanation],
    "outstanding": text, "roster": {"created": ImportBatch|None, "updated": ImportBatch|None}, "due": their due
    date in words (`due_text`), "grace_days"}. The status and
    each record's verdict come from `lms.compliance.rules`, the rules the figures are checked against.
    """
    status = person_status(facts_for([person])[person.id], as_of, due_dates.current_policy())
    records = person_records(person)
    roster = {
        "created": db.session.get(ImportBatch, person.created_batch_id) if person.created_batch_id else None,
        "updated": db.session.get(ImportBatch, person.updated_batch_id) if person.updated_batch_id else None,
    }
    return {"status": status, "learning": _explained(status, person, records["learning"], as_of),
            "hydra": _explained(status, person, records["hydra"], as_of), "outstanding": outstanding_text(status),
            "roster": roster, "due": due_text(status), "grace_days": grace_days()}
