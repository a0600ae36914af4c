"""A batch's life as a timeline (MOJ Frontend's pattern on the batch page): uploaded, previewed, committed, refused,
rolled back, with who did each and when, newest first.

Read from the audit log (every step of a batch is an event whose target is "batch N"), so the timeline says exactly
what the log says; the upload itself is the batch's own row, as a file committed in one step (the CLI, the API)
records no separate upload event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lms.core.text import action_label
from lms.extensions import db
from lms.models import AuditEvent, ImportBatch, User

# What each step is called on the batch's own page (the audit log's labels name the import too).
TITLES = {
    "import.uploaded": "Uploaded",
    "import.previewed": "Previewed",
    "import.committed": "Committed",
    "import.refused": "Refused",
    "import.needs_mapping": "Waiting for its columns to be named",
    "import.cancelled": "Cancelled",
    "import.rolled_back": "Rolled back",
    "import.failed": "Preview failed",
    "import.retried": "Preview tried again",
}
# Who did a step that no signed-in person did.
NOBODY = "the service"


@dataclass(frozen=True)
class Step:
    """One item of the timeline: what happened, who did it (a name or an email) and when (naive UTC, as stored)."""

    title: str
    by: str
    when: datetime


def _who(user: User | None, actor: str | None) -> str:
    if user is not None:
        return user.name or user.email
    return actor or NOBODY


def batch_timeline(batch: ImportBatch) -> list[Step]:
    """The steps of `batch`'s life, newest first. The caller has already checked the viewer may see the batch."""
    rows = db.session.execute(
        select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.user_id)
        .where(AuditEvent.target == f"batch {batch.id}", AuditEvent.action.like("import.%"))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    steps = [Step(TITLES.get(event.action, action_label(event.action)), _who(user, event.actor), event.at)
             for event, user in rows]
    if not any(step.title == TITLES["import.uploaded"] for step in steps):
        steps.insert(0, Step(TITLES["import.uploaded"], _who(batch.uploaded_by, None), batch.created_at))
    return list(reversed(steps))
