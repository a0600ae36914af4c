"""Compliance rules: who must do what, what counts as done, and the figures a force is judged on.

Plain functions of plain values with an explicit ``as_of`` date: no Flask, no database, no clock.
The services gather each person's facts (roster flags and their completed / attended records)
and hand them here, so the figures shown on pages, in emails, in the API and in the benchmarks
are all computed by this one module, which the tests check rule by rule (DESIGN.md,
"Compliance rules").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

MODULES: tuple[str, ...] = ("M1", "M2", "M3", "M4")
HYDRA = "HYDRA"

# category -> (e-learning required, Hydra required). The admin can edit the rules held in the
# database; this is the default from DESIGN.md and what the database is seeded with.
DEFAULT_RULES: dict[str, tuple[bool, bool]] = {
    "frontline": (True, False),
    "investigator": (True, True),
    "manager": (False, True),
    "other": (False, False),
}





class UnknownRoleCategory(ValueError):
    """A roster row needs its role category to say what it must do, and the category is missing or unknown."""


def resolve_requirements(
    role_category: str | None,
    elearning: bool | None,
    hydra: bool | None,
    rules: Mapping[str, tuple[bool, bool]] = DEFAULT_RULES,
) -> tuple[bool, bool]:
    """Return ``(elearning_required, hydra_required)`` for one roster row.

    An explicit flag (not ``None``) wins, each independently; only a flag left blank falls back
    to the rule for the row's role category (matched case-insensitively, spaces trimmed). When a
    fallback is needed and the category is missing or not in ``rules``, raise
    ``UnknownRoleCategory`` naming the known categories.
    """
    if elearning is not None and hydra is not None:
        # Both given: the category is irrelevant, so a blank or odd one must not reject the row.
        return elearning, hydra
    rule = _rule_for(role_category, rules)
    return (rule[0] if elearning is None else elearning, rule[1] if hydra is None else hydra)


def _rule_for(role_category: str | None, rules: Mapping[str, tuple[bool, bool]]) -> tuple[bool, bool]:
    # Admin-edited keys may have any case, so fold both sides rather than trust the mapping.
    folded = {key.strip().casefold(): value for key, value in rules.items()}
    known = ", ".join(rules) or "none configured"
    category = (role_category or "").strip()
    if not category:
        raise UnknownRoleCategory(
            f"No role category, and no E-learning required / Hydra required value: give a role category "
            f"(one of {known}) or both Y/N columns"
        )
    try:
        return folded[category.casefold()]
    except KeyError:
        raise UnknownRoleCategory(f"{category} is not a known role category (known: {known})") from None


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


def person_status(p: PersonFacts, as_of: date) -> PersonStatus:
    """Work out one person's status on ``as_of``.

    Only records dated on or before ``as_of`` count, and for each module and for Hydra the
    earliest such date is kept. ``elearning_complete`` and ``hydra_complete`` say whether the
    training was done, whether or not it was required (a force lead may want to see it);
    ``relevant``, ``compliant`` and ``outstanding`` apply the requirements and the population.
    An exemption runs through ``exempt_until`` inclusive.
    """
    module_dates: dict[str, date | None] = dict.fromkeys(MODULES)
    for code, completed_on in p.completions:
        if code not in module_dates:
            # An unknown code here means the caller mapped courses wrongly; counting it silently could
            # neither help nor be noticed.
            raise ValueError(f"person {p.person_id}: {code!r} is not one of {', '.join(MODULES)}")
        if completed_on > as_of:
            continue
        earliest = module_dates[code]
        if earliest is None or completed_on < earliest:
            module_dates[code] = completed_on
    elearning_complete = all(d is not None for d in module_dates.values())

    attended = [d for d in p.hydra_attended if d <= as_of]
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
    )


# Why a record does or does not count for its person on a day (`record_verdicts`).
COUNTS, NOT_DONE, UNDATED, LATER, LEFT, EXEMPT, NOT_REQUIRED, SUPERSEDED = (
    "counts", "not_done", "undated", "later", "left", "exempt", "not_required", "superseded")


def record_verdicts(status: PersonStatus, records: Iterable[tuple[str, bool, date | None]], as_of: date) -> list[str]:
    """Why each of one person's records counts or not on ``as_of``: a verdict per ``(code, done, day)``, in order.

    ``code`` is a module or ``HYDRA``; ``done`` says the record is a completion (or an attendance). The first
    reason that applies wins: ``NOT_DONE``, ``UNDATED``, ``LATER`` (after ``as_of``), ``LEFT`` (a leaver),
    ``EXEMPT``, ``NOT_REQUIRED``; otherwise the first record on the date that ``status`` counts for its
    requirement ``COUNTS`` and any other is ``SUPERSEDED``. ``status`` is `person_status` on ``as_of``.
    """
    counted: set[str] = set()
    verdicts: list[str] = []
    for code, done, day in records:
        hydra = code == HYDRA
        earliest = status.hydra_date if hydra else status.module_dates.get(code)
        if not done:
            verdict = NOT_DONE
        elif day is None:
            verdict = UNDATED
        elif day > as_of:
            verdict = LATER
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

    @property
    def percent(self) -> float | None:
        """The completion percentage to one decimal, or ``None`` when nobody is relevant."""
        return percent(self.complete, self.relevant)

    def as_dict(self) -> dict[str, int | float | None]:
        """The ``{"relevant", "complete", "percent"}`` object of the league-table JSON."""
        return {"relevant": self.relevant, "complete": self.complete, "percent": self.percent}


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


def force_figures(people: Iterable[PersonFacts], as_of: date) -> ForceFigures:
    """Compute a force's figures on ``as_of`` from everyone on its latest roster (leavers included).

    Leavers and people exempt on ``as_of`` are outside the population and count nowhere (the
    exempt are tallied in ``exempt``). A record only counts towards a package the person is
    required to do: a manager's e-learning is in no e-learning figure, module counts included.
    """
    elearning_relevant = elearning_complete = 0
    hydra_relevant = hydra_complete = 0
    overall_relevant = overall_complete = 0
    modules = dict.fromkeys(MODULES, 0)
    exempt = 0
    seen: set[int] = set()
    for person in people:
        if person.person_id in seen:
            # A person twice means a fanned-out join upstream; it would count them twice.
            raise ValueError(f"person {person.person_id} appears more than once")
        seen.add(person.person_id)
        status = person_status(person, as_of)
        if status.exempt:
            exempt += 1
        if not status.relevant:
            continue
        overall_relevant += 1
        overall_complete += status.compliant
        if status.elearning_required:
            elearning_relevant += 1
            elearning_complete += status.elearning_complete
            for code, completed_on in status.module_dates.items():
                modules[code] += completed_on is not None
        if status.hydra_required:
            hydra_relevant += 1
            hydra_complete += status.hydra_complete
    return ForceFigures(
        elearning=Counts(elearning_relevant, elearning_complete),
        hydra=Counts(hydra_relevant, hydra_complete),
        overall=Counts(overall_relevant, overall_complete),
        modules=modules,
        exempt=exempt,
    )


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
