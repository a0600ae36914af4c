"""Who may see and do what: DESIGN.md's role table, in one place.

Views and the API call these functions (or the decorators) and never test roles themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g, request
from flask_login import current_user

from lms.models import Force, ImportBatch, User

ADMIN, NATIONAL, REGIONAL, FORCE_LEAD = "admin", "national", "regional", "force_lead"


def sees_force(user: User, force: Force) -> bool:
    """Aggregates of this force: admin and national see all; regional their region; a lead their force."""
    if user.role in (ADMIN, NATIONAL):
        return True
    if user.role == REGIONAL:
        return user.region_id is not None and force.region_id == user.region_id
    if user.role == FORCE_LEAD:
        return user.force_id == force.id
    return False


def sees_people(user: User, force: Force) -> bool:
    """Person-level data (names, emails, staff numbers): the force's own leads and admins only."""
    return user.role == ADMIN or (user.role == FORCE_LEAD and user.force_id == force.id)


def sees_national(user: User) -> bool:
    """The national league table with every force's aggregates."""
    return user.role in (ADMIN, NATIONAL, REGIONAL, FORCE_LEAD)


def can_upload(user: User, kind: str, force: Force | None) -> bool:
    """Upload a batch of `kind` for `force` (None means 'all': rows routed by their Force column)."""
    if user.role == ADMIN:
        return True
    if user.role == FORCE_LEAD:
        return force is not None and force.id == user.force_id
    if user.role == REGIONAL:
        # ROCU co-ordinators run Hydra sessions; delegates are credited to their own forces.
        return kind == "hydra" and (force is None or force.region_id == user.region_id)
    return False


def upload_forces(user: User, forces: list[Force]) -> list[Force]:
    """The forces this user may choose on the upload page."""
    return [f for f in forces if can_upload(user, "hydra" if user.role == REGIONAL else "roster", f)]


def can_manage_batch(user: User, batch: ImportBatch) -> bool:
    """See the detail of, commit, cancel or roll back a batch."""
    if user.role == ADMIN:
        return True
    if batch.uploaded_by_id == user.id and can_upload(user, batch.kind, batch.force):
        # The uploader, while they may still upload such a file for that force (a lead moved to another force
        # loses their old force's batches; a co-ordinator keeps the registers of their region).
        return True
    return user.role == FORCE_LEAD and batch.force_id is not None and batch.force_id == user.force_id


def can_review_pending(user: User, force: Force) -> bool:
    """Accept or decline the Hydra lines another force's register sent to `force` (DESIGN.md "Hydra register"):
    the force's own leads, the ROCU of its region, admins."""
    if user.role == ADMIN:
        return True
    if user.role == FORCE_LEAD:
        return user.force_id == force.id
    if user.role == REGIONAL:
        return user.region_id is not None and force.region_id == user.region_id
    return False


def is_admin(user: User) -> bool:
    """The service owner, who may do everything."""
    return user.role == ADMIN


def can_publish(user: User) -> bool:
    """MSOICU reviews and publishes the month's table."""
    return user.role in (ADMIN, NATIONAL)


def role_required(*roles: str) -> Callable:
    """Decorator: signed in with one of `roles` (401 for the API / sign-in redirect, else 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    abort(401)
                from lms.extensions import login_manager

                return login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            g.user = current_user
            return view(*args, **kwargs)

        return wrapped

    return decorator


signed_in = role_required()
