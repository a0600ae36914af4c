"""The service owner's use-cases: accounts and API tokens, force contacts, the role-category rule table,
requirement titles, and reading the audit trail.

Every change flushes and records an audit event; the caller (a view) commits. Audit details never carry
people's names: accounts are named by their email in `target`, rules by their category.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from importers.modules import title_key
from lms.auth import PasswordRejected, check_password_rules, issue_token
from lms.extensions import db
from lms.models import ApiToken, AuditEvent, Force, Person, Region, Requirement, RoleRule, User, utcnow
from lms.policy import FORCE_LEAD, REGIONAL
from lms.services import audit, users
from lms.services.users import UserError

AUDIT_PAGE_SIZE = 50
CATEGORY_MAX = 40
# Letters, digits, spaces and a little punctuation: a category is typed into rosters and appears in URLs.
_CATEGORY_SHAPE = re.compile(r"^[a-z0-9][a-z0-9 '&()\-]*$")
ALIAS_MAX = 300


class AdminError(UserError):
    """A change refused; `field` names the form field the message belongs to (None: the page as a whole)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- accounts ------------------------------------------------------------------------------------------------


def all_users() -> list[User]:
    """Every account, by email, with its force and region loaded."""
    query = select(User).options(joinedload(User.force), joinedload(User.region)).order_by(User.email)
    return list(db.session.scalars(query))


def get_user(user_id: int) -> User | None:
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
            raise AdminError("Select the force this training lead works for", "force")
        try:
            return users.get_force(force_code), None
        except UserError as exc:
            raise AdminError(str(exc), "force") from None
    if role == REGIONAL:
        if not region_name:
            raise AdminError("Select the region this ROCU co-ordinator works for", "region")
        try:
            return None, users.get_region(region_name)
        except UserError as exc:
            raise AdminError(str(exc), "region") from None
    return None, None


def create_account(*, email: str, name: str | None, role: str, force_code: str | None, region_name: str | None,
                   password: str, actor: User) -> User:
    """Create an account with an initial password (12 characters or more, not a common one). Flushes."""
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AdminError(f"There is already an account for {email}", "email")
    try:
        check_password_rules(password)
    except PasswordRejected as exc:
        raise AdminError(str(exc), "password") from None
    force, region = _placement(role, force_code, region_name)
    try:
        return users.create_user(email, role, password=password, force_code=force.code if force else None,
                                 region_name=region.name if region else None, name=(name or "").strip() or None,
                                 actor=actor)
    except UserError as exc:
        raise AdminError(str(exc)) from None


def update_account(user: User, *, role: str, force_code: str | None, region_name: str | None,
                   actor: User) -> dict[str, str | None]:
    """Change an account's role and its force or region; returns what changed. Admins cannot change their own
    role, so there is always an administrator left. Flushes."""
    if user.id == actor.id and role != user.role:
        raise AdminError("You cannot change your own role. Ask another administrator to do it.", "role")
    force, region = _placement(role, force_code, region_name)
    before = {"role": user.role, "force": user.force.code if user.force else None,
              "region": user.region.name if user.region else None}
    user.role = role
    user.force = force
    user.region = region
    after = {"role": role, "force": force.code if force else None, "region": region.name if region else None}
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
        raise AdminError("You cannot deactivate your own account. Ask another administrator to do it.")
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
        users.set_password(user, password)
    except PasswordRejected as exc:
        raise AdminError(str(exc), "password") from None
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
        raise AdminError("This account is deactivated: reactivate it before creating an API token")
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


# --- forces --------------------------------------------------------------------------------------------------


def all_forces() -> list[Force]:
    """The 43 forces by name, with their regions."""
    return list(db.session.scalars(select(Force).options(joinedload(Force.region)).order_by(Force.name)))


def get_force(code: str) -> Force | None:
    return db.session.scalar(select(Force).where(Force.code == code.strip().lower()))


def all_regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.position, Region.name)))


# --- the role-category rule table ----------------------------------------------------------------------------


