"""Compliance rules: who must do what, what counts as done, and the figures a force is judged on.

Plain functions of plain values with an explicit ``as_of`` date: no Flask, no database, no clock.
The services gather each person's facts (roster flags and their completed / attended records)
and hand them here, so the figures shown on pages, in emails, in the API and in the benchmarks
are all computed by this one module, which the tests check rule by rule (DESIGN.md,
"Compliance rules").
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from lms.compliance.due import (
    DEFAULT_DEADLINE,
    DEFAULT_GRACE_DAYS,
    DuePolicy,
    due_date,
    months_before,
    person_start,
    valid_from,
)
from lms.compliance.requirements import DEFAULT_RULES, UnknownRoleCategory, resolve_requirements

# Re-exported: who must do what, and the due-date rules, are part of the oracle (and imported from here).
__all__ = ["DEFAULT_DEADLINE", "DEFAULT_GRACE_DAYS", "DEFAULT_RULES", "DuePolicy", "UnknownRoleCategory",
           "due_date", "months_before", "person_start", "resolve_requirements", "valid_from"]

MODULES: tuple[str, ...] = ("M1", "M2", "M3", "M4")
HYDRA = "HYDRA"

# The recommendations' deadline, 90 days' grace, no validity: what callers that pass no settings get.
DEFAULT_DUE_DATES = DuePolicy()


def round_half_up(value: float | Fraction, places: int = 1) -> float:
    """Round to ``places`` decimals, halves away from zero, as people round by hand.

    A ``Fraction`` (or int, or ``Decimal``) is rounded exactly. A float is taken as the decimal it
    prints as (``repr``), not its binary value: 0.15 is stored as 0.1499999…, and float or
    binary-exact rounding would give 0.1 where a reader of "0.15" expects 0.2.
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot round {value}")
        exact = Fraction(repr(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot round {value}")
        exact = Fraction(value)
    else:
        exact = Fraction(value)
    scale = 10**places
    scaled = abs(exact) * scale
    rounded = math.floor(scaled + Fraction(1, 2))
    # float(Fraction) is correctly rounded, so n / 10**places prints as the decimal we meant.
    return float(Fraction(rounded if exact >= 0 else -rounded, scale))


def percent(complete: int, relevant: int) -> float | None:
    """``100 × complete / relevant`` rounded half-up to one decimal, or ``None`` when nobody is relevant.

    Computed exactly from the integers (2 of 3 is 66.7, 1 of 8 is 12.5, 1999 of 2000 is 100.0),
    never via a float that might sit just below a half.
    """
    if relevant < 0 or complete < 0 or complete > relevant:
        # The aggregation upstream is broken; a percent over 100 must never reach a chief constable.
        raise ValueError(f"impossible counts: {complete} complete of {relevant} relevant")
    if relevant == 0:
        return None
    return round_half_up(Fraction(100 * complete, relevant), 1)


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the database knows about one person, as the rules need it.

    ``completions`` holds only *completed* College Learn records and ``hydra_attended`` only
    sessions actually attended: the importers have already judged statuses, so anything passed
    here is a completion, dated.
    """

    person_id: int
    active: bool
    elearning_required: bool
    hydra_required: bool
    exempt_until: date | None = None
    completions: tuple[tuple[str, date], ...] = ()
    hydra_attended: tuple[date, ...] = ()
    start_date: date | None = None  # the roster's Start date column
    first_rostered_on: date | None = None  # the day a roster after the force's first one added them


@dataclass(frozen=True, slots=True)
class PersonStatus:
    """One person's position on a date: what they must do, what they have done, what is left."""

    in_population: bool
    exempt: bool
    elearning_required: bool
    hydra_required: bool
    module_dates: dict[str, date | None]
    elearning_complete: bool
    hydra_date: date | None
    hydra_complete: bool
    relevant: bool
    compliant: bool
    outstanding: list[str]
    due_date: date | None = None
    past_due: bool = False  # ``as_of`` is after ``due_date``
    counts_from: dict[str, date | None] | None = None  # per package: completions dated before it have expired

    @property
    def elearning_outstanding(self) -> bool:
        """Relevant, required to do the e-learning and not done it."""
        return self.relevant and self.elearning_required and not self.elearning_complete

    @property
    def hydra_outstanding(self) -> bool:
        """Relevant, required to attend Hydra and not attended."""
        return self.relevant and self.hydra_required and not self.hydra_complete

    @property
    def overdue(self) -> bool:
        """Relevant, something still to do, and past their due date."""
        return bool(self.outstanding) and self.past_due

    @property
    def not_yet_due(self) -> bool:
        """Relevant, something still to do, and their due date not yet passed."""
        return bool(self.outstanding) and not self.past_due


def person_status(p: PersonFacts, as_of: date, due: DuePolicy = DEFAULT_DUE_DATES) -> PersonStatus:
    """Work out one person's status on ``as_of`` under the due-date settings ``due``.

    Only records dated on or before ``as_of`` count (and, when the package has a validity, on or after
    `valid_from`), and for each module and for Hydra the earliest such date is kept. ``elearning_complete``
    and ``hydra_complete`` say whether the training was done, whether or not it was required (a force lead
    may want to see it); ``relevant``, ``compliant`` and ``outstanding`` apply the requirements and the
    population. An exemption runs through ``exempt_until`` inclusive. ``due_date`` is the later of the
    deadline and the person's start plus the grace period; ``past_due`` says ``as_of`` is after it.
    """
    counts_from = {package: valid_from(as_of, due.validity_months(package)) for package in ("elearning", "hydra")}
    module_dates: dict[str, date | None] = dict.fromkeys(MODULES)
    for code, completed_on in p.completions:
        if code not in module_dates:
            # An unknown code here means the caller mapped courses wrongly; counting it silently could
            # neither help nor be noticed.
            raise ValueError(f"person {p.person_id}: {code!r} is not one of {', '.join(MODULES)}")
        if not _counts_on(completed_on, as_of, counts_from["elearning"]):
            continue
        earliest = module_dates[code]
        if earliest is None or completed_on < earliest:
            module_dates[code] = completed_on
    elearning_complete = all(d is not None for d in module_dates.values())

    attended = [d for d in p.hydra_attended if _counts_on(d, as_of, counts_from["hydra"])]
    hydra_date = min(attended) if attended else None
    hydra_complete = hydra_date is not None

    exempt = p.active and p.exempt_until is not None and p.exempt_until >= as_of
    in_population = p.active and not exempt
    relevant = in_population and (p.elearning_required or p.hydra_required)

    outstanding: list[str] = []
    if relevant:
        if p.elearning_required:
            outstanding.extend(code for code, d in module_dates.items() if d is None)
        if p.hydra_required and not hydra_complete:
            outstanding.append(HYDRA)
    due_on = due_date(person_start(p.start_date, p.first_rostered_on), due)

    return PersonStatus(
        in_population=in_population,
        exempt=exempt,
        elearning_required=p.elearning_required,
        hydra_required=p.hydra_required,
        module_dates=module_dates,
        elearning_complete=elearning_complete,
        hydra_date=hydra_date,
        hydra_complete=hydra_complete,
        relevant=relevant,
        compliant=relevant and not outstanding,
        outstanding=outstanding,
        due_date=due_on,
        past_due=as_of > due_on,
        counts_from=counts_from,
    )


def _counts_on(day: date, as_of: date, earliest: date | None) -> bool:
    # On or before the day, and not expired (a validity keeps only completions on or after `earliest`).
    return day <= as_of and (earliest is None or day >= earliest)


# Why a record does or does not count for its person on a day (`record_verdicts`).
COUNTS, NOT_DONE, UNDATED, LATER, LEFT, EXEMPT, NOT_REQUIRED, SUPERSEDED, EXPIRED = (
    "counts", "not_done", "undated", "later", "left", "exempt", "not_required", "superseded", "expired")


def record_verdicts(status: PersonStatus, records: Iterable[tuple[str, bool, date | None]], as_of: date) -> list[str]:
    """Why each of one person's records counts or not on ``as_of``: a verdict per ``(code, done, day)``, in order.

    ``code`` is a module or ``HYDRA``; ``done`` says the record is a completion (or an attendance). The first
    reason that applies wins: ``NOT_DONE``, ``UNDATED``, ``LATER`` (after ``as_of``), ``EXPIRED`` (older than
    the package's validity), ``LEFT`` (a leaver), ``EXEMPT``, ``NOT_REQUIRED``; otherwise the first record on the
    date that ``status`` counts for its requirement ``COUNTS`` and any other is ``SUPERSEDED``. ``status`` is
    `person_status` on ``as_of``.
    """
    counted: set[str] = set()
    verdicts: list[str] = []
    for code, done, day in records:
        hydra = code == HYDRA
        earliest = status.hydra_date if hydra else status.module_dates.get(code)
        oldest = (status.counts_from or {}).get("hydra" if hydra else "elearning")
        if not done:
            verdict = NOT_DONE
        elif day is None:
            verdict = UNDATED
        elif day > as_of:
            verdict = LATER
        elif oldest is not None and day < oldest:
            verdict = EXPIRED
        elif not status.in_population:
            verdict = EXEMPT if status.exempt else LEFT
        elif not (status.hydra_required if hydra else status.elearning_required):
            verdict = NOT_REQUIRED
        elif code not in counted and earliest == day:
            counted.add(code)
            verdict = COUNTS
        else:
            verdict = SUPERSEDED
        verdicts.append(verdict)
    return verdicts


@dataclass(frozen=True, slots=True)
class Counts:
    """How many people a measure applies to, and how many of them have done it."""

    relevant: int
    complete: int
    overdue: int = 0  # relevant, not complete, past their due date
    not_yet_due: int = 0  # relevant, not complete, due date not yet passed

    @property
    def percent(self) -> float | None:
        """The completion percentage to one decimal, or ``None`` when nobody is relevant."""
        return percent(self.complete, self.relevant)

    def as_dict(self) -> dict[str, int | float | None]:
        """The ``{"relevant", "complete", "percent", "overdue", "not_yet_due"}`` object of the league-table JSON."""
        return {"relevant": self.relevant, "complete": self.complete, "percent": self.percent,
                "overdue": self.overdue, "not_yet_due": self.not_yet_due}


@dataclass(frozen=True, slots=True)
class ForceFigures:
    """A force's figures on one date: the numbers in the league table."""

    elearning: Counts
    hydra: Counts
    overall: Counts
    modules: dict[str, int]
    exempt: int

    def as_dict(self) -> dict:
        """The figures as in the league-table JSON (CONTRACT.md): elearning, hydra, overall, modules."""
        return {
            "elearning": self.elearning.as_dict(),
            "hydra": self.hydra.as_dict(),
            "overall": self.overall.as_dict(),
            "modules": dict(self.modules),
        }


def force_figures(people: Iterable[PersonFacts], as_of: date, due: DuePolicy = DEFAULT_DUE_DATES) -> ForceFigures:
    """Compute a force's figures on ``as_of`` from everyone on its latest roster (leavers included).

    Leavers and people exempt on ``as_of`` are outside the population and count nowhere (the
    exempt are tallied in ``exempt``). A record only counts towards a package the person is
    required to do: a manager's e-learning is in no e-learning figure, module counts included.
    Each relevant person who has not done a package is *overdue* in it when ``as_of`` is after
    their due date, otherwise *not yet due*; ``overall`` splits those with anything left to do.
    """
    tally = {package: [0, 0, 0, 0] for package in ("elearning", "hydra", "overall")}  # relevant, complete, late, due
    modules = dict.fromkeys(MODULES, 0)
    exempt = 0
    seen: set[int] = set()
    for person in people:
        if person.person_id in seen:
            # A person twice means a fanned-out join upstream; it would count them twice.
            raise ValueError(f"person {person.person_id} appears more than once")
        seen.add(person.person_id)
        status = person_status(person, as_of, due)
        exempt += status.exempt
        if not status.relevant:
            continue
        _tally(tally["overall"], status.compliant, status.past_due)
        if status.elearning_required:
            _tally(tally["elearning"], status.elearning_complete, status.past_due)
            for code, completed_on in status.module_dates.items():
                modules[code] += completed_on is not None
        if status.hydra_required:
            _tally(tally["hydra"], status.hydra_complete, status.past_due)
    return ForceFigures(
        elearning=Counts(*tally["elearning"]),
        hydra=Counts(*tally["hydra"]),
        overall=Counts(*tally["overall"]),
        modules=modules,
        exempt=exempt,
    )


def _tally(counts: list[int], complete: bool, past_due: bool) -> None:
    counts[0] += 1
    if complete:
        counts[1] += 1
    elif past_due:
        counts[2] += 1
    else:
        counts[3] += 1


def rank_forces(entries: list[dict]) -> list[dict]:
    """Order forces for the league table and give each its ``rank``.

    Forces with a roster and someone relevant (overall percent not ``None``) come first, by
    overall percent descending; equal percents share a rank and the next rank skips (1, 2, 2, 4),
    tied forces listed by name. Then the rest, by name, with ``rank`` ``None``. Returns new
    shallow copies; the input list and its dicts are left alone.
    """

    def by_name(entry: dict) -> tuple[str, str]:
        """Sort key: name, case-folded, then code."""
        # Code breaks a tie on name so the order never depends on the input order.
        return (str(entry["name"]).casefold(), str(entry["code"]))

    ranked: list[dict] = []
    unranked: list[dict] = []
    for entry in entries:
        is_ranked = entry["has_roster"] and entry["overall"]["percent"] is not None
        (ranked if is_ranked else unranked).append(dict(entry))

    # Percents are already rounded to one decimal, so "tied" means tied as displayed.
    ranked.sort(key=lambda e: (-e["overall"]["percent"], *by_name(e)))
    previous: float | None = None
    rank = 0
    for position, entry in enumerate(ranked, start=1):
        if entry["overall"]["percent"] != previous:
            rank = position
            previous = entry["overall"]["percent"]
        entry["rank"] = rank

    unranked.sort(key=by_name)
    for entry in unranked:
        entry["rank"] = None
    return ranked + unranked
