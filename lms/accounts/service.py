"""Accounts and API tokens: creating, placing, deactivating and unlocking them.

Every change flushes and records an audit event; the boundary commits. Audit details never carry people's names:
accounts are named by their email in `target`.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from importers.addresses import is_email_address
from lms.accounts import oidc
from lms.accounts.auth import (
    PasswordRejected,
    SignInError,
    SsoOnlyError,
    authenticate,
    check_password_rules,
    hash_password,
    issue_token,
)
from lms.accounts.oidc import SsoRefused
from lms.audit import service as audit
from lms.core.errors import ServiceError
from lms.extensions import db
from lms.forces import service as forces
from lms.forces.service import ForceError
from lms.models import ROLES, ApiToken, Force, Region, User, utcnow
from lms.policy import FORCE_LEAD, REGIONAL


class UserError(ServiceError):
    """The account change cannot be made; the message says why (and `field`, which form field it is about)."""


def create_user(email: str, role: str, *, password: str | None = None, force_code: str | None = None,
                region_name: str | None = None, name: str | None = None, actor: User | None = None) -> User:
    """Create an account. force_lead needs a force, regional a region. Flushes."""
    email = email.strip().lower()
    if role not in ROLES:
        raise UserError(f"Role must be one of: {', '.join(ROLES)}")
    if not is_email_address(email):
        raise UserError("Enter an email address in the correct format, like name@example.police.uk", field="email")
    if db.session.scalar(select(User).where(User.email == email)) is not None:
        raise UserError(f"A user with the email {email} already exists")
    try:
        force = forces.get_force(force_code) if force_code else None
        region = forces.get_region(region_name) if region_name else None
    except ForceError as exc:
        raise UserError(str(exc)) from None
    if role == "force_lead" and force is None:
        raise UserError("A force_lead needs --force CODE")
    if role == "regional" and region is None:
        if force is None:
            raise UserError("A regional user needs --region NAME")
        region = force.region
    user = User(
        email=email,
        name=name,
        role=role,
        force_id=force.id if force and role == "force_lead" else None,
        region_id=region.id if region and role == "regional" else None,
        # An empty password is refused by the rules, not taken as "no password" (`--password-stdin` fed nothing).
        password_hash=hash_password(password) if password is not None else None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", actor, target=email, role=role, force=force_code, region=region_name)
    return user


def set_password(user: User, password: str) -> None:
    """Change a password and end the user's other sessions."""
    user.password_hash = hash_password(password)
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def user_by_email(email: str) -> User | None:
    """The account with this email (any case), if there is one."""
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def all_users() -> list[User]:
    """Every account, by email, with its force and region loaded."""
    query = select(User).options(joinedload(User.force), joinedload(User.region)).order_by(User.email)
    return list(db.session.scalars(query))


def get_user(user_id: int) -> User | None:
    """The account with this id, if there is one."""
    return db.session.get(User, user_id)


def is_locked(user: User) -> bool:
    """Locked out after too many failed sign-ins, and the lockout has not run out."""
    return user.locked_until is not None and user.locked_until > utcnow()


def tokens_of(user: User) -> list[ApiToken]:
    """A user's API tokens, newest first (only their prefixes can be shown: the tokens themselves are not kept)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    return list(db.session.scalars(query))


def _placement(role: str, force_code: str | None, region_name: str | None) -> tuple[Force | None, Region | None]:
    """The force a force lead belongs to, or the region of a ROCU co-ordinator; nothing for other roles."""
    if role == FORCE_LEAD:
        if not force_code:
            raise UserError("Select the force this training lead works for", field="force")
        try:
            return forces.get_force(force_code), None
        except ForceError as exc:
            raise UserError(str(exc), field="force") from None
    if role == REGIONAL:
        if not region_name:
            raise UserError("Select the region this ROCU co-ordinator works for", field="region")
        try:
            return None, forces.get_region(region_name)
        except ForceError as exc:
            raise UserError(str(exc), field="region") from None
    return None, None


def create_account(*, email: str, name: str | None, role: str, force_code: str | None, region_name: str | None,
                   password: str, actor: User) -> User:
    """Create an account with an initial password (12 characters or more, not a common one). Flushes."""
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise UserError(f"There is already an account for {email}", field="email")
    try:
        check_password_rules(password)
    except PasswordRejected as exc:
        raise UserError(str(exc), field="password") from None
    force, region = _placement(role, force_code, region_name)
    return create_user(email, role, password=password, force_code=force.code if force else None,
                       region_name=region.name if region else None, name=(name or "").strip() or None, actor=actor)


def update_account(user: User, *, role: str, force_code: str | None, region_name: str | None,
                   actor: User, sso_only: bool | None = None) -> dict[str, str | bool | None]:
    """Change an account's role, its force or region, and whether it signs in with single sign-on only (None:
    unchanged); returns what changed. Admins cannot change their own role, so there is always an administrator
    left. Flushes."""
    if user.id == actor.id and role != user.role:
        raise UserError("You cannot change your own role. Ask another administrator to do it.", field="role")
    force, region = _placement(role, force_code, region_name)
    before = {"role": user.role, "force": user.force.code if user.force else None,
              "region": user.region.name if user.region else None, "sso_only": bool(user.sso_only)}
    user.role = role
    user.force = force
    user.region = region
    if sso_only is not None:
        user.sso_only = sso_only
    after = {"role": role, "force": force.code if force else None, "region": region.name if region else None,
             "sso_only": bool(user.sso_only)}
    changes = {key: value for key, value in after.items() if before[key] != value}
    if changes:
        db.session.flush()
        audit.record("user.updated", actor, target=user.email, force_id=force.id if force else None,
                     **changes, **{f"previous_{key}": before[key] for key in changes})
    return changes


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Deactivate (ends their sessions and revokes their API tokens) or reactivate an account. Flushes."""
    if user.active == active:
        return
    if not active and user.id == actor.id:
        raise UserError("You cannot deactivate your own account. Ask another administrator to do it.")
    user.active = active
    details = {}
    if not active:
        user.session_version = (user.session_version or 0) + 1
        revoked = db.session.execute(
            update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False)).values(revoked=True)
        ).rowcount
        details["tokens_revoked"] = revoked
    db.session.flush()
    audit.record("user.reactivated" if active else "user.deactivated", actor, target=user.email, **details)


