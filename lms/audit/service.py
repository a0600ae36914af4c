"""The audit trail: who did what, when; recording an event, and reading the log back page by page or as CSV."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import g, has_app_context
from sqlalchemy import Select, func, select

from lms import policy
from lms.core.clock import local_time, utc_midnight
from lms.core.csv_text import csv_lines
from lms.core.paging import PAGE_SIZE, Paging
from lms.core.text import (
    KIND_LABELS,
    action_label,
    batch_status_label,
    email_kind_label,
    kind_label,
    long_date,
    period_label,
    role_label,
    words,
)
from lms.extensions import db
from lms.models import AuditEvent, Force, ImportBatch, Person, User

AUDIT_PAGE_SIZE = PAGE_SIZE
# What events name in their target: "batch 17" (imports), "person 42" (decisions on unmatched records).
_TARGET = re.compile(r"^(batch|person) (\d+)$")


def record(action: str, user: User | None = None, *, force_id: int | None = None, target: str | None = None,
           actor: str | None = None, **details: Any) -> AuditEvent:
    """Add an audit event to the session (flushed with the caller's unit of work)."""
    # The web layer puts the connecting address of the request here (lms.web.setup); CLI and jobs have none.
    ip = g.get("client_address") if has_app_context() else None
    event = AuditEvent(
        action=action,
        user_id=user.id if user is not None else None,
        actor=actor or (user.email if user is not None else None),
        force_id=force_id,
        target=target,
        details=details,
        ip=ip,
    )
    db.session.add(event)
    return event


@dataclass
class AuditFilters:
    """What the log is narrowed to; every field optional."""

    action: str | None = None
    actor: str | None = None  # email contains
    force_code: str | None = None
    date_from: date | None = None  # local dates, inclusive
    date_to: date | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments, for page links, the CSV link and removing one filter."""
        args = {"action": self.action, "actor": self.actor, "force": self.force_code,
                "date_from": self.date_from.isoformat() if self.date_from else None,
                "date_to": self.date_to.isoformat() if self.date_to else None}
        return {key: value for key, value in args.items() if value}

    def selected(self, force_names: dict[str, str]) -> list[tuple[str, str, str]]:
        """The filters in force as (query argument, heading, value in words), for the "Selected filters" tags."""
        chosen = [("action", "Action", action_label(self.action) if self.action else None),
                  ("actor", "User", self.actor),
                  ("force", "Force", force_names.get(self.force_code or "", self.force_code)),
                  ("date_from", "From", long_date(self.date_from)),
                  ("date_to", "To", long_date(self.date_to))]
        return [(key, heading, value) for key, heading, value in chosen if value]


@dataclass
class AuditRow:
    """One event as the log shows it, with links to what it names when the viewer may see them."""

    event: AuditEvent
    force_name: str | None
    force_code: str | None
    batch_id: int | None = None
    person_id: int | None = None


@dataclass
class AuditPage:
    rows: list[AuditRow]
    paging: Paging

    @property
    def total(self) -> int:
        return self.paging.total


def _query(filters: AuditFilters, tz: ZoneInfo) -> Select:
    query = select(AuditEvent, Force.name, Force.code).outerjoin(Force, Force.id == AuditEvent.force_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor:
        query = query.where(func.lower(AuditEvent.actor).contains(filters.actor.strip().lower(), autoescape=True))
    if filters.force_code:
        query = query.where(Force.code == filters.force_code)
    if filters.date_from:
        query = query.where(AuditEvent.at >= utc_midnight(filters.date_from, tz))
    if filters.date_to:
        query = query.where(AuditEvent.at < utc_midnight(filters.date_to + timedelta(days=1), tz))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def _linked(rows: list[AuditRow], viewer: User | None) -> None:
    """Fill in the batch and person links of a page's rows: only for an admin (the one role that may see every
    batch and person), and only to batches and people that still exist."""
    if viewer is None or not policy.is_admin(viewer):
        return
    named = [(row, *match.groups()) for row in rows if (match := _TARGET.match(row.event.target or ""))]
    batch_ids = {int(n) for _, what, n in named if what == "batch"}
    person_ids = {int(n) for _, what, n in named if what == "person"}
    batches = set(db.session.scalars(select(ImportBatch.id).where(ImportBatch.id.in_(batch_ids)))) if batch_ids \
        else set()
    people = dict(db.session.execute(select(Person.id, Force.code).join(Force, Force.id == Person.force_id)
                                     .where(Person.id.in_(person_ids))).all()) if person_ids else {}
    for row, what, number in named:
        if what == "batch" and int(number) in batches:
            row.batch_id = int(number)
        elif what == "person" and int(number) in people:
            row.person_id, row.force_code = int(number), people[int(number)]


def audit_log(filters: AuditFilters, page: int, tz: ZoneInfo, viewer: User | None = None) -> AuditPage:
    """Audit events, newest first, AUDIT_PAGE_SIZE to a page (a page past the end is the last); dates are local
    (`tz`) days, both inclusive. Batches and people an event names are linked for a viewer who may see them."""
    query = _query(filters, tz)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    paging = Paging.of(page, total, AUDIT_PAGE_SIZE)
    found = db.session.execute(query.limit(paging.per_page).offset(paging.offset)).all()
    rows = [AuditRow(event, name, code) for event, name, code in found]
    _linked(rows, viewer)
    return AuditPage(rows, paging)


CSV_HEADER = ["When", "When (UTC, ISO 8601)", "Who", "Action", "Action code", "Force", "Target", "Details",
              "IP address"]


def audit_csv(filters: AuditFilters, tz: ZoneInfo) -> Iterator[str]:
    """Every event the filters match, newest first, as CSV lines (formula-safe), read 1,000 at a time."""
    def rows():
        result = db.session.execute(_query(filters, tz).execution_options(yield_per=1000))
        for event, name, _code in result:
            yield [local_time(event.at, tz), event.at.isoformat(timespec="seconds") + "Z",
                   event.actor or "the service", action_label(event.action), event.action, name,
                   target_text(event.action, event.target),
                   details_text(event.details), event.ip]
    return csv_lines(CSV_HEADER, rows())


def audit_actions() -> list[tuple[str, str]]:
    """Every action recorded so far as (code, words), in the words' order, for the filter."""
    codes = db.session.scalars(select(AuditEvent.action).distinct())
    return sorted(((code, action_label(code)) for code in codes), key=lambda pair: pair[1].lower())


