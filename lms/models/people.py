"""People on force rosters, the rule table, requirements and remembered identity decisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.models.base import Base, utcnow
from lms.models.org import Force


class Requirement(Base):
    """One of M1..M4 (e-learning modules) or HYDRA, with the titles it is recognised by."""

    __tablename__ = "requirement"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    package: Mapped[str] = mapped_column(String(20))  # "elearning" or "hydra"
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)


class RoleRule(Base):
    """Admin-editable rule: which packages a role category requires when the roster has no explicit flags."""

    __tablename__ = "role_rule"

    role_category: Mapped[str] = mapped_column(String(40), primary_key=True)
    elearning: Mapped[bool] = mapped_column(Boolean, default=False)
    hydra: Mapped[bool] = mapped_column(Boolean, default=False)


class DueDateSetting(Base):
    """Admin-editable due-date settings (one row, id 1): the joiners' grace period and each package's validity."""

    __tablename__ = "due_date_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    grace_days: Mapped[int] = mapped_column(Integer, default=90)
    elearning_validity_months: Mapped[int | None] = mapped_column(Integer)  # None: a completion counts for ever
    hydra_validity_months: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (
        Index("ix_person_force_staff", "force_id", "staff_key"),
        Index("ix_person_force_email", "force_id", "email_key"),
        Index("ix_person_force_name", "force_id", "name_key"),
        Index("ix_person_force_active", "force_id", "active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("force.id"))
    staff_number: Mapped[str | None] = mapped_column(String(60))
    staff_key: Mapped[str | None] = mapped_column(String(60))
    forename: Mapped[str] = mapped_column(String(120), default="")
    surname: Mapped[str] = mapped_column(String(120), default="")
    name_key: Mapped[str] = mapped_column(String(250), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    email_key: Mapped[str | None] = mapped_column(String(254))
    rank: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str | None] = mapped_column(String(120))
    department: Mapped[str | None] = mapped_column(String(120))
    role_category: Mapped[str | None] = mapped_column(String(40))
    elearning_required: Mapped[bool] = mapped_column(Boolean, default=False)
    hydra_required: Mapped[bool] = mapped_column(Boolean, default=False)
    exempt_until: Mapped[date | None] = mapped_column(Date)
    exemption_reason: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    left_on: Mapped[date | None] = mapped_column(Date)
    # Due dates (DESIGN.md): the roster's Start date column, and the day a roster after the force's first one added
    # them (None for people on the first roster); their start is the first of these that is set.
    start_date: Mapped[date | None] = mapped_column(Date)
    first_rostered_on: Mapped[date | None] = mapped_column(Date)
    created_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))
    updated_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    force: Mapped[Force] = relationship()

    @property
    def full_name(self) -> str:
        return f"{self.forename} {self.surname}".strip()


class PersonChange(Base):
    """What a roster batch did to one person, so the batch can be rolled back exactly."""

    __tablename__ = "person_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # created, updated, left
    before: Mapped[dict | None] = mapped_column(JSON)


class MatchDecision(Base):
    """A force lead's decision about an unmatched learner, remembered for every later upload."""

    __tablename__ = "match_decision"
    __table_args__ = (Index("ix_match_decision_force_key", "force_id", "identity_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("force.id"))
    # "s:<staff>|e:<email>|n:<name>": the identity the record carried.
    identity_key: Mapped[str] = mapped_column(String(600))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(20))  # confirmed, dismissed
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The newest batch among the decided records (the decisions page links to it; gone once rolled back and purged),
    # and the similarity of the chosen person's name when the lead took a suggestion (None: searched or dismissed).
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id", ondelete="SET NULL"))
    similarity: Mapped[float | None] = mapped_column(Float)
