"""Who must do what: the role-category rule table and the requirements with the course titles they go by.

Every change flushes and records an audit event naming the category or requirement; the boundary commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from importers.modules import title_key
from lms.audit import service as audit
from lms.extensions import db
from lms.forces.service import ForceError
from lms.models import Person, Requirement, RoleRule, User

CATEGORY_MAX = 40
# Letters, digits, spaces and a little punctuation: a category is typed into rosters and appears in URLs.
_CATEGORY_SHAPE = re.compile(r"^[a-z0-9][a-z0-9 '&()\-]*$")
ALIAS_MAX = 300


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
    """A role category's rule with how many active people hold it, if the category exists."""
    rule = db.session.get(RoleRule, normalise_category(category))
    if rule is None:
        return None
    return RuleRow(rule, _people_by_category().get(rule.role_category, 0))


def add_rule(category: str, *, elearning: bool, hydra: bool, actor: User) -> RoleRule:
    """Add a role category to the rule table; rosters can use it from their next upload. Flushes."""
    key = normalise_category(category)
    if not key:
        raise ForceError("Enter the role category", field="category")
    if len(key) > CATEGORY_MAX:
        raise ForceError(f"Role category must be {CATEGORY_MAX} characters or fewer", field="category")
    if not _CATEGORY_SHAPE.match(key):
        raise ForceError("Role category must start with a letter or digit and use only letters, digits, spaces, "
                         "hyphens, apostrophes, brackets and &", field="category")
    if key == "new":  # /admin/rules/new is the page that adds one
        raise ForceError("Role category cannot be 'new': choose another name", field="category")
    if db.session.get(RoleRule, key) is not None:
        raise ForceError(f"There is already a role category called {key}", field="category")
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
        raise ForceError(f"{people} active {'person has' if people == 1 else 'people have'} the role category "
                         f"{rule.role_category}: change their rosters before deleting it")
    category = rule.role_category
    db.session.delete(rule)
    db.session.flush()
    audit.record("rule.deleted", actor, target=category)


def all_requirements() -> list[Requirement]:
    """The five requirements in their order."""
    return list(db.session.scalars(select(Requirement).order_by(Requirement.position, Requirement.code)))


def get_requirement(code: str) -> Requirement | None:
    """The requirement with this code (any case), if there is one."""
    return db.session.get(Requirement, code.strip().upper())


def update_requirement(requirement: Requirement, *, title: str, aliases: list[str], actor: User) -> None:
    """Change a requirement's title and the course titles College Learn exports are matched by. A title may
    mean only one requirement. Applies to uploads from now on. Flushes."""
    title = " ".join(title.split())
    if not title:
        raise ForceError("Enter the title", field="title")
    if len(title) > ALIAS_MAX:
        raise ForceError(f"Title must be {ALIAS_MAX} characters or fewer", field="title")
    cleaned: list[str] = []
    seen: set[str] = set()
    for alias in aliases:
        alias = " ".join(alias.split())
        key = title_key(alias)
        if not key or key in seen:
            continue
        if len(alias) > ALIAS_MAX:
            raise ForceError(f"Each title must be {ALIAS_MAX} characters or fewer: '{alias[:40]}…' is longer",
                             field="aliases")
        seen.add(key)
        cleaned.append(alias)
    taken = {}
    for other in db.session.scalars(select(Requirement).where(Requirement.code != requirement.code)):
        for text in [other.code, other.title, *(other.aliases or [])]:
            taken.setdefault(title_key(text), other.code)
    if title_key(title) in taken:
        raise ForceError(f"{taken[title_key(title)]} already has the title '{title}'", field="title")
    for alias in cleaned:
        if title_key(alias) in taken:
            raise ForceError(f"{taken[title_key(alias)]} already has the title '{alias}': a course title can "
                             "mean only one requirement", field="aliases")
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
