"""The due-date settings (DESIGN.md, "Due dates"): the joiners' grace period and each package's validity.

`current_policy` is what every figure follows (the deadline from LMS_DEADLINE, the rest from the admin's one row);
`preview` says what a change would do to each force's figures before it is saved, and `save` stores it, audited.
Services only flush: the page that calls `save` commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from lms.audit import service as audit
from lms.compliance import sql as rules_sql
from lms.compliance.rules import DEFAULT_GRACE_DAYS, DuePolicy
from lms.core.errors import ServiceError
from lms.extensions import db
from lms.models import DueDateSetting, Force, User

SETTING_ID = 1
MAX_GRACE_DAYS = 730
MAX_VALIDITY_MONTHS = 240
PACKAGE_LABELS = {"elearning": "e-learning", "hydra": "Hydra", "overall": "overall"}


class DueDateError(ServiceError):
    """A due-date setting that cannot be saved, with a message saying what to enter instead."""


# Run by `save` in the same unit of work. The reports register the refresh of today's snapshots here
# (lms.reports.figures): they sit above this package, which may not import them, and their stored figures were
# computed under the old settings.
_AFTER_SAVE: list[Callable[[], object]] = []


def after_save(callback: Callable[[], object]) -> Callable[[], object]:
    """Have ``callback()`` run whenever the settings change (once, however often it is registered)."""
    if callback not in _AFTER_SAVE:
        _AFTER_SAVE.append(callback)
    return callback


def _row() -> DueDateSetting | None:
    return db.session.get(DueDateSetting, SETTING_ID)


def current_policy() -> DuePolicy:
    """The settings every figure follows now: LMS_DEADLINE, and the admin's grace period and validities."""
    row = _row()
    deadline = current_app.config["DEADLINE"]
    if row is None:
        return DuePolicy(deadline=deadline, grace_days=DEFAULT_GRACE_DAYS)
    return DuePolicy(deadline=deadline, grace_days=row.grace_days,
                     elearning_validity_months=row.elearning_validity_months,
                     hydra_validity_months=row.hydra_validity_months)


def proposed_policy(grace_days: int, elearning_validity_months: int | None,
                    hydra_validity_months: int | None) -> DuePolicy:
    """The current policy with the given settings, checked: refused with a `DueDateError` saying what to enter."""
    if not 0 <= grace_days <= MAX_GRACE_DAYS:
        raise DueDateError(f"Enter a grace period between 0 and {MAX_GRACE_DAYS} days")
    for months, label in ((elearning_validity_months, "e-learning"), (hydra_validity_months, "Hydra")):
        if months is not None and not 1 <= months <= MAX_VALIDITY_MONTHS:
            raise DueDateError(f"Enter a {label} validity between 1 and {MAX_VALIDITY_MONTHS} months, "
                               "or leave it blank for none")
    return DuePolicy(deadline=current_app.config["DEADLINE"], grace_days=grace_days,
                     elearning_validity_months=elearning_validity_months,
                     hydra_validity_months=hydra_validity_months)


@dataclass(frozen=True, slots=True)
class FigureChange:
    """One force's package whose figures a change of settings would change."""

    force: str
    package: str
    before: dict
    after: dict

    @property
    def label(self) -> str:
        """The package as a sentence says it: e-learning, Hydra or overall."""
        return PACKAGE_LABELS[self.package]


def national_figures(as_of: date, due: DuePolicy) -> dict[int, dict]:
    """Each force's figures on ``as_of`` under ``due`` ({force id: {package: counts}}), forces with anyone
    relevant only."""
    out = {}
    for row in db.session.execute(rules_sql.figures_query(as_of, due)).mappings():
        out[row["force_id"]] = rules_sql.figures_from_row(row)
    return out


def preview(proposed: DuePolicy, as_of: date) -> list[FigureChange]:
    """What saving ``proposed`` would change on ``as_of``: each force and package whose percent, overdue or
    not-yet-due count would move, forces by name."""
    before = national_figures(as_of, current_policy())
    after = national_figures(as_of, proposed)
    names = {force_id: name for force_id, name in db.session.execute(select(Force.id, Force.name))}
    changes = []
    for force_id in sorted(set(before) | set(after), key=lambda fid: names[fid].casefold()):
        old, new = before.get(force_id), after.get(force_id)
        for package in rules_sql.PACKAGES:
            if old is None or new is None or old[package] == new[package]:
                continue
            changes.append(FigureChange(names[force_id], package, old[package], new[package]))
    return changes


@dataclass(frozen=True, slots=True)
class ProposedChange:
    """Settings an admin has entered, with the current ones and what saving would change, for the check step."""

    current: DuePolicy
    proposed: DuePolicy
    as_of: date
    changes: list[FigureChange]

    @property
    def unchanged(self) -> bool:
        """The entered settings are the ones in force: saving would do nothing."""
        return settings_summary(self.current) == settings_summary(self.proposed)


def propose(grace_days: int, elearning_validity_months: int | None, hydra_validity_months: int | None,
            as_of: date) -> ProposedChange:
    """Check entered settings (`DueDateError` when impossible) and preview their effect on ``as_of``."""
    proposed = proposed_policy(grace_days, elearning_validity_months, hydra_validity_months)
    return ProposedChange(current_policy(), proposed, as_of, preview(proposed, as_of))


def settings_summary(due: DuePolicy) -> dict:
    """The settings as the pages show them: grace days and each validity in months (None: no validity)."""
    return {"grace_days": due.grace_days, "elearning_validity_months": due.elearning_validity_months,
            "hydra_validity_months": due.hydra_validity_months}


def save(proposed: DuePolicy, actor: User) -> bool:
    """Store ``proposed`` as the settings, audited with what it was before; False when nothing changed. Flushes.

    The `after_save` callbacks then run (the reports refresh today's snapshots); and every stored snapshot says
    which settings it was computed under, so none computed under the old ones is served as today's.
    """
    before = current_policy()
    if settings_summary(before) == settings_summary(proposed):
        return False
    row = _row()
    if row is None:
        row = DueDateSetting(id=SETTING_ID)
        db.session.add(row)
    row.grace_days = proposed.grace_days
    row.elearning_validity_months = proposed.elearning_validity_months
    row.hydra_validity_months = proposed.hydra_validity_months
    row.updated_by_id = actor.id
    audit.record("due_dates.changed", actor, target="due dates", before=settings_summary(before),
                 after=settings_summary(proposed))
    db.session.flush()
    for callback in _AFTER_SAVE:
        callback()
    return True
