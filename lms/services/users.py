"""Accounts and force settings."""

from __future__ import annotations

from sqlalchemy import select

from lms.auth import hash_password
from lms.extensions import db
from lms.models import ROLES, Force, Region, User
from lms.services import audit


class UserError(ValueError):
    """The request cannot be carried out; the message says why."""


def get_force(code: str) -> Force:
    """The force with this code, or UserError listing how to find the codes."""
    force = db.session.scalar(select(Force).where(Force.code == code.strip().lower()))
    if force is None:
        raise UserError(
            f"No force with code '{code}'. Codes are data.police.uk force ids, like 'kent' or 'metropolitan'."
        )
    return force


def get_region(name: str) -> Region:
    region = db.session.scalar(select(Region).where(Region.name.ilike(name.strip())))
    if region is None:
        names = ", ".join(r.name for r in db.session.scalars(select(Region).order_by(Region.position)))
        raise UserError(f"No region called '{name}'. Regions: {names}.")
    return region


def create_user(email: str, role: str, *, password: str | None = None, force_code: str | None = None,
                region_name: str | None = None, name: str | None = None, actor: User | None = None) -> User:
    """Create an account. force_lead needs a force, regional a region. Flushes."""
    email = email.strip().lower()
    if role not in ROLES:
        raise UserError(f"Role must be one of: {', '.join(ROLES)}")
    if "@" not in email:
        raise UserError("Enter an email address in the correct format, like name@example.police.uk")
    if db.session.scalar(select(User).where(User.email == email)) is not None:
        raise UserError(f"A user with the email {email} already exists")
    force = get_force(force_code) if force_code else None
    region = get_region(region_name) if region_name else None
    if role == "force_lead" and force is None:
        raise UserError("A force_lead needs --force CODE")
    if role == "regional" and region is None:
        if force is None:
            raise UserError("A regional user needs --region NAME")
        region = force.region
    user = User(
        email=email,
        name=name,
        role=role,
        force_id=force.id if force and role == "force_lead" else None,
        region_id=region.id if region and role == "regional" else None,
        # An empty password is refused by the rules, not taken as "no password" (`--password-stdin` fed nothing).
        password_hash=hash_password(password) if password is not None else None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", actor, target=email, role=role, force=force_code, region=region_name)
    return user


def set_password(user: User, password: str) -> None:
    """Change a password and end the user's other sessions."""
    user.password_hash = hash_password(password)
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def update_force(force: Force, *, chief_name: str | None = None, chief_email: str | None = None,
                 personal_reminders: bool | None = None, actor: User | None = None) -> Force:
    """Change a force's chief constable contact or personal-reminder flag. Flushes."""
    changes = {}
    if chief_name is not None:
        changes["chief_name"] = chief_name.strip() or None
    if chief_email is not None:
        email = chief_email.strip().lower() or None
        if email and "@" not in email:
            raise UserError("Enter the chief constable's email address in the correct format")
        changes["chief_email"] = email
    if personal_reminders is not None:
        changes["personal_reminders"] = personal_reminders
    changed = [key for key, value in changes.items() if getattr(force, key) != value]
    for key in changed:
        setattr(force, key, changes[key])
    db.session.flush()
    if changed:
        # Which settings changed, not their values: the audit log carries no names or addresses.
        audit.record("force.updated", actor, force_id=force.id, target=force.code, changed=changed)
    return force
