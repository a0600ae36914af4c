"""Chief constables' read-only links: signed, one force each, expiring (45 days by default), revocable by an admin.

A link's URL names the force and carries a token signed with the app's secret key: the link row's id and a random
nonce kept on the row. Nothing secret is stored, a changed character breaks the signature, and a revoked or
expired row refuses the token however well signed. Every use, refused or not, goes in the audit log.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from lms.audit import service as audit
from lms.core.errors import ServiceError
from lms.extensions import db
from lms.models import ChiefLink, Force, User, utcnow

DEFAULT_DAYS = 45
SALT = "chief-constable-link"
ACTOR = "chief constable link"


class LinkRefused(ServiceError):
    """The link cannot be shown: `reason` is one of "tampered", "unknown", "other_force", "revoked", "expired"."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_days() -> int:
    """How many days a new link works: the app's CHIEF_LINK_DAYS setting when set, else 45."""
    return int(current_app.config.get("CHIEF_LINK_DAYS") or DEFAULT_DAYS)


def token_of(link: ChiefLink) -> str:
    """The signed token a link's URL carries."""
    return _serializer().dumps([link.id, link.nonce])


def link_url(link: ChiefLink, code: str) -> str:
    """The link's absolute address, on LMS_BASE_URL (emails and the command line have no request to take it from)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http")
    return adapter.build("briefings.chief_page", {"code": code, "token": token_of(link)}, force_external=True)


def issue_link(force: Force, *, period: str | None = None, actor: User | None = None, days: int | None = None,
               now: datetime | None = None) -> ChiefLink:
    """A new link for this force's chief constable, working for `days` (default `link_days()`). Flushes."""
    now = now or utcnow()
    link = ChiefLink(force_id=force.id, period=period, nonce=secrets.token_urlsafe(24), created_at=now,
                     expires_at=now + timedelta(days=days or link_days()), created_by_id=actor.id if actor else None,
                     uses=0)
    db.session.add(link)
    db.session.flush()
    audit.record("chief_link.created", actor, actor=None if actor else "service", force_id=force.id,
                 target=f"chief link {link.id}", period=period, expires=link.expires_at.isoformat())
    return link


def link_for_period(force: Force, period: str) -> ChiefLink:
    """The link that goes with a month's email to this force's chief: the month's working one, or a new one."""
    now = utcnow()
    existing = db.session.scalar(
        select(ChiefLink).where(ChiefLink.force_id == force.id, ChiefLink.period == period,
                                ChiefLink.revoked_at.is_(None), ChiefLink.expires_at > now)
        .order_by(ChiefLink.id.desc()).limit(1)
    )
    return existing or issue_link(force, period=period)


@dataclass(frozen=True, slots=True)
class OpenedLink:
    """A link that was accepted: its row and its force."""

    link: ChiefLink
    force: Force


def open_link(code: str, token: str, *, now: datetime | None = None) -> OpenedLink:
    """Check a link and record its use in the audit log (the caller commits, refused or not).

    Raises LinkRefused when the token is not one the service signed, names no link, is another force's, or
    was revoked or has expired.
    """
    now = now or utcnow()
    try:
        link_id, nonce = _serializer().loads(token)
        link_id = int(link_id)
    except (BadSignature, ValueError, TypeError):
        _refused(None, "tampered", code)
        raise LinkRefused("tampered", "This link is not valid. Check it was copied in full.") from None
    link = db.session.get(ChiefLink, link_id)
    if link is None or not hmac.compare_digest(str(nonce), link.nonce):
        _refused(None, "unknown", code, link_id=link_id)
        raise LinkRefused("unknown", "This link is not valid. Check it was copied in full.")
    force = db.session.get(Force, link.force_id)
    if force.code != code:
        _refused(link, "other_force", code)
        raise LinkRefused("other_force", "This link is not valid. Check it was copied in full.")
    if link.revoked_at is not None:
        _refused(link, "revoked", code)
        raise LinkRefused("revoked", "This link has been withdrawn. Ask MSOICU for a new one.")
    if link.expires_at <= now:
        _refused(link, "expired", code)
        raise LinkRefused("expired", "This link has expired. Next month's email will bring a new one, or ask "
                                     "MSOICU for one now.")
    link.uses = (link.uses or 0) + 1
    link.last_used_at = now
    audit.record("chief_link.used", None, actor=ACTOR, force_id=force.id, target=f"chief link {link.id}",
                 outcome="shown")
    db.session.flush()
    return OpenedLink(link, force)


def _refused(link: ChiefLink | None, reason: str, code: str, **details) -> None:
    audit.record("chief_link.refused", None, actor=ACTOR, force_id=link.force_id if link else None,
                 target=f"chief link {link.id}" if link else (code or "")[:60], outcome=reason, **details)
    db.session.flush()


def revoke_link(link_id: int, actor: User | None) -> ChiefLink:
    """Withdraw a link: it stops working at once. Flushes; the caller commits."""
    link = db.session.get(ChiefLink, link_id)
    if link is None:
        raise ServiceError("There is no such link")
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        link.revoked_by_id = actor.id if actor else None
        audit.record("chief_link.revoked", actor, force_id=link.force_id, target=f"chief link {link.id}")
        db.session.flush()
    return link


@dataclass(frozen=True, slots=True)
class LinkRow:
    """A link as the admin's list shows it."""

    link: ChiefLink
    force_name: str
    state: str  # "working", "expired", "revoked"


def list_links(*, now: datetime | None = None, limit: int = 500) -> list[LinkRow]:
    """Links newest first, with their force and state."""
    now = now or utcnow()
    rows = db.session.execute(
        select(ChiefLink, Force.name).join(Force, Force.id == ChiefLink.force_id)
        .order_by(ChiefLink.created_at.desc(), ChiefLink.id.desc()).limit(limit)
    )
    out = []
    for link, name in rows:
        state = "revoked" if link.revoked_at else "expired" if link.expires_at <= now else "working"
        out.append(LinkRow(link, name, state))
    return out


def get_link(link_id: int) -> ChiefLink | None:
    """A link by id."""
    return db.session.get(ChiefLink, link_id)
