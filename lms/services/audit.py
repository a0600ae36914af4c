"""The audit trail: who did what, when."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from lms.extensions import db
from lms.models import AuditEvent, User


def record(action: str, user: User | None = None, *, force_id: int | None = None, target: str | None = None,
           actor: str | None = None, **details: Any) -> AuditEvent:
    """Add an audit event to the session (flushed with the caller's unit of work)."""
    ip = None
    if has_request_context():
        # The connecting address only: X-Forwarded-For is whatever the client says (use ProxyFix behind a proxy).
        ip = (request.remote_addr or "")[:64] or None
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
