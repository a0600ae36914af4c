"""Operational records: snapshots, emails, schedules, published tables and the audit trail."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.models.base import Base, utcnow


class ForceSnapshot(Base):
    """A force's figures on one day: feeds trends and the fast league table."""

    __tablename__ = "force_snapshot"
    __table_args__ = (UniqueConstraint("force_id", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("force.id"))
    as_of: Mapped[date] = mapped_column(Date)
    taken_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    figures: Mapped[dict] = mapped_column(JSON, default=dict)


class PublishedTable(Base):
    """A month's league table as MSOICU reviewed and published it."""

    __tablename__ = "published_table"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), unique=True)  # YYYY-MM
    as_of: Mapped[date] = mapped_column(Date)
    data: Mapped[dict] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class EmailLog(Base):
    """Every email the service sent or tried to send; the unique key makes jobs idempotent."""

    __tablename__ = "email_log"
    __table_args__ = (UniqueConstraint("kind", "period", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(254))
    force_id: Mapped[int | None] = mapped_column(ForeignKey("force.id"))
    subject: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending, sent, failed
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # When a run last took the row to send it: a `pending` row claimed long ago was abandoned (lms.emails.delivery).
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class ScheduleSetting(Base):
    """An admin-editable cron schedule for one scheduler job."""

    __tablename__ = "schedule_setting"

    job_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    cron: Mapped[str] = mapped_column(String(120))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class JobRun(Base):
    """When each scheduler job last ran, so a run that was due and did not happen is noticed (lms.scheduler)."""

    __tablename__ = "job_run"

    job_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_run_at: Mapped[datetime] = mapped_column(DateTime)


class AuditEvent(Base):
    """Who did what, when: sign-ins, uploads, commits, rollbacks, decisions, settings, emails."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at", "at"), Index("ix_audit_event_action", "action"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    actor: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    force_id: Mapped[int | None] = mapped_column(ForeignKey("force.id"))
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))
