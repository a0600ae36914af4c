"""Lists of import batches (a force's upload history, a user's own uploads) and which batch must be undone first."""

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


def rollback_blocker(batch: ImportBatch) -> ImportBatch | None:
    """The roster to roll back before this one can be, or None when nothing stands in the way.

    Rosters are undone newest first, force by force: each restores the people as the roster before it left them.
    So a roster waits for every later committed roster for one of its forces; the newest of them is named, as it is
    the one that can be rolled back now. College Learn exports and Hydra registers never wait.
    """
    if batch.kind != "roster" or batch.status != "committed":
        return None
    forces = select(BatchForce.force_id).where(BatchForce.batch_id == batch.id)
    return db.session.scalar(
        select(ImportBatch)
        .join(BatchForce, BatchForce.batch_id == ImportBatch.id)
        .where(ImportBatch.kind == "roster", ImportBatch.status == "committed", ImportBatch.id > batch.id,
               BatchForce.force_id.in_(forces))
        .order_by(ImportBatch.id.desc())
        .limit(1)
    )


def blocked_message(blocker: ImportBatch) -> str:
    """Why a roster cannot be rolled back yet, naming the batch to undo first (the page, the API and the CLI)."""
    return (f"Roster batch {blocker.id} was committed after this one for the same force: roll that back first, so "
            "each roster is undone in the order it came")
