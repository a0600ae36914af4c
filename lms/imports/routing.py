"""Which force a row of a file belongs to, and whether the uploader may credit that force directly.

A one-force batch keeps its rows for its force, except a Hydra register's delegates of another force (regional
sessions are normal): they go to their own force. DESIGN.md "Hydra register": they are credited directly only when
the uploader may upload for that force (`policy.can_upload`: an admin for any force, a ROCU for its region's, a
lead for their own); otherwise they are stored as *pending* records for that force's lead to accept, and the
uploader learns only how many rows went to which force.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from importers import RowError
from lms import policy
from lms.extensions import db
from lms.imports import wrong_file
from lms.models import Force, ImportBatch, User


class ForceRouter:
    """Which force a row belongs to: the batch's force, or the row's Force column for an 'all' batch.

    `uploaders` are the users whose permissions decide whether another force's Hydra rows are credited directly:
    the uploader of the file (and, committing a preview, whoever commits it too). None of them (the command line
    without --as) credits every force directly, as an operator may.
    """

    def __init__(self, batch_force: Force | None, kind: str, uploaders: tuple[User, ...] = ()):
        self.batch_force = batch_force
        self.kind = kind
        self.uploaders = uploaders
        self.by_code = {f.code: f for f in db.session.scalars(select(Force))}
        self.named: Counter[str] = Counter()  # force code -> rows naming it, in a one-force batch
        self._direct: dict[int, bool] = {}

    def foreign_warning(self, column: str) -> str | None:
        """Most rows name another force than the batch's (Hydra registers excepted: regional sessions)."""
        if self.batch_force is None or self.kind == "hydra":
            return None
        return wrong_file.foreign_rows(self.batch_force, self.named, self.by_code, column)

    def route(self, row_code: str | None, row: int, column: str, plan) -> Force | None:
        """The row's force, or None (with a row error in the plan) when it cannot go anywhere."""
        if self.batch_force is None:
            if not row_code:
                plan.errors.append(RowError(row, column, f"{column} is empty: name the force, like 'Kent Police', "
                                                         "because this file is uploaded for all forces"))
                return None
            return self.by_code[row_code]
        if row_code:
            self.named[row_code] += 1
        if row_code and row_code != self.batch_force.code:
            if self.kind == "hydra":
                return self.by_code[row_code]  # regional sessions: delegates go to their own force
            other = self.by_code[row_code].name
            plan.errors.append(RowError(row, column, f"This row is for {other}, but the file is uploaded for "
                                                     f"{self.batch_force.name}: remove the row or upload it for "
                                                     f"{other}"))
            return None
        return self.batch_force

    def pending(self, force: Force) -> bool:
        """A Hydra row for `force` waits for that force to accept it: some uploader may not upload for it."""
        if self.kind != "hydra" or (self.batch_force is not None and force.id == self.batch_force.id):
            return False
        if force.id not in self._direct:
            self._direct[force.id] = all(policy.can_upload(user, "hydra", force) for user in self.uploaders)
        return not self._direct[force.id]


def uploaders_of(uploader: User | None, batch_id: int | None) -> tuple[User, ...]:
    """Whose permissions decide the crediting: the user running the import and the batch's own uploader.

    Committing a preview plans the file again as the user who commits it; a row is credited directly only when
    both they and the uploader may upload for its force, so neither learns more through the other's hands.
    """
    users = [uploader] if uploader is not None else []
    batch = db.session.get(ImportBatch, batch_id) if batch_id is not None else None
    if batch is not None and batch.uploaded_by is not None and batch.uploaded_by not in users:
        users.append(batch.uploaded_by)
    return tuple(users)