def detail_text(value: object) -> str:
    """One audit detail value as recorded, as plain text (the template escapes it)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return json.dumps(value, ensure_ascii=False, default=str)


_EMAIL_TARGET = re.compile(r"^([a-z_]+) (\d{4}-W?\d{2})$")  # "league_table 2026-05": a kind of email and its period


def target_text(action: str, target: str | None) -> str:
    """What an event acted on, in words: emails' "league_table 2026-05" -> "League table to chief constable,
    May 2026"; a schedule's job id "retry_failed" -> "Retry failed"; anything else as recorded."""
    if not target:
        return ""
    if action.startswith("emails."):
        if match := _EMAIL_TARGET.match(target):
            return f"{email_kind_label(match.group(1))}, {period_label(match.group(2))}"
        return email_kind_label(target)
    if action.startswith("schedule."):
        return words(target)
    return target


def _value_words(key: str, value: object) -> str:
    # Details that hold a code say it in words: a kind of file or email, a role, a batch's status.
    if isinstance(value, str):
        if key == "kind":
            return kind_label(value) if value in KIND_LABELS else email_kind_label(value)
        if key == "role":
            return role_label(value)
        if key == "status":
            return batch_status_label(value)
    return detail_text(value)


def detail_items(details: object) -> list[tuple[str, str]]:
    """An event's details as (name, value) in words: "personal_reminders": True -> ("Personal reminders", "yes"),
    "kind": "college-learn" -> ("Kind", "College Learn export"). Details that are not a mapping are one value."""
    if isinstance(details, dict):
        return [(key.replace("_", " ").capitalize(), _value_words(key, value)) for key, value in details.items()]
    return [("", detail_text(details))] if details else []


def details_text(details: object) -> str:
    """All of an event's details on one line, "Name: value; Name: value", for the CSV."""
    return "; ".join(f"{name}: {value}" if name else value for name, value in detail_items(details))


def force_choices() -> list[tuple[str, str]]:
    """(code, name) of every force by name, for the log's force filter."""
    return [(code, name) for code, name in db.session.execute(select(Force.code, Force.name).order_by(Force.name))]
