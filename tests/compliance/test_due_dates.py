"""Due dates (DESIGN.md, "Due dates"), rule by rule, plus the figures against a naive oracle read off DESIGN.md."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.compliance.rules import (
    COUNTS,
    EXPIRED,
    LATER,
    MODULES,
    NOT_REQUIRED,
    Counts,
    DuePolicy,
    PersonFacts,
    due_date,
    force_figures,
    months_before,
    person_start,
    person_status,
    record_verdicts,
    valid_from,
)

DEADLINE = date(2026, 4, 30)
POLICY = DuePolicy(deadline=DEADLINE, grace_days=90)


def facts(person_id: int = 1, *, elearning: bool = True, hydra: bool = False, **kw) -> PersonFacts:
    return PersonFacts(person_id=person_id, active=True, elearning_required=elearning, hydra_required=hydra, **kw)


def all_modules(on: date) -> tuple[tuple[str, date], ...]:
    return tuple((code, on) for code in MODULES)


# --- start and due date -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_date", "first_rostered_on", "expected"),
    [
        pytest.param(None, None, None, id="first-roster-no-start"),
        pytest.param(date(2026, 9, 1), None, date(2026, 9, 1), id="start-date-column"),
        pytest.param(None, date(2026, 10, 5), date(2026, 10, 5), id="added-by-a-later-roster"),
        pytest.param(date(2026, 9, 1), date(2026, 10, 5), date(2026, 9, 1), id="column-wins-over-roster-day"),
        pytest.param(date(2019, 1, 7), date(2026, 10, 5), date(2019, 1, 7), id="column-wins-even-if-earlier"),
    ],
)
def test_person_start(start_date, first_rostered_on, expected):
    assert person_start(start_date, first_rostered_on) == expected


@pytest.mark.parametrize(
    ("start", "grace", "expected"),
    [
        pytest.param(None, 90, DEADLINE, id="no-start-deadline"),
        pytest.param(date(2025, 6, 1), 90, DEADLINE, id="long-serving-deadline"),
        pytest.param(date(2026, 1, 30), 90, DEADLINE, id="start-plus-grace-is-the-deadline"),
        pytest.param(date(2026, 1, 31), 90, date(2026, 5, 1), id="a-day-later"),
        pytest.param(date(2026, 11, 14), 90, date(2027, 2, 12), id="joiner-after-the-deadline"),
        pytest.param(date(2026, 11, 14), 0, date(2026, 11, 14), id="no-grace"),
        pytest.param(date(2028, 2, 1), 28, date(2028, 2, 29), id="leap-year"),
    ],
)
def test_due_date(start, grace, expected):
    assert due_date(start, DuePolicy(deadline=DEADLINE, grace_days=grace)) == expected


def test_default_policy_is_the_recommendations_deadline_and_90_days():
    policy = DuePolicy()
    assert (policy.deadline, policy.grace_days) == (DEADLINE, 90)
    assert policy.validity_months("elearning") is None and policy.validity_months("hydra") is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"grace_days": -1}, "grace period cannot be negative", id="negative-grace"),
        pytest.param({"elearning_validity_months": 0}, "at least 1 month", id="zero-validity"),
    ],
)
def test_policy_rejects_impossible_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        DuePolicy(**kwargs)


def test_validity_of_an_unknown_package_is_an_error():
    with pytest.raises(ValueError, match="'overall' is not one of elearning, hydra"):
        DuePolicy().validity_months("overall")


# --- validity ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(date(2026, 12, 1), 36, date(2023, 12, 1), id="three-years"),
        pytest.param(date(2026, 3, 31), 1, date(2026, 2, 28), id="clamped-to-february"),
        pytest.param(date(2028, 3, 31), 1, date(2028, 2, 29), id="clamped-leap"),
        pytest.param(date(2026, 1, 15), 1, date(2025, 12, 15), id="across-a-year"),
        pytest.param(date(2026, 1, 15), 13, date(2024, 12, 15), id="over-a-year"),
        pytest.param(date(2028, 2, 29), 12, date(2027, 2, 28), id="29-february-a-year-back"),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_valid_from_none_is_no_validity():
    assert valid_from(date(2026, 12, 1), None) is None
    assert valid_from(date(2026, 12, 1), 12) == date(2025, 12, 1)


@pytest.mark.parametrize(
    ("completed_on", "as_of", "complete"),
    [
        pytest.param(date(2023, 12, 1), date(2026, 12, 1), True, id="exactly-36-months-counts"),
        pytest.param(date(2023, 12, 1), date(2026, 12, 2), False, id="a-day-older-expired"),
        pytest.param(date(2026, 6, 1), date(2026, 12, 1), True, id="recent"),
    ],
)
def test_elearning_validity(completed_on, as_of, complete):
    policy = DuePolicy(deadline=DEADLINE, elearning_validity_months=36)
    status = person_status(facts(completions=all_modules(completed_on)), as_of, policy)
    assert status.elearning_complete is complete
    assert status.compliant is complete


def test_no_validity_by_default_keeps_old_completions():
    status = person_status(facts(completions=all_modules(date(2020, 1, 1))), date(2035, 1, 1))
    assert status.compliant


def test_validity_keeps_the_earliest_completion_still_valid():
    completions = (*all_modules(date(2021, 1, 1)), ("M2", date(2026, 2, 1)), ("M2", date(2026, 3, 1)))
    status = person_status(facts(completions=completions), date(2026, 12, 1), DuePolicy(elearning_validity_months=12))
    assert status.module_dates == {"M1": None, "M2": date(2026, 2, 1), "M3": None, "M4": None}
    assert status.outstanding == ["M1", "M3", "M4"]


def test_hydra_validity_is_separate_from_elearning():
    person = facts(hydra=True, completions=all_modules(date(2022, 1, 1)), hydra_attended=(date(2022, 1, 1),))
    status = person_status(person, date(2026, 12, 1), DuePolicy(hydra_validity_months=24))
    assert status.elearning_complete and not status.hydra_complete
    assert status.outstanding == ["HYDRA"]


def test_record_verdicts_say_expired():
    person = facts(hydra=True, completions=(("M1", date(2022, 1, 1)), ("M1", date(2026, 6, 1))),
                   hydra_attended=(date(2022, 1, 1),))
    as_of = date(2026, 12, 1)
    policy = DuePolicy(elearning_validity_months=24, hydra_validity_months=24)
    status = person_status(person, as_of, policy)
    records = [("M1", True, date(2022, 1, 1)), ("M1", True, date(2026, 6, 1)), ("HYDRA", True, date(2022, 1, 1)),
               ("M2", True, date(2027, 1, 1))]
    assert record_verdicts(status, records, as_of) == [EXPIRED, COUNTS, EXPIRED, LATER]
    manager = facts(elearning=False, hydra=True, completions=(("M1", date(2026, 6, 1)),))
    assert record_verdicts(person_status(manager, as_of, policy), [("M1", True, date(2026, 6, 1))],
                           as_of) == [NOT_REQUIRED]


# --- overdue and not yet due ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "as_of", "expected"),
    [
        pytest.param(facts(), DEADLINE, {"due_date": DEADLINE, "past_due": False, "overdue": False,
                                         "not_yet_due": True}, id="on-the-deadline-not-yet-due"),
        pytest.param(facts(), DEADLINE + timedelta(days=1), {"past_due": True, "overdue": True,
                                                             "not_yet_due": False}, id="day-after-overdue"),
        pytest.param(facts(first_rostered_on=date(2026, 11, 14)), date(2026, 12, 1),
                     {"due_date": date(2027, 2, 12), "overdue": False, "not_yet_due": True}, id="new-joiner"),
        pytest.param(facts(first_rostered_on=date(2026, 11, 14)), date(2027, 2, 12),
                     {"overdue": False, "not_yet_due": True}, id="joiner-on-due-date"),
        pytest.param(facts(first_rostered_on=date(2026, 11, 14)), date(2027, 2, 13),
                     {"overdue": True, "not_yet_due": False}, id="joiner-day-after"),
        pytest.param(facts(start_date=date(2025, 1, 6), first_rostered_on=date(2026, 11, 14)), date(2026, 12, 1),
                     {"due_date": DEADLINE, "overdue": True}, id="start-column-says-long-serving"),
        pytest.param(facts(completions=all_modules(date(2026, 1, 1))), date(2026, 12, 1),
                     {"compliant": True, "past_due": True, "overdue": False, "not_yet_due": False}, id="done"),
        pytest.param(facts(elearning=False), date(2026, 12, 1),
                     {"relevant": False, "overdue": False, "not_yet_due": False}, id="nothing-required"),
        pytest.param(PersonFacts(1, False, True, False), date(2026, 12, 1),
                     {"relevant": False, "overdue": False, "not_yet_due": False}, id="leaver"),
        pytest.param(facts(exempt_until=date(2027, 1, 1)), date(2026, 12, 1),
                     {"relevant": False, "overdue": False, "not_yet_due": False}, id="exempt"),
    ],
)
def test_overdue_and_not_yet_due(person, as_of, expected):
    status = person_status(person, as_of, POLICY)
    assert {name: getattr(status, name) for name in expected} == expected


def test_package_outstanding_flags():
    status = person_status(facts(hydra=True, completions=all_modules(date(2026, 1, 1))), date(2026, 12, 1), POLICY)
    assert (status.elearning_outstanding, status.hydra_outstanding, status.overdue) == (False, True, True)


def test_force_figures_split_the_not_complete():
    as_of = date(2026, 12, 1)
    people = [
        facts(1, completions=all_modules(date(2026, 1, 1))),  # complete
        facts(2),  # on the first roster: overdue
        facts(3, first_rostered_on=date(2026, 11, 14)),  # joined last month: not yet due
        facts(4, hydra=True, start_date=date(2026, 10, 1), completions=all_modules(date(2026, 10, 20))),
        facts(5, elearning=False, hydra=True),  # Hydra only: overdue
    ]
    figures = force_figures(people, as_of, POLICY)
    assert figures.elearning == Counts(relevant=4, complete=2, overdue=1, not_yet_due=1)
    assert figures.hydra == Counts(relevant=2, complete=0, overdue=1, not_yet_due=1)
    assert figures.overall == Counts(relevant=5, complete=1, overdue=2, not_yet_due=2)
    assert figures.as_dict()["overall"] == {"relevant": 5, "complete": 1, "percent": 20.0, "overdue": 2,
                                            "not_yet_due": 2}
    # A validity that expires person 1's completions moves them from complete to overdue.
    expired = force_figures(people, as_of, DuePolicy(deadline=DEADLINE, elearning_validity_months=6))
    assert expired.elearning == Counts(relevant=4, complete=1, overdue=2, not_yet_due=1)


# --- properties against a naive oracle -------------------------------------------------------------------------


AROUND = date(2026, 12, 1)
near = st.dates(min_value=AROUND - timedelta(days=200), max_value=AROUND + timedelta(days=10))


@st.composite
def policies(draw) -> DuePolicy:
    return DuePolicy(
        deadline=draw(st.sampled_from([DEADLINE, AROUND, AROUND + timedelta(days=5)])),
        grace_days=draw(st.sampled_from([0, 1, 30, 90])),
        elearning_validity_months=draw(st.sampled_from([None, None, 1, 3, 6])),
        hydra_validity_months=draw(st.sampled_from([None, None, 2, 5])),
    )


@st.composite
def random_people(draw) -> list[PersonFacts]:
    people = []
    for person_id in range(draw(st.integers(0, 20))):
        people.append(PersonFacts(
            person_id=person_id,
            active=draw(st.sampled_from([True, True, True, False])),
            elearning_required=draw(st.booleans()),
            hydra_required=draw(st.booleans()),
            exempt_until=draw(st.none() | st.none() | near),
            completions=tuple(draw(st.lists(st.tuples(st.sampled_from(MODULES), near), max_size=8))),
            hydra_attended=tuple(draw(st.lists(near, max_size=3))),
            start_date=draw(st.none() | near),
            first_rostered_on=draw(st.none() | near),
        ))
    return people


def naive_months_back(day: date, months: int) -> date:
    year, month = day.year, day.month
    for _ in range(months):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def naive_due_figures(people: list[PersonFacts], as_of: date, policy: DuePolicy) -> dict:
    """Overdue and not yet due per package, read straight off DESIGN.md "Due dates" in one loop."""
    out = {package: {"relevant": 0, "complete": 0, "overdue": 0, "not_yet_due": 0}
           for package in ("elearning", "hydra", "overall")}
    for p in people:
        if not p.active or (p.exempt_until is not None and p.exempt_until >= as_of):
            continue
        if not (p.elearning_required or p.hydra_required):
            continue
        el_oldest = hy_oldest = date.min
        if policy.elearning_validity_months:
            el_oldest = naive_months_back(as_of, policy.elearning_validity_months)
        if policy.hydra_validity_months:
            hy_oldest = naive_months_back(as_of, policy.hydra_validity_months)
        modules = {code for code, when in p.completions if el_oldest <= when <= as_of}
        elearning_done = len(modules) == 4
        hydra_done = any(hy_oldest <= when <= as_of for when in p.hydra_attended)
        start = p.start_date or p.first_rostered_on
        due = policy.deadline
        if start is not None and start + timedelta(days=policy.grace_days) > due:
            due = start + timedelta(days=policy.grace_days)
        late = as_of > due
        results = []
        if p.elearning_required:
            results.append(("elearning", elearning_done))
        if p.hydra_required:
            results.append(("hydra", hydra_done))
        results.append(("overall", all(done for _, done in results)))
        for package, done in results:
            out[package]["relevant"] += 1
            key = "complete" if done else "overdue" if late else "not_yet_due"
            out[package][key] += 1
    return out


@settings(deadline=None, max_examples=300)
@given(random_people(), near, policies())
def test_due_figures_match_naive_oracle(people, as_of, policy):
    figures = force_figures(people, as_of, policy).as_dict()
    got = {package: {k: v for k, v in figures[package].items() if k != "percent"}
           for package in ("elearning", "hydra", "overall")}
    assert got == naive_due_figures(people, as_of, policy)


@settings(deadline=None)
@given(random_people(), near, policies())
def test_due_counts_partition_the_relevant(people, as_of, policy):
    figures = force_figures(people, as_of, policy)
    for counts in (figures.elearning, figures.hydra, figures.overall):
        assert counts.complete + counts.overdue + counts.not_yet_due == counts.relevant
    # Nobody is overdue before the deadline, and a validity can only take completions away.
    if as_of <= policy.deadline:
        assert figures.overall.overdue == 0
    unlimited = force_figures(people, as_of, DuePolicy(deadline=policy.deadline, grace_days=policy.grace_days))
    assert figures.overall.complete <= unlimited.overall.complete
