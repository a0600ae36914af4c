"""Who speaks for a force's data: its training leads, or, for a force with no lead account, its ROCU and the admins.

Stale-data reminders and the admin's list of forces with no lead use this.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lms import policy
from lms.extensions import db
from lms.models import Force, Region, User


def force_leads(force_id: int) -> list[User]:
    """The force's active training-lead accounts, by email."""
    return list(db.session.scalars(
        select(User).where(User.force_id == force_id, User.role == policy.FORCE_LEAD, User.active.is_(True))
        .order_by(User.email)
    ))


def regional_users(region_id: int) -> list[User]:
    """The active ROCU co-ordinators of a region, by email."""
    return list(db.session.scalars(
        select(User).where(User.region_id == region_id, User.role == policy.REGIONAL, User.active.is_(True))
        .order_by(User.email)
    ))


def admins() -> list[User]:
    """The active admins, by email."""
    return list(db.session.scalars(
        select(User).where(User.role == policy.ADMIN, User.active.is_(True)).order_by(User.email)
    ))


@dataclass(frozen=True, slots=True)
class NoLeadForce:
    """A force with no active lead account, and who is told instead."""

    force: Force
    region: str
    rocu: list[str]  # emails of the region's co-ordinators (none for London)


def forces_without_leads() -> list[NoLeadForce]:
    """Forces with no active force-lead account, by name, with the ROCU co-ordinators told in their place."""
    with_leads = set(db.session.scalars(
        select(User.force_id).where(User.role == policy.FORCE_LEAD, User.active.is_(True),
                                    User.force_id.is_not(None)).distinct()
    ))
    rows = db.session.execute(select(Force, Region).join(Region, Region.id == Force.region_id).order_by(Force.name))
    rocu: dict[int, list[str]] = {}
    out = []
    for force, region in rows:
        if force.id in with_leads:
            continue
        if region.id not in rocu:
            rocu[region.id] = [u.email for u in regional_users(region.id)]
        out.append(NoLeadForce(force, region.name, rocu[region.id]))
    return out


def stand_ins(force: Force) -> list[User]:
    """Who gets a force's stale-data reminders when it has no lead: its region's co-ordinators, then the admins."""
    seen, out = set(), []
    for user in [*regional_users(force.region_id), *admins()]:
        if user.email not in seen:
            seen.add(user.email)
            out.append(user)
    return out
