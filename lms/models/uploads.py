"""Uploads' original files, kept in the database so any instance of the service can commit any preview."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.models.base import Base, utcnow


class StoredUpload(Base):
    """The original bytes of an upload, under the generated name its batch records (`ImportBatch.stored_name`).

    Not a foreign key of the batch: the file is stored before a background preview's batch row exists, and a
    batch's file outlives nothing but its batch (cancelled previews discard it). Backups of the database hold it.
    """

    __tablename__ = "stored_upload"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    # Deferred: listing or counting stored files never loads megabytes of bytes.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