@dataclass
class RuleRow:
    rule: RoleRule
    people: int  # active people whose latest roster gave them this category


def normalise_category(text: str) -> str:
    """As the roster reader folds a Role category cell: case-folded, spaces collapsed."""
    return " ".join((text or "").casefold().split())


def _people_by_category() -> dict[str, int]:
    rows = db.session.execute(
        select(func.lower(Person.role_category), func.count(Person.id))
        .where(Person.active.is_(True), Person.role_category.is_not(None))
        .group_by(func.lower(Person.role_category))
    ).all()
    return {normalise_category(category): count for category, count in rows}


def rule_table() -> list[RuleRow]:
    """The rule table, by category, with how many active people hold each category."""
    used = _people_by_category()
    rules = db.session.scalars(select(RoleRule).order_by(RoleRule.role_category))
    return [RuleRow(rule, used.get(normalise_category(rule.role_category), 0)) for rule in rules]


def get_rule(category: str) -> RuleRow | None:
    rule = db.session.get(RoleRule, normalise_category(category))
    if rule is None:
        return None
    return RuleRow(rule, _people_by_category().get(rule.role_category, 0))


def add_rule(category: str, *, elearning: bool, hydra: bool, actor: User) -> RoleRule:
    """Add a role category to the rule table; rosters can use it from their next upload. Flushes."""
    key = normalise_category(category)
    if not key:
        raise AdminError("Enter the role category", "category")
    if len(key) > CATEGORY_MAX:
        raise AdminError(f"Role category must be {CATEGORY_MAX} characters or fewer", "category")
    if not _CATEGORY_SHAPE.match(key):
        raise AdminError("Role category must start with a letter or digit and use only letters, digits, spaces, "
                         "hyphens, apostrophes, brackets and &", "category")
    if key == "new":  # /admin/rules/new is the page that adds one
        raise AdminError("Role category cannot be 'new': choose another name", "category")
    if db.session.get(RoleRule, key) is not None:
        raise AdminError(f"There is already a role category called {key}", "category")
    rule = RoleRule(role_category=key, elearning=elearning, hydra=hydra)
    db.session.add(rule)
    db.session.flush()
    audit.record("rule.added", actor, target=key, elearning=elearning, hydra=hydra)
    return rule


def update_rule(rule: RoleRule, *, elearning: bool, hydra: bool, actor: User) -> None:
    """Change what a role category requires. People already on rosters keep what their last roster gave them:
    the change applies to each force from its next roster upload. Flushes."""
    if (rule.elearning, rule.hydra) == (elearning, hydra):
        return
    before = {"previous_elearning": rule.elearning, "previous_hydra": rule.hydra}
    rule.elearning, rule.hydra = elearning, hydra
    db.session.flush()
    audit.record("rule.updated", actor, target=rule.role_category, elearning=elearning, hydra=hydra, **before)


def delete_rule(rule: RoleRule, *, actor: User) -> None:
    """Remove a role category no active person holds. Flushes."""
    people = _people_by_category().get(rule.role_category, 0)
    if people:
        raise AdminError(f"{people} active {'person has' if people == 1 else 'people have'} the role category "
                         f"{rule.role_category}: change their rosters before deleting it")
    category = rule.role_category
    db.session.delete(rule)
    db.session.flush()
    audit.record("rule.deleted", actor, target=category)


# --- requirements --------------------------------------------------------------------------------------------


def all_requirements() -> list[Requirement]:
    return list(db.session.scalars(select(Requirement).order_by(Requirement.position, Requirement.code)))


def get_requirement(code: str) -> Requirement | None:
    return db.session.get(Requirement, code.strip().upper())


