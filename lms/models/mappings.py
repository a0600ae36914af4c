"""What a force's lead told the service about their exports: which heading is which field, and what a status or
attendance value it did not know means. Both are remembered so next month's export of the same shape imports at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.models.base import Base, utcnow
from lms.models.org import Force
from lms.models.user import User


class ColumnMapping(Base):
    """For one force (None: files uploaded for all forces), kind of file and set of headings (its signature,
    `importers.header_signature`): canonical column name -> the file's heading."""

    __tablename__ = "column_mapping"
    __table_args__ = (UniqueConstraint("force_id", "kind", "signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int | None] = mapped_column(ForeignKey("force.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    signature: Mapped[str] = mapped_column(String(64))
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    # The file's headings when the mapping was saved: how the uploads page says which exports it is for.
    headers: Mapped[list] = mapped_column(JSON, default=list)
    filename: Mapped[str | None] = mapped_column(String(255))
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    force: Mapped[Force | None] = relationship()
    saved_by: Mapped[User | None] = relationship()


class ValueMapping(Base):
    """For one force (None: all-forces files) and kind of file: a status or attendance value the service did not
    know, as the file writes it, and what it means (`complete` / `not complete`, `attended` / `not attended`)."""

    __tablename__ = "value_mapping"
    __table_args__ = (UniqueConstraint("force_id", "kind", "value_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int | None] = mapped_column(ForeignKey("force.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(200))
    # The value normalised as the readers compare it (importers.cells.normalise): one mapping per spelling family.
    value_key: Mapped[str] = mapped_column(String(200))
    meaning: Mapped[str] = mapped_column(String(20))
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    force: Mapped[Force | None] = relationship()
    saved_by: Mapped[User | None] = relationship()