def reset_password(user: User, password: str, *, actor: User) -> None:
    """Set a new password: ends the user's sessions everywhere and lifts any lockout. Flushes."""
    try:
        set_password(user, password)
    except PasswordRejected as exc:
        raise UserError(str(exc), field="password") from None
    user.failed_signins = 0
    user.locked_until = None
    db.session.flush()
    audit.record("user.password_reset", actor, target=user.email)


def unlock(user: User, *, actor: User) -> None:
    """Lift a lockout after failed sign-ins. Flushes."""
    user.failed_signins = 0
    user.locked_until = None
    db.session.flush()
    audit.record("user.unlocked", actor, target=user.email)


def create_token(user: User, *, actor: User) -> str:
    """A new API token for the user, returned once: only its hash is stored. Flushes."""
    if not user.active:
        raise UserError("This account is deactivated: reactivate it before creating an API token")
    token = issue_token(user)
    audit.record("token.created", actor, target=user.email, prefix=token[:10])
    return token


def revoke_token(user: User, token_id: int, *, actor: User) -> ApiToken:
    """Stop one of the user's API tokens working. Flushes."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise LookupError(token_id)
    if not token.revoked:
        token.revoked = True
        db.session.flush()
        audit.record("token.revoked", actor, target=user.email, prefix=token.prefix)
    return token


def overview() -> dict[str, int]:
    """Counts for the admin home page."""
    now = utcnow()
    return {
        "users": db.session.scalar(select(func.count(User.id))) or 0,
        "locked": db.session.scalar(select(func.count(User.id)).where(User.locked_until > now)) or 0,
        "inactive": db.session.scalar(select(func.count(User.id)).where(User.active.is_(False))) or 0,
        "forces_without_chief_email": db.session.scalar(
            select(func.count(Force.id)).where(func.coalesce(Force.chief_email, "") == "")) or 0,
    }


def placements() -> tuple[list[Force], list[Region]]:
    """The forces and regions an account can be placed in, for the account forms."""
    return forces.all_forces(), forces.all_regions()


def sign_in(email: str, password: str) -> User:
    """The user with this email and password, with the attempt in the audit trail; SignInError (generic, so it
    tells nobody whether the email has an account) when refused. Flushes: a refusal's record must be committed."""
    try:
        user = authenticate(email, password)
    except SsoOnlyError:
        audit.record("sign_in.failed", None, actor=email.strip().lower()[:254], method="password",
                     reason="sso_only")
        raise
    except SignInError:
        audit.record("sign_in.failed", None, actor=email.strip().lower()[:254])
        raise
    audit.record("sign_in.succeeded", user)
    return user


def sign_in_with_provider(provider: str, params: Mapping[str, str]) -> User:
    """Finish a single sign-on with `provider` from its callback's query parameters (lms.accounts.oidc verifies
    the answer) and find the account of the verified email. No account is ever created here: an unknown email is
    refused with who to ask, and a deactivated account stays refused. Success and every refusal are audited with
    the provider. SsoRefused when refused. Flushes: a refusal's record must be committed."""
    try:
        identity = oidc.verified_identity(provider, params)
        user = user_by_email(identity.email)
        if user is None:
            raise SsoRefused("unknown_email", f"There is no account for {identity.email} in this service, and "
                                              "none is created automatically. Ask your service administrator to "
                                              "create one with this email address.", email=identity.email)
        if not user.active:
            raise SsoRefused("deactivated", "Your account in this service has been deactivated. If you still "
                                            "need it, ask your service administrator to reactivate it.",
                             email=identity.email)
    except SsoRefused as exc:
        audit.record("sign_in.failed", None, actor=exc.email[:254] if exc.email else None, method="oidc",
                     provider=provider, reason=exc.reason)
        raise
    user.last_signin_at = utcnow()
    user.last_sso_provider = provider
    db.session.flush()
    audit.record("sign_in.succeeded", user, method="oidc", provider=provider)
    return user


def sign_out(user: User) -> None:
    """End the user's sessions everywhere. Flushes.

    Sessions are signed cookies: a copy of one stays valid until the user's session_version changes. Bumping it
    ends this user's sessions everywhere, so a copied cookie cannot be replayed after sign-out.
    """
    user.session_version = (user.session_version or 0) + 1
    audit.record("sign_out", user)
    db.session.flush()


def sign_in_method(user: User) -> str:
    """How the account may sign in, in words for the admin's account page."""
    if user.sso_only:
        method = "Single sign-on only"
    elif user.force is not None and user.force.sso_only:
        method = f"Single sign-on only (set for all of {user.force.name})"
    else:
        method = "A password or single sign-on"
    last = oidc.provider(user.last_sso_provider) if user.last_sso_provider else None
    return f"{method}. Last single sign-on with {last.label}" if last else method
