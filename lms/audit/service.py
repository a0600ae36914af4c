"""The audit trail: who did what, when; recording an event, and reading the log back page by page."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import g, has_app_context
from sqlalchemy import func, select

from lms.core.clock import utc_midnight
from lms.extensions import db
from lms.models import AuditEvent, Force, User

AUDIT_PAGE_SIZE = 50


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
    action: str | None = None
    actor: str | None = None  # email contains
    force_code: str | None = None
    date_from: date | None = None  # local dates, inclusive
    date_to: date | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments, for page links."""
        args = {"action": self.action, "actor": self.actor, "force": self.force_code,
                "date_from": self.date_from.strftime("%d/%m/%Y") if self.date_from else None,
                "date_to": self.date_to.strftime("%d/%m/%Y") if self.date_to else None}
        return {key: value for key, value in args.items() if value}


@dataclass
class AuditPage:
    rows: list[tuple[AuditEvent, str | None]]  # (event, force name)
    total: int
    page: int
    pages: int


def audit_log(filters: AuditFilters, page: int, tz: ZoneInfo) -> AuditPage:
    """Audit events, newest first, AUDIT_PAGE_SIZE to a page; dates are local (`tz`) days, both inclusive."""
    query = select(AuditEvent, Force.name).outerjoin(Force, Force.id == AuditEvent.force_id)
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
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.session.execute(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(AUDIT_PAGE_SIZE).offset((page - 1) * AUDIT_PAGE_SIZE)
    ).all()
    return AuditPage([(event, name) for event, name in rows], total, page, pages)


def audit_actions() -> list[str]:
    """Every action recorded so far, for the filter."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def detail_text(value: object) -> str:
    """One audit detail value as recorded, as plain text (the template escapes it)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return json.dumps(value, ensure_ascii=False, default=str)


def force_choices() -> list[tuple[str, str]]:
    """(code, name) of every force by name, for the log's force filter."""
    return [(code, name) for code, name in db.session.execute(select(Force.code, Force.name).order_by(Force.name))]
