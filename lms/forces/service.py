"""The 43 forces and their regions: finding them, and each force's settings (chief constable, reminders)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from importers.addresses import is_email_address
from lms.audit import service as audit
from lms.core.errors import ServiceError
from lms.extensions import db
from lms.models import Force, Region, User


class ForceError(ServiceError):
    """No such force or region, or a setting refused; the message says why."""


def get_force(code: str) -> Force:
    """The force with this code, or ForceError (status 404) saying what codes look like."""
    force = db.session.scalar(select(Force).where(Force.code == code.strip().lower()))
    if force is None:
        raise ForceError(
            f"No force with code '{code}'. Codes are data.police.uk force ids, like 'kent' or 'metropolitan'.",
            status=404,
        )
    return force


def get_region(name: str) -> Region:
    """The region with this name (any case), or ForceError listing the regions."""
    region = db.session.scalar(select(Region).where(Region.name.ilike(name.strip())))
    if region is None:
        names = ", ".join(r.name for r in db.session.scalars(select(Region).order_by(Region.position)))
        raise ForceError(f"No region called '{name}'. Regions: {names}.", status=404)
    return region


def all_forces() -> list[Force]:
    """The 43 forces by name, with their regions."""
    return list(db.session.scalars(select(Force).options(joinedload(Force.region)).order_by(Force.name)))


def force_choices() -> list[tuple[str, str]]:
    """(code, name) of every force by name, for the filters and selects that name a force."""
    return [(code, name) for code, name in db.session.execute(select(Force.code, Force.name).order_by(Force.name))]


def all_regions() -> list[Region]:
    """The regions in the order DESIGN.md lists them."""
    return list(db.session.scalars(select(Region).order_by(Region.position, Region.name)))


def update_force(force: Force, *, chief_name: str | None = None, chief_email: str | None = None,
                 personal_reminders: bool | None = None, sso_only: bool | None = None,
                 actor: User | None = None) -> Force:
    """Change a force's chief constable contact, personal-reminder flag or single-sign-on-only flag (its accounts'
    passwords are refused: lms.accounts.auth). Flushes."""
    changes = {}
    if chief_name is not None:
        changes["chief_name"] = chief_name.strip() or None
    if chief_email is not None:
        email = chief_email.strip().lower() or None
        if email and not is_email_address(email):
            raise ForceError("Enter the chief constable's email address in the correct format, like "
                             "chief.constable@kent.police.uk", field="chief_email")
        changes["chief_email"] = email
    if personal_reminders is not None:
        changes["personal_reminders"] = personal_reminders
    if sso_only is not None:
        changes["sso_only"] = sso_only
    changed = [key for key, value in changes.items() if getattr(force, key) != value]
    for key in changed:
        setattr(force, key, changes[key])
    db.session.flush()
    if changed:
        # Which settings changed, not their values: the audit log carries no names or addresses.
        audit.record("force.updated", actor, force_id=force.id, target=force.code, changed=changed)
    return force
