"""Read-only links for chief constables: signed, one force each, expiring, revocable."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.models.base import Base, utcnow


class ChiefLink(Base):
    """A link that shows one force's aggregates and the national table to its chief constable, with no account.

    The URL carries a signed token naming this row (never stored); the row says whose it is, until when it works
    and whether an admin revoked it.
    """

    __tablename__ = "chief_link"
    __table_args__ = (Index("ix_chief_link_force_period", "force_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("force.id"))
    period: Mapped[str | None] = mapped_column(String(20))  # the month's email it went with, if any
    # A random value signed into the token: a row's token can be told apart from any other, even a re-created row's.
    nonce: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    uses: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
