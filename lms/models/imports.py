"""Import batches and the records they bring: College Learn completions and Hydra attendance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.models.base import Base, utcnow
from lms.models.org import Force
from lms.models.user import User

# "mapping": a preview waiting for its lead to say which heading is which (the API reports it as refused).
# "failed": a background preview whose worker stopped (or never started); it can be tried again or cancelled.
STATUSES = ("processing", "mapping", "preview", "committed", "refused", "rolled_back", "cancelled", "failed")


class ImportBatch(Base):
    __tablename__ = "import_batch"
    __table_args__ = (Index("ix_import_batch_force_kind", "force_id", "kind", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # None means "all": each row routed to its own force by the Force column.
    force_id: Mapped[int | None] = mapped_column(ForeignKey("force.id"))
    status: Mapped[str] = mapped_column(String(20), default="preview")
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    stored_name: Mapped[str | None] = mapped_column(String(80))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    # Every row error, gzipped CSV (lms.imports.error_report); the summary lists only the first 1,000. Deferred:
    # loaded only when the report is downloaded.
    error_report: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # Who the batch names (people added, leavers, updates old -> new, name matches, unmatched learners), gzipped
    # JSON (lms.imports.details). Deferred: loaded only when a list is shown or downloaded.
    preview_details: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    progress_rows: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    # A "processing" batch waits for a worker (lms.imports.worker): the one that claims it sets claimed_at (one
    # UPDATE ... WHERE claimed_at IS NULL, so only one does) and beats heartbeat_at while it reads the file.
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    committed_at: Mapped[datetime | None] = mapped_column(DateTime)
    rolled_back_at: Mapped[datetime | None] = mapped_column(DateTime)
    rolled_back_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    force: Mapped[Force | None] = relationship()
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])


class BatchForce(Base):
    """A force a committed batch touched: a batch for "all" touches many."""

    __tablename__ = "batch_force"

    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("force.id"), primary_key=True, index=True)


class LearningRecord(Base):
    """One College Learn row for one of M1..M4, as the export said it."""

    __tablename__ = "learning_record"
    __table_args__ = (
        Index("ix_learning_person_req", "person_id", "requirement_code", "completed", "completed_on"),
        Index("ix_learning_force_person", "force_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("force.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    match_method: Mapped[str | None] = mapped_column(String(20))  # staff_number, email, name, confirmed
    dismissed: Mapped[bool] = mapped_column(Boolean, default=False)
    requirement_code: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(60))
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_on: Mapped[date | None] = mapped_column(Date)
    source_row: Mapped[int] = mapped_column(Integer)
    staff_number: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(254))
    first_name: Mapped[str | None] = mapped_column(String(120))
    last_name: Mapped[str | None] = mapped_column(String(120))
    identity_key: Mapped[str] = mapped_column(String(600))


class HydraSession(Base):
    """One delivered Hydra session: a date, a venue and a facilitator."""

    __tablename__ = "hydra_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    session_date: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(80))
    venue: Mapped[str | None] = mapped_column(String(200))
    facilitator: Mapped[str | None] = mapped_column(String(200))

    attendances: Mapped[list[HydraAttendance]] = relationship(back_populates="session")


class HydraAttendance(Base):
    """One delegate line of a Hydra register, credited to the delegate's own force.

    A line for a force the uploader may not upload for is `pending` (DESIGN.md "Hydra register"): matched like any
    other, but counted nowhere until that force's lead, its ROCU or an admin accepts it. A declined line stays
    pending for good (kept for the audit trail, never counted); `review` says which it was, who and when.
    """

    __tablename__ = "hydra_attendance"
    __table_args__ = (
        Index("ix_hydra_person", "person_id", "attended", "session_date"),
        Index("ix_hydra_force_person", "force_id", "person_id"),
        Index("ix_hydra_force_pending", "force_id", "pending", "review"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("hydra_session.id", ondelete="CASCADE"), index=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("force.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    match_method: Mapped[str | None] = mapped_column(String(20))
    dismissed: Mapped[bool] = mapped_column(Boolean, default=False)
    session_date: Mapped[date] = mapped_column(Date)
    attendance: Mapped[str] = mapped_column(String(60))
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    source_row: Mapped[int] = mapped_column(Integer)
    staff_number: Mapped[str | None] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(254))
    first_name: Mapped[str | None] = mapped_column(String(120))
    last_name: Mapped[str | None] = mapped_column(String(120))
    identity_key: Mapped[str] = mapped_column(String(600))
    pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    review: Mapped[str | None] = mapped_column(String(10))  # None (waiting or never pending), accepted, declined
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)

    session: Mapped[HydraSession] = relationship(back_populates="attendances")