def update_requirement(requirement: Requirement, *, title: str, aliases: list[str], actor: User) -> None:
    """Change a requirement's title and the course titles College Learn exports are matched by. A title may
    mean only one requirement. Applies to uploads from now on. Flushes."""
    title = " ".join(title.split())
    if not title:
        raise AdminError("Enter the title", "title")
    if len(title) > ALIAS_MAX:
        raise AdminError(f"Title must be {ALIAS_MAX} characters or fewer", "title")
    cleaned: list[str] = []
    seen: set[str] = set()
    for alias in aliases:
        alias = " ".join(alias.split())
        key = title_key(alias)
        if not key or key in seen:
            continue
        if len(alias) > ALIAS_MAX:
            raise AdminError(f"Each title must be {ALIAS_MAX} characters or fewer: '{alias[:40]}…' is longer",
                             "aliases")
        seen.add(key)
        cleaned.append(alias)
    taken = {}
    for other in db.session.scalars(select(Requirement).where(Requirement.code != requirement.code)):
        for text in [other.code, other.title, *(other.aliases or [])]:
            taken.setdefault(title_key(text), other.code)
    if title_key(title) in taken:
        raise AdminError(f"{taken[title_key(title)]} already has the title '{title}'", "title")
    for alias in cleaned:
        if title_key(alias) in taken:
            raise AdminError(f"{taken[title_key(alias)]} already has the title '{alias}': a course title can "
                             "mean only one requirement", "aliases")
    old_aliases = list(requirement.aliases or [])
    details: dict = {}
    if title != requirement.title:
        details["title"] = title
        details["previous_title"] = requirement.title
    added = [a for a in cleaned if a not in old_aliases]
    removed = [a for a in old_aliases if a not in cleaned]
    if added:
        details["aliases_added"] = added
    if removed:
        details["aliases_removed"] = removed
    if not details and cleaned == old_aliases:
        return
    requirement.title = title
    requirement.aliases = cleaned
    db.session.flush()
    audit.record("requirement.updated", actor, target=requirement.code, **details)


# --- the audit log -------------------------------------------------------------------------------------------


@dataclass
class AuditFilters:
    action: str | None = None
    actor: str | None = None  # email contains
    force_code: str | None = None
    date_from: date | None = None  # local dates, inclusive
    date_to: date | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments, for page links."""
        args = {"action": self.action, "actor": self.actor, "force": self.force_code,
                "date_from": self.date_from.strftime("%d/%m/%Y") if self.date_from else None,
                "date_to": self.date_to.strftime("%d/%m/%Y") if self.date_to else None}
        return {key: value for key, value in args.items() if value}


@dataclass
class AuditPage:
    rows: list[tuple[AuditEvent, str | None]]  # (event, force name)
    total: int
    page: int
    pages: int


def _utc_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def audit_log(filters: AuditFilters, page: int, tz: ZoneInfo) -> AuditPage:
    """Audit events, newest first, AUDIT_PAGE_SIZE to a page; dates are local (`tz`) days, both inclusive."""
    query = select(AuditEvent, Force.name).outerjoin(Force, Force.id == AuditEvent.force_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor:
        query = query.where(func.lower(AuditEvent.actor).contains(filters.actor.strip().lower(), autoescape=True))
    if filters.force_code:
        query = query.where(Force.code == filters.force_code)
    if filters.date_from:
        query = query.where(AuditEvent.at >= _utc_midnight(filters.date_from, tz))
    if filters.date_to:
        query = query.where(AuditEvent.at < _utc_midnight(filters.date_to + timedelta(days=1), tz))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.session.execute(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(AUDIT_PAGE_SIZE).offset((page - 1) * AUDIT_PAGE_SIZE)
    ).all()
    return AuditPage([(event, name) for event, name in rows], total, page, pages)


def audit_actions() -> list[str]:
    """Every action recorded so far, for the filter."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def detail_text(value: object) -> str:
    """One audit detail value as recorded, as plain text (the template escapes it)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return json.dumps(value, ensure_ascii=False, default=str)


def local_time(moment: datetime | None, tz: ZoneInfo) -> str:
    """A stored naive-UTC time as local time in words, like '3 March 2026, 14:05 GMT'."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    moment = moment.astimezone(tz)
    return f"{moment.day} {moment:%B %Y, %H:%M} {moment.tzname()}"
