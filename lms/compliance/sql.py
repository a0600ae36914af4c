"""The compliance rules as SQLAlchemy expressions: the one place `lms.compliance.rules` is spelled in SQL.

`lms.compliance.rules` judges one person at a time in Python and is the oracle; this module says the same things
about every row of ``person`` at once, so the league table, the force breakdowns and the people filters count by
the same definitions (DESIGN.md, "Compliance rules"):

- a *completion* is a College Learn record marked completed, with a date on or before the day; an *attendance* is a
  Hydra register row that counts as attending, on or before the day (`completion_record`, `attendance_record`);
- the *population* is the people active on the force's latest roster and not exempt on the day; an exemption runs
  through ``exempt_until`` inclusive; leavers count nowhere (`in_population`, `exempt`);
- `Progress` holds each person's completions per module and whether they attended Hydra, as two subqueries to
  outer-join to ``person``; it says whether a module, the e-learning package, Hydra and everything a person is
  required to do is done;
- *relevant* people are in the population with at least one requirement; *compliant* ones have done all of theirs;
  *outstanding* ones have not (`relevant`, `compliant`, `outstanding`);
- a relevant person who has not done a package is *overdue* in it when the day is after their due date (the later
  of the deadline and their start plus the grace period), otherwise *not yet due*; a package with a validity counts
  only completions on or after `rules.valid_from` (`past_due`, `Progress.late`);
- `figure_columns` are the aggregates of a force's figures over any group of people, and `figures_from_row` turns
  them into the figures object of the league-table JSON.

Expressions are built fresh on each call and never read the clock: the day is always an argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, false, func, not_, or_, select, true

from lms.compliance.rules import DEFAULT_DUE_DATES, MODULES, Counts, DuePolicy, valid_from
from lms.models import HydraAttendance, LearningRecord, Person

PACKAGES = ("elearning", "hydra", "overall")


# --- records that count --------------------------------------------------------------------------------------------


def completion_record(as_of: date | None = None, due: DuePolicy = DEFAULT_DUE_DATES) -> ColumnElement[bool]:
    """A `LearningRecord` that is a completion: marked completed and dated (on or before ``as_of`` when given, and
    not expired under the e-learning validity of ``due``)."""
    lr = LearningRecord
    if as_of is None:
        return and_(lr.completed.is_(True), lr.completed_on.is_not(None))
    oldest = valid_from(as_of, due.validity_months("elearning"))
    if oldest is None:
        return and_(lr.completed.is_(True), lr.completed_on <= as_of)
    return and_(lr.completed.is_(True), lr.completed_on <= as_of, lr.completed_on >= oldest)


def attendance_record(as_of: date | None = None, due: DuePolicy = DEFAULT_DUE_DATES) -> ColumnElement[bool]:
    """A `HydraAttendance` that counts as attending (on or before ``as_of`` when given, and not expired under the
    Hydra validity of ``due``). A line pending for its force (another force's register, not yet accepted, or
    declined) never counts."""
    ha = HydraAttendance
    counted = and_(ha.attended.is_(True), ha.pending.is_(False))
    if as_of is None:
        return counted
    oldest = valid_from(as_of, due.validity_months("hydra"))
    if oldest is None:
        return and_(counted, ha.session_date <= as_of)
    return and_(counted, ha.session_date <= as_of, ha.session_date >= oldest)


# --- who is counted -------------------------------------------------------------------------------------------------


def active() -> ColumnElement[bool]:
    """The person is on the force's latest roster (not a leaver), exempt or not."""
    return Person.active.is_(True)


def exempt(as_of: date) -> ColumnElement[bool]:
    """The person is active and exempt on ``as_of`` (the exemption runs through ``exempt_until`` inclusive)."""
    p = Person
    return and_(active(), p.exempt_until.is_not(None), p.exempt_until >= as_of)


def in_population(as_of: date) -> ColumnElement[bool]:
    """The person counts on ``as_of``: active and not exempt."""
    p = Person
    return and_(active(), or_(p.exempt_until.is_(None), p.exempt_until < as_of))


