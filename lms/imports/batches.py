"""Lists of import batches: a force's upload history and a user's own uploads."""

from __future__ import annotations

from sqlalchemy import or_, select

from lms.extensions import db
from lms.models import BatchForce, Force, ImportBatch, User

LIMIT = 500


def force_history(force: Force) -> list[ImportBatch]:
    """Every batch for the force, newest first, including 'all forces' files that wrote to it."""
    touched = select(BatchForce.batch_id).where(BatchForce.force_id == force.id)
    return list(db.session.scalars(
        select(ImportBatch)
        .where(or_(ImportBatch.force_id == force.id, ImportBatch.id.in_(touched)))
        .order_by(ImportBatch.id.desc())
        .limit(LIMIT)
    ))


def uploads_by(user: User) -> list[ImportBatch]:
    """The batches this user uploaded, newest first: how a co-ordinator finds an 'all forces' register again."""
    return list(db.session.scalars(
        select(ImportBatch).where(ImportBatch.uploaded_by_id == user.id).order_by(ImportBatch.id.desc()).limit(LIMIT)
    ))
