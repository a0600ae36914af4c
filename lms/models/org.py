"""Regions (ROCUs) and the 43 Home Office forces."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.models.base import Base


class Region(Base):
    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    rocu: Mapped[str | None] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)

    forces: Mapped[list[Force]] = relationship(back_populates="region", order_by="Force.name")


class Force(Base):
    __tablename__ = "force"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    officer_fte: Mapped[int] = mapped_column(Integer, default=0)
    chief_name: Mapped[str | None] = mapped_column(String(200))
    chief_email: Mapped[str | None] = mapped_column(String(254))
    personal_reminders: Mapped[bool] = mapped_column(Boolean, default=False)
    # Single sign-on only: the password form refuses every account of this force (lms.accounts.auth).
    sso_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    region: Mapped[Region] = relationship(back_populates="forces")

    def __repr__(self) -> str:
        return f"<Force {self.code}>"