def elearning_required() -> ColumnElement[bool]:
    """The person must do the e-learning package (M1..M4)."""
    return Person.elearning_required.is_(True)


def hydra_required() -> ColumnElement[bool]:
    """The person must attend a Hydra session."""
    return Person.hydra_required.is_(True)


def has_requirement() -> ColumnElement[bool]:
    """The person must do at least one package."""
    return or_(elearning_required(), hydra_required())


def relevant(as_of: date) -> ColumnElement[bool]:
    """The person is in the population on ``as_of`` with at least one requirement."""
    return and_(in_population(as_of), has_requirement())


def start() -> ColumnElement[date]:
    """The person's start: the roster's Start date, else the day a later roster added them (NULL for neither)."""
    return func.coalesce(Person.start_date, Person.first_rostered_on)


def past_due(as_of: date, due: DuePolicy) -> ColumnElement[bool]:
    """``as_of`` is after the person's due date, the later of the deadline and their start plus the grace period.

    Said without date arithmetic in SQL (which SQLite and PostgreSQL spell differently): after the deadline, and
    no start or a start before ``as_of`` minus the grace period.
    """
    if as_of <= due.deadline:
        return false()
    started = start()
    return or_(started.is_(None), started < as_of - timedelta(days=due.grace_days))


# --- what they have done --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    """Each person's progress on a day, as two subqueries to outer-join to ``person`` with `join`.

    ``modules``: one row per person with any completion, a 0/1 column per module (``m1``..``m4``); the flags are
    max()es rather than a count(DISTINCT), which SQLite would answer with a temporary B-tree per person.
    ``hydra``: one row per person who attended a session. Every condition below is true or false, never NULL, for
    a person with no row in either, so it may be negated.
    """

    modules: Subquery
    hydra: Subquery
    late: ColumnElement[bool]  # `past_due` on the day: what is not done is overdue

    def join(self, query: Select) -> Select:
        """``query`` (selecting from ``person``) outer-joined to both subqueries."""
        m, h = self.modules, self.hydra
        return query.outerjoin(m, m.c.person_id == Person.id).outerjoin(h, h.c.person_id == Person.id)

    def module_done(self, code: str) -> ColumnElement[bool]:
        """The person has a completion of module ``code``."""
        return func.coalesce(self.modules.c[code.lower()], 0) == 1

    def elearning_done(self) -> ColumnElement[bool]:
        """The person has a completion of every module."""
        flags = [self.modules.c[code.lower()] for code in MODULES]
        return func.coalesce(sum(flags[1:], flags[0]), 0) == len(MODULES)

    def hydra_done(self) -> ColumnElement[bool]:
        """The person attended a Hydra session."""
        return self.hydra.c.person_id.is_not(None)

    def requirements_met(self) -> ColumnElement[bool]:
        """Everything the person is required to do is done (true of someone required to do nothing)."""
        return and_(or_(not_(elearning_required()), self.elearning_done()),
                    or_(not_(hydra_required()), self.hydra_done()))


def progress(as_of: date, force_ids: list[int] | None = None, due: DuePolicy = DEFAULT_DUE_DATES) -> Progress:
    """Per-person progress on ``as_of`` from the matched records (of the forces ``force_ids``, or all), with
    validities and due dates as ``due`` says."""
    lr, ha = LearningRecord, HydraAttendance
    module_flags = [func.max(case((lr.requirement_code == code, 1), else_=0)).label(code.lower()) for code in MODULES]
    modules_q = (
        select(lr.person_id.label("person_id"), *module_flags)
        .where(completion_record(as_of, due), lr.person_id.is_not(None), lr.requirement_code.in_(MODULES))
        .group_by(lr.person_id)
    )
    hydra_q = (
        select(ha.person_id.label("person_id"))
        .where(attendance_record(as_of, due), ha.person_id.is_not(None))
        .group_by(ha.person_id)
    )
    if force_ids is not None:
        modules_q = modules_q.where(lr.force_id.in_(force_ids))
        hydra_q = hydra_q.where(ha.force_id.in_(force_ids))
    return Progress(modules_q.subquery("m"), hydra_q.subquery("h"), past_due(as_of, due))


def compliant(as_of: date, done: Progress) -> ColumnElement[bool]:
    """The person is relevant on ``as_of`` and has done everything required of them."""
    return and_(relevant(as_of), done.requirements_met())


def outstanding(as_of: date, done: Progress) -> ColumnElement[bool]:
    """The person is relevant on ``as_of`` and still has something to do."""
    return and_(relevant(as_of), not_(done.requirements_met()))


# --- figures --------------------------------------------------------------------------------------------------------


def total(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows of a group satisfy ``condition`` (0, not NULL, for an empty group)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def figure_columns(done: Progress, among: ColumnElement[bool] | None = None) -> list:
    """The aggregates of the figures, labelled, over the people of a group who satisfy ``among``.

    Pass ``among=in_population(as_of)`` to count within any set of people; leave it ``None`` when the query's WHERE
    already keeps only relevant people (the cheapest way to count a whole country). Labels:
    ``elearning_relevant``, ``elearning_complete``, ``elearning_overdue``, the same for ``hydra`` and ``overall``,
    and ``module_m1``..``module_m4`` (e-learning-relevant people who completed each module). Not yet due is what is
    left (relevant - complete - overdue), so it costs no column.
    """
    scope = true() if among is None else among
    el, hy = elearning_required(), hydra_required()
    columns = {
        "elearning_relevant": and_(scope, el),
        "elearning_complete": and_(scope, el, done.elearning_done()),
        "elearning_overdue": and_(scope, el, done.late, not_(done.elearning_done())),
        "hydra_relevant": and_(scope, hy),
        "hydra_complete": and_(scope, hy, done.hydra_done()),
        "hydra_overdue": and_(scope, hy, done.late, not_(done.hydra_done())),
        "overall_relevant": and_(scope, has_requirement()),
        "overall_complete": and_(scope, has_requirement(), done.requirements_met()),
        "overall_overdue": and_(scope, has_requirement(), done.late, not_(done.requirements_met())),
        **{f"module_{code.lower()}": and_(scope, el, done.module_done(code)) for code in MODULES},
    }
    return [total(condition).label(name) for name, condition in columns.items()]


def counts(relevant_count: int, complete_count: int, overdue_count: int = 0, not_yet_due_count: int | None = None
           ) -> dict:
    """The ``{"relevant", "complete", "percent", "overdue", "not_yet_due"}`` object of the league-table JSON.

    ``not_yet_due`` defaults to the rest: relevant people neither complete nor overdue.
    """
    relevant_count, complete_count, overdue_count = int(relevant_count), int(complete_count), int(overdue_count)
    if not_yet_due_count is None:
        not_yet_due_count = relevant_count - complete_count - overdue_count
    return Counts(relevant_count, complete_count, overdue_count, int(not_yet_due_count)).as_dict()


def figures_from_row(row: Mapping, exempt_count: int = 0) -> dict:
    """The figures object from a row (mapping) of `figure_columns`, plus the count of exempt people."""
    out: dict = {
        package: counts(row[f"{package}_relevant"], row[f"{package}_complete"], row[f"{package}_overdue"])
        for package in PACKAGES
    }
    out["modules"] = {code: int(row[f"module_{code.lower()}"]) for code in MODULES}
    out["exempt"] = int(exempt_count)
    return out


def empty_figures(exempt_count: int = 0) -> dict:
    """The figures of a force nobody is relevant in."""
    return {**{package: counts(0, 0) for package in PACKAGES}, "modules": dict.fromkeys(MODULES, 0),
            "exempt": int(exempt_count)}


def figures_query(as_of: date, due: DuePolicy, force_ids: list[int] | None = None) -> Select:
    """Every force's figures on ``as_of`` in one GROUP BY ``force_id`` over the relevant population.

    Filtering the population in WHERE rather than in each sum keeps the per-row work small (bench/README.md).
    """
    done = progress(as_of, force_ids, due)
    p = Person
    query = done.join(select(p.force_id, *figure_columns(done)).select_from(p)).where(relevant(as_of))
    if force_ids is not None:
        query = query.where(p.force_id.in_(force_ids))
    return query.group_by(p.force_id)
