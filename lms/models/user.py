"""Accounts, roles and API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.models.base import Base, utcnow
from lms.models.org import Force, Region

ROLES = ("admin", "national", "regional", "force_lead")


class User(UserMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    force_id: Mapped[int | None] = mapped_column(ForeignKey("force.id"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_signins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    # Bumped on password change or sign-out everywhere: invalidates old session cookies.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_signin_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Single sign-on only: the password form refuses this account (its force's Force.sso_only does the same).
    sso_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The provider (LMS_OIDC_PROVIDERS name) of the last single sign-on, shown to admins.
    last_sso_provider: Mapped[str | None] = mapped_column(String(40))

    force: Mapped[Force | None] = relationship()
    region: Mapped[Region | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot sign in
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the token: a database leak does not leak usable tokens.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()
