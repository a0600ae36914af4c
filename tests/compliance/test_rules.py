"""The compliance rules (DESIGN.md, "Compliance rules"), table by table, plus properties against a naive oracle."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lms.compliance.rules import (
    DEFAULT_RULES,
    HYDRA,
    MODULES,
    Counts,
    ForceFigures,
    PersonFacts,
    UnknownRoleCategory,
    force_figures,
    percent,
    person_status,
    rank_forces,
    resolve_requirements,
    round_half_up,
)

AS_OF = date(2026, 4, 30)
BEFORE = AS_OF - timedelta(days=1)
AFTER = AS_OF + timedelta(days=1)
LONG_AGO = date(2025, 6, 1)


def all_modules(on: date = LONG_AGO) -> tuple[tuple[str, date], ...]:
    return tuple((code, on) for code in MODULES)


def facts(
    person_id: int = 1, *, active: bool = True, elearning: bool = False, hydra: bool = False, **kw
) -> PersonFacts:
    return PersonFacts(person_id=person_id, active=active, elearning_required=elearning, hydra_required=hydra, **kw)


def test_constants():
    assert MODULES == ("M1", "M2", "M3", "M4")
    assert HYDRA == "HYDRA"
    assert DEFAULT_RULES == {
        "frontline": (True, False),
        "investigator": (True, True),
        "manager": (False, True),
        "other": (False, False),
    }


# --- Y/N cells ------------------------------------------------------------------------------------------------------






# --- who must do what -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "elearning", "hydra", "expected"),
    [
        pytest.param(None, True, False, (True, False), id="explicit-both-no-category"),
        pytest.param("traffic", False, True, (False, True), id="explicit-both-unknown-category-ignored"),
        pytest.param("manager", True, False, (True, False), id="explicit-both-override-category"),
        pytest.param("other", True, True, (True, True), id="explicit-both-override-other"),
        pytest.param("investigator", False, None, (False, True), id="explicit-elearning-hydra-from-category"),
        pytest.param("frontline", None, True, (True, True), id="explicit-hydra-elearning-from-category"),
        pytest.param("frontline", None, None, (True, False), id="frontline"),
        pytest.param("investigator", None, None, (True, True), id="investigator"),
        pytest.param("manager", None, None, (False, True), id="manager"),
        pytest.param("other", None, None, (False, False), id="other"),
        pytest.param(" Investigator ", None, None, (True, True), id="category-case-and-spaces"),
        pytest.param("MANAGER", None, None, (False, True), id="category-upper"),
    ],
)
def test_resolve_requirements(category, elearning, hydra, expected):
    assert resolve_requirements(category, elearning, hydra) == expected


def test_resolve_requirements_uses_given_rules_case_insensitively():
    rules = {"Detective": (True, True), "frontline": (False, False)}
    assert resolve_requirements("detective", None, None, rules) == (True, True)
    assert resolve_requirements("Frontline", None, None, rules) == (False, False)
    with pytest.raises(UnknownRoleCategory, match="known: Detective, frontline"):
        resolve_requirements("investigator", None, None, rules)


@pytest.mark.parametrize(
    ("category", "elearning", "hydra", "message"),
    [
        pytest.param(None, None, None, "No role category", id="nothing"),
        pytest.param("  ", None, None, "No role category", id="blank-category"),
        pytest.param(None, True, None, "No role category", id="hydra-missing-no-category"),
        pytest.param(None, None, False, "No role category", id="elearning-missing-no-category"),
        pytest.param("traffic", None, None, "traffic is not a known role category", id="unknown"),
        pytest.param("traffic", True, None, "traffic is not a known role category", id="unknown-half-explicit"),
    ],
)
def test_resolve_requirements_unknown_category(category, elearning, hydra, message):
    with pytest.raises(UnknownRoleCategory) as caught:
        resolve_requirements(category, elearning, hydra)
    assert message in str(caught.value)
    assert "frontline, investigator, manager, other" in str(caught.value)
    assert isinstance(caught.value, ValueError)  # importers catch ValueError as a row error


# --- rounding and percent -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        pytest.param(0.05, 1, 0.1, id="0.05"),
        pytest.param(0.15, 1, 0.2, id="0.15-binary-below-half"),
        pytest.param(0.25, 1, 0.3, id="0.25-not-bankers"),
        pytest.param(0.35, 1, 0.4, id="0.35"),
        pytest.param(0.04, 1, 0.0, id="0.04-down"),
        pytest.param(12.25, 1, 12.3, id="12.25"),
        pytest.param(2.675, 2, 2.68, id="2.675-to-2dp"),
        pytest.param(2.675, 1, 2.7, id="2.675-to-1dp"),
        pytest.param(1.005, 2, 1.01, id="1.005-to-2dp"),
        pytest.param(2 / 3 * 100, 1, 66.7, id="float-66.666"),
        pytest.param(Fraction(200, 3), 1, 66.7, id="fraction-66.666"),
        pytest.param(Fraction(1, 3), 1, 0.3, id="fraction-third"),
        pytest.param(Fraction(100, 3), 1, 33.3, id="fraction-33.333"),
        pytest.param(Fraction(1, 8) * 100, 1, 12.5, id="fraction-eighth"),
        pytest.param(1 / 8 * 100, 1, 12.5, id="float-eighth"),
        pytest.param(Fraction(1, 8), 2, 0.13, id="0.125-to-2dp"),
        pytest.param(99.95, 1, 100.0, id="99.95"),
        pytest.param(99.94, 1, 99.9, id="99.94"),
        pytest.param(Fraction(19999, 200), 1, 100.0, id="fraction-99.995"),
        pytest.param(0.5, 0, 1.0, id="half-to-0dp"),
        pytest.param(2.5, 0, 3.0, id="2.5-to-0dp-not-bankers"),
        pytest.param(0.0, 1, 0.0, id="zero"),
        pytest.param(100, 1, 100.0, id="int"),
        pytest.param(Decimal("0.15"), 1, 0.2, id="decimal"),
        pytest.param(-0.05, 1, -0.1, id="negative-away-from-zero"),
        pytest.param(Fraction(-1, 8), 2, -0.13, id="negative-fraction"),
    ],
)
def test_round_half_up(value, places, expected):
    result = round_half_up(value, places)
    assert result == expected
    assert isinstance(result, float)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN")], ids=["nan", "inf", "decimal-nan"])
def test_round_half_up_rejects_non_finite(value):
    with pytest.raises(ValueError, match="cannot round"):
        round_half_up(value)


@pytest.mark.parametrize(
    ("complete", "relevant", "expected"),
    [
        pytest.param(2, 3, 66.7, id="two-thirds"),
        pytest.param(1, 3, 33.3, id="one-third"),
        pytest.param(1, 8, 12.5, id="one-eighth"),
        pytest.param(1, 2000, 0.1, id="0.05-up"),
        pytest.param(3, 2000, 0.2, id="0.15-up"),
        pytest.param(1999, 2000, 100.0, id="99.95-up-to-100"),
        pytest.param(19989, 20000, 99.9, id="99.945-down"),
        pytest.param(9, 130, 6.9, id="contract-example"),
        pytest.param(0, 5, 0.0, id="none-complete"),
        pytest.param(5, 5, 100.0, id="all-complete"),
        pytest.param(0, 0, None, id="nobody-relevant"),
    ],
)
def test_percent(complete, relevant, expected):
    assert percent(complete, relevant) == expected


@pytest.mark.parametrize(
    ("complete", "relevant"),
    [
        pytest.param(3, 2, id="more-complete-than-relevant"),
        pytest.param(-1, 2, id="negative-complete"),
        pytest.param(0, -1, id="negative-relevant"),
        pytest.param(1, 0, id="complete-with-nobody-relevant"),
    ],
)
def test_percent_rejects_impossible_counts(complete, relevant):
    with pytest.raises(ValueError, match="impossible counts"):
        percent(complete, relevant)


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=1, max_value=10**7))
def test_percent_matches_decimal_half_up(a, b):
    complete, relevant = min(a, b), max(a, b)
    # Exact for these sizes: 100*complete/relevant needs far fewer than 60 significant digits to decide a half.
    with_decimal = (Decimal(100 * complete) / Decimal(relevant)).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")
    result = percent(complete, relevant)
    assert result == float(with_decimal)
    assert 0.0 <= result <= 100.0


# --- one person -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        pytest.param(
            facts(elearning=True, completions=all_modules()),
            {
                "in_population": True,
                "relevant": True,
                "elearning_complete": True,
                "compliant": True,
                "outstanding": [],
                "module_dates": dict.fromkeys(MODULES, LONG_AGO),
            },
            id="all-modules",
        ),
        pytest.param(
            facts(elearning=True, completions=(("M1", LONG_AGO), ("M3", LONG_AGO), ("M4", LONG_AGO))),
            {
                "elearning_complete": False,
                "compliant": False,
                "outstanding": ["M2"],
                "module_dates": {"M1": LONG_AGO, "M2": None, "M3": LONG_AGO, "M4": LONG_AGO},
            },
            id="missing-one-module",
        ),
        pytest.param(
            facts(elearning=True, completions=(("M1", LONG_AGO), ("M2", LONG_AGO), ("M3", LONG_AGO), ("M4", AFTER))),
            {
                "elearning_complete": False,
                "compliant": False,
                "outstanding": ["M4"],
                "module_dates": {"M1": LONG_AGO, "M2": LONG_AGO, "M3": LONG_AGO, "M4": None},
            },
            id="module-dated-after-as-of",
        ),
        pytest.param(
            facts(elearning=True, completions=(("M1", LONG_AGO), ("M2", LONG_AGO), ("M3", LONG_AGO), ("M4", AS_OF))),
            {
                "elearning_complete": True,
                "compliant": True,
                "outstanding": [],
                "module_dates": {"M1": LONG_AGO, "M2": LONG_AGO, "M3": LONG_AGO, "M4": AS_OF},
            },
            id="module-dated-exactly-as-of",
        ),
        pytest.param(
            facts(elearning=True, completions=(("M1", BEFORE), ("M1", AFTER), ("M1", LONG_AGO), ("M1", BEFORE))),
            {"module_dates": {"M1": LONG_AGO, "M2": None, "M3": None, "M4": None}, "outstanding": ["M2", "M3", "M4"]},
            id="repeats-keep-earliest",
        ),
        pytest.param(
            facts(elearning=True, completions=(("M2", AFTER + timedelta(days=9)), ("M2", AFTER))),
            {"module_dates": {"M1": None, "M2": None, "M3": None, "M4": None}, "outstanding": ["M1", "M2", "M3", "M4"]},
            id="repeats-all-after-as-of",
        ),
        pytest.param(
            facts(hydra=True, hydra_attended=(AS_OF,)),
            {"hydra_complete": True, "hydra_date": AS_OF, "compliant": True, "outstanding": []},
            id="hydra-on-as-of",
        ),
        pytest.param(
            facts(hydra=True, hydra_attended=(AFTER,)),
            {"hydra_complete": False, "hydra_date": None, "compliant": False, "outstanding": [HYDRA]},
            id="hydra-after-as-of",
        ),
        pytest.param(
            facts(hydra=True, hydra_attended=(AFTER, BEFORE, LONG_AGO)),
            {"hydra_complete": True, "hydra_date": LONG_AGO, "compliant": True},
            id="hydra-earliest-session",
        ),
        pytest.param(
            facts(elearning=True, hydra=True),
            {
                "relevant": True,
                "compliant": False,
                "outstanding": ["M1", "M2", "M3", "M4", HYDRA],
                "module_dates": dict.fromkeys(MODULES),
                "hydra_date": None,
            },
            id="investigator-nothing-done",
        ),
        pytest.param(
            facts(elearning=True, hydra=True, completions=all_modules()),
            {"elearning_complete": True, "hydra_complete": False, "compliant": False, "outstanding": [HYDRA]},
            id="investigator-elearning-only",
        ),
        pytest.param(
            facts(elearning=True, hydra=True, completions=all_modules(), hydra_attended=(BEFORE,)),
            {"compliant": True, "outstanding": []},
            id="investigator-everything",
        ),
        pytest.param(
            facts(active=False, elearning=True, hydra=True, completions=all_modules(), hydra_attended=(BEFORE,)),
            {
                "in_population": False,
                "exempt": False,
                "relevant": False,
                "compliant": False,
                "outstanding": [],
                "elearning_complete": True,
                "hydra_complete": True,
            },
            id="leaver-never-counts",
        ),
        pytest.param(
            facts(active=False, elearning=True, exempt_until=AFTER),
            {"in_population": False, "exempt": False, "relevant": False},
            id="leaver-with-exemption-is-not-exempt",
        ),
        pytest.param(
            facts(elearning=True, exempt_until=BEFORE),
            {"in_population": True, "exempt": False, "relevant": True, "outstanding": list(MODULES)},
            id="exemption-ended-before-as-of",
        ),
        pytest.param(
            facts(elearning=True, exempt_until=AS_OF),
            {"in_population": False, "exempt": True, "relevant": False, "compliant": False, "outstanding": []},
            id="exempt-until-as-of-inclusive",
        ),
        pytest.param(
            facts(elearning=True, hydra=True, exempt_until=AFTER, completions=all_modules()),
            {"in_population": False, "exempt": True, "relevant": False, "compliant": False, "outstanding": []},
            id="exempt-until-after-as-of",
        ),
        pytest.param(
            facts(hydra=True, completions=all_modules()),
            {
                "elearning_required": False,
                "elearning_complete": True,
                "relevant": True,
                "compliant": False,
                "outstanding": [HYDRA],
            },
            id="manager-did-elearning-not-required",
        ),
        pytest.param(
            facts(completions=all_modules(), hydra_attended=(BEFORE,)),
            {
                "in_population": True,
                "relevant": False,
                "compliant": False,
                "outstanding": [],
                "elearning_complete": True,
                "hydra_complete": True,
            },
            id="other-did-everything-not-relevant",
        ),
        pytest.param(
            facts(elearning=True, hydra_attended=(BEFORE,), completions=all_modules()),
            {"hydra_required": False, "hydra_complete": True, "compliant": True, "outstanding": []},
            id="frontline-did-hydra-not-required",
        ),
    ],
)
def test_person_status(person, expected):
    status = person_status(person, AS_OF)
    assert {name: getattr(status, name) for name in expected} == expected
    # Invariants that hold for every case above.
    assert status.compliant == (status.relevant and not status.outstanding)
    assert not (status.exempt and status.in_population)


def test_person_status_rejects_unknown_module():
    with pytest.raises(ValueError, match="'M5' is not one of M1, M2, M3, M4"):
        person_status(facts(elearning=True, completions=(("M5", LONG_AGO),)), AS_OF)


# --- one force ------------------------------------------------------------------------------------------------------


def hand_built_force() -> list[PersonFacts]:
    """Thirteen people whose figures on AS_OF are worked out by hand in test_force_figures_by_hand."""
    before_m4 = (("M1", LONG_AGO), ("M2", LONG_AGO), ("M3", LONG_AGO))
    return [
        # 1 frontline, all four modules                  -> e-learning complete, overall complete
        facts(1, elearning=True, completions=all_modules()),
        # 2 frontline, M1-M3, M4 the day after as_of      -> e-learning not complete
        facts(2, elearning=True, completions=(*before_m4, ("M4", AFTER))),
        # 3 investigator, everything                      -> both complete, overall complete
        facts(3, elearning=True, hydra=True, completions=all_modules(), hydra_attended=(BEFORE,)),
        # 4 investigator, e-learning done, no Hydra       -> e-learning complete, Hydra not, overall not
        facts(4, elearning=True, hydra=True, completions=all_modules(AS_OF)),
        # 5 manager, Hydra done, also did all e-learning  -> Hydra complete, overall complete; no module counts
        facts(5, hydra=True, hydra_attended=(LONG_AGO,), completions=all_modules()),
        # 6 manager, Hydra only after as_of               -> Hydra not complete
        facts(6, hydra=True, hydra_attended=(AFTER,)),
        # 7 other, did everything                         -> counts nowhere
        facts(7, completions=all_modules(), hydra_attended=(LONG_AGO,)),
        # 8 frontline leaver with everything              -> counts nowhere
        facts(8, active=False, elearning=True, completions=all_modules()),
        # 9 frontline exempt past as_of                   -> counts nowhere, exempt
        facts(9, elearning=True, exempt_until=AFTER, completions=all_modules()),
        # 10 frontline whose exemption ended, M1 only    -> e-learning not complete
        facts(10, elearning=True, exempt_until=BEFORE, completions=(("M1", LONG_AGO),)),
        # 11 explicit e-learning only, M2 three times    -> not complete, M2 counted once
        facts(11, elearning=True, completions=(("M2", LONG_AGO), ("M2", BEFORE), ("M2", AFTER))),
        # 12 leaver exempt past as_of                    -> counts nowhere, not exempt (not active)
        facts(12, active=False, hydra=True, exempt_until=AFTER),
        # 13 frontline, nothing                           -> e-learning not complete
        facts(13, elearning=True),
    ]


def test_force_figures_by_hand():
    figures = force_figures(hand_built_force(), AS_OF)
    # e-learning relevant: 1 2 3 4 10 11 13 = 7; complete: 1 3 4 = 3; 300/7 = 42.857 -> 42.9
    # AS_OF is the deadline: everyone not complete is not yet due (nobody has a later start here)
    assert figures.elearning == Counts(relevant=7, complete=3, overdue=0, not_yet_due=4)
    assert figures.elearning.percent == 42.9
    # Hydra relevant: 3 4 5 6 = 4; complete: 3 5 = 2 -> 50.0
    assert figures.hydra == Counts(relevant=4, complete=2, overdue=0, not_yet_due=2)
    assert figures.hydra.percent == 50.0
    # overall relevant: 1 2 3 4 5 6 10 11 13 = 9; complete: 1 3 5 = 3 -> 33.3
    assert figures.overall == Counts(relevant=9, complete=3, overdue=0, not_yet_due=6)
    assert figures.overall.percent == 33.3
    # modules among the e-learning relevant (1 2 3 4 10 11 13), by as_of:
    # M1: 1 2 3 4 10 = 5; M2: 1 2 3 4 11 = 5; M3: 1 2 3 4 = 4; M4: 1 3 4 = 3 (2's M4 is late; 5, 7, 8, 9 excluded)
    assert figures.modules == {"M1": 5, "M2": 5, "M3": 4, "M4": 3}
    # exempt: 9 only (12 is a leaver)
    assert figures.exempt == 1
    assert figures.as_dict() == {
        "elearning": {"relevant": 7, "complete": 3, "percent": 42.9, "overdue": 0, "not_yet_due": 4},
        "hydra": {"relevant": 4, "complete": 2, "percent": 50.0, "overdue": 0, "not_yet_due": 2},
        "overall": {"relevant": 9, "complete": 3, "percent": 33.3, "overdue": 0, "not_yet_due": 6},
        "modules": {"M1": 5, "M2": 5, "M3": 4, "M4": 3},
    }


def test_force_figures_on_an_earlier_date():
    # The same force the day before: 4's modules (dated AS_OF) don't count yet, 3's Hydra (dated BEFORE) does,
    # and 10's exemption (until BEFORE) still runs.
    figures = force_figures(hand_built_force(), BEFORE)
    # e-learning relevant: 1 2 3 4 11 13 = 6; complete: 1 3 = 2 -> 33.3
    assert figures.elearning == Counts(relevant=6, complete=2, not_yet_due=4)
    # Hydra relevant: 3 4 5 6 = 4; complete: 3 5 = 2
    assert figures.hydra == Counts(relevant=4, complete=2, not_yet_due=2)
    # overall relevant: 1 2 3 4 5 6 11 13 = 8; complete: 1 3 5 = 3 -> 37.5
    assert figures.overall == Counts(relevant=8, complete=3, not_yet_due=5)
    assert (figures.elearning.percent, figures.overall.percent) == (33.3, 37.5)
    # M1: 1 2 3; M2: 1 2 3 11; M3: 1 2 3; M4: 1 3
    assert figures.modules == {"M1": 3, "M2": 4, "M3": 3, "M4": 2}
    # exempt: 9 and 10
    assert figures.exempt == 2


def test_force_figures_of_an_empty_force():
    figures = force_figures(iter([]), AS_OF)
    assert figures == ForceFigures(Counts(0, 0), Counts(0, 0), Counts(0, 0), dict.fromkeys(MODULES, 0), 0)
    assert figures.as_dict()["overall"] == {"relevant": 0, "complete": 0, "percent": None, "overdue": 0,
                                            "not_yet_due": 0}


def test_force_figures_rejects_a_person_twice():
    with pytest.raises(ValueError, match="person 1 appears more than once"):
        force_figures([facts(1, elearning=True), facts(1, elearning=True)], AS_OF)


# --- league table ---------------------------------------------------------------------------------------------------


def force(code: str, pct: float | None, *, has_roster: bool = True, name: str | None = None) -> dict:
    return {"code": code, "name": name or code.title(), "has_roster": has_roster, "overall": {"percent": pct}}


def ranking(entries: list[dict]) -> list[tuple[str, int | None]]:
    return [(e["code"], e["rank"]) for e in rank_forces(entries)]


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        pytest.param(
            [force("c", 70.0), force("b", 80.0), force("a", 90.0), force("d", 80.0)],
            [("a", 1), ("b", 2), ("d", 2), ("c", 4)],
            id="tie-in-middle-1-2-2-4",
        ),
        pytest.param(
            [force("kent", 50.0), force("essex", 50.0), force("dorset", 50.0)],
            [("dorset", 1), ("essex", 1), ("kent", 1)],
            id="all-tied-by-name",
        ),
        pytest.param(
            [force("a", 50.0), force("b", 50.0), force("c", 50.0), force("d", 40.0)],
            [("a", 1), ("b", 1), ("c", 1), ("d", 4)],
            id="tie-at-top-1-1-1-4",
        ),
        pytest.param(
            [force("x", None, has_roster=False), force("b", 0.0), force("a", 100.0)],
            [("a", 1), ("b", 2), ("x", None)],
            id="zero-percent-is-ranked",
        ),
        pytest.param(
            [
                force("zeta", None, has_roster=False),
                force("mid", 60.0),
                force("alpha", None, has_roster=False),
                force("empty", None),  # roster, but nobody relevant
                force("top", 99.9),
            ],
            [("top", 1), ("mid", 2), ("alpha", None), ("empty", None), ("zeta", None)],
            id="unranked-last-by-name",
        ),
        pytest.param(
            [force("stale", 75.0, has_roster=False), force("live", 10.0)],
            [("live", 1), ("stale", None)],
            id="no-roster-unranked-even-with-percent",
        ),
        pytest.param(
            [force("b", 5.0, name="b force"), force("a", 5.0, name="B Force"), force("c", 5.0, name="A Force")],
            [("c", 1), ("a", 1), ("b", 1)],
            id="name-case-insensitive-code-breaks-tie",
        ),
        pytest.param([], [], id="no-forces"),
        pytest.param([force("only", None, has_roster=False)], [("only", None)], id="nobody-ranked"),
    ],
)
def test_rank_forces(entries, expected):
    assert ranking(entries) == expected


def test_rank_forces_returns_copies_and_leaves_input_alone():
    entries = [force("b", 10.0), force("a", 20.0), force("c", None, has_roster=False)]
    entries[0]["extra"] = {"kept": True}
    before = copy.deepcopy(entries)
    result = rank_forces(entries)
    assert entries == before
    assert all("rank" not in e for e in entries)
    assert all(r is not e for r in result for e in entries)
    b = next(r for r in result if r["code"] == "b")
    assert b["extra"] is entries[0]["extra"]  # shallow copy: nested values shared
    assert b == {**entries[0], "rank": 2}


@given(st.lists(st.one_of(st.none(), st.sampled_from([0.0, 12.5, 50.0, 66.7, 100.0])), max_size=12))
def test_rank_is_one_plus_number_strictly_ahead(percents):
    entries = [force(f"f{i:02d}", p) for i, p in enumerate(percents)]
    result = rank_forces(entries)
    ranked = [p for p in percents if p is not None]
    for entry in result:
        p = entry["overall"]["percent"]
        assert entry["rank"] == (None if p is None else 1 + sum(other > p for other in ranked))
    ranks = [e["rank"] for e in result if e["rank"] is not None]
    assert ranks == sorted(ranks)
    assert [e["rank"] for e in result[len(ranks) :]] == [None] * (len(result) - len(ranks))


# --- properties against a naive oracle ------------------------------------------------------------------------------

near_as_of = st.dates(min_value=AS_OF - timedelta(days=4), max_value=AS_OF + timedelta(days=4))


@st.composite
def random_force(draw) -> list[PersonFacts]:
    count = draw(st.integers(min_value=0, max_value=25))
    people = []
    for person_id in range(count):
        people.append(
            PersonFacts(
                person_id=person_id,
                active=draw(st.booleans()),
                elearning_required=draw(st.booleans()),
                hydra_required=draw(st.booleans()),
                exempt_until=draw(st.none() | near_as_of),
                completions=tuple(draw(st.lists(st.tuples(st.sampled_from(MODULES), near_as_of), max_size=8))),
                hydra_attended=tuple(draw(st.lists(near_as_of, max_size=3))),
            )
        )
    return people


def naive_percent(complete: int, relevant: int) -> float | None:
    if relevant == 0:
        return None
    # floor(1000 * c / r + 1/2) tenths, in integers only.
    tenths = (2000 * complete + relevant) // (2 * relevant)
    return tenths / 10


def naive_figures(people: list[PersonFacts], as_of: date) -> dict:
    """The rules read straight off DESIGN.md, one loop, no shared code with lms.compliance.rules."""
    el_relevant = el_complete = hy_relevant = hy_complete = all_relevant = all_complete = exempt = 0
    module_counts = {"M1": 0, "M2": 0, "M3": 0, "M4": 0}
    for p in people:
        if not p.active:
            continue
        if p.exempt_until is not None and not p.exempt_until < as_of:
            exempt += 1
            continue
        done = set()
        for code, when in p.completions:
            if when <= as_of:
                done.add(code)
        has_all_modules = done == {"M1", "M2", "M3", "M4"}
        attended = False
        for when in p.hydra_attended:
            if when <= as_of:
                attended = True
        if p.elearning_required:
            el_relevant += 1
            if has_all_modules:
                el_complete += 1
            for code in done:
                module_counts[code] += 1
        if p.hydra_required:
            hy_relevant += 1
            if attended:
                hy_complete += 1
        if p.elearning_required or p.hydra_required:
            all_relevant += 1
            ok = True
            if p.elearning_required and not has_all_modules:
                ok = False
            if p.hydra_required and not attended:
                ok = False
            if ok:
                all_complete += 1
    return {
        "elearning": {
            "relevant": el_relevant,
            "complete": el_complete,
            "percent": naive_percent(el_complete, el_relevant),
        },
        "hydra": {"relevant": hy_relevant, "complete": hy_complete, "percent": naive_percent(hy_complete, hy_relevant)},
        "overall": {
            "relevant": all_relevant,
            "complete": all_complete,
            "percent": naive_percent(all_complete, all_relevant),
        },
        "modules": module_counts,
        "exempt": exempt,
    }


@settings(deadline=None)
@given(random_force(), near_as_of)
def test_force_figures_match_naive_oracle(people, as_of):
    figures = force_figures(people, as_of)
    # Overdue and not yet due have their own naive oracle (test_due_dates.py); here the counts of DESIGN.md's
    # "Compliance rules", which due dates must not change.
    got = {**figures.as_dict(), "exempt": figures.exempt}
    for package in ("elearning", "hydra", "overall"):
        got[package] = {k: v for k, v in got[package].items() if k not in ("overdue", "not_yet_due")}
    assert got == naive_figures(people, as_of)


@settings(deadline=None)
@given(random_force(), near_as_of)
def test_force_figures_invariants(people, as_of):
    figures = force_figures(people, as_of)
    for counts in (figures.elearning, figures.hydra, figures.overall):
        assert 0 <= counts.complete <= counts.relevant <= len(people)
        assert (counts.percent is None) == (counts.relevant == 0)
        assert counts.percent is None or 0.0 <= counts.percent <= 100.0
    assert figures.overall.relevant >= max(figures.elearning.relevant, figures.hydra.relevant)
    assert figures.overall.relevant <= figures.elearning.relevant + figures.hydra.relevant
    for code in MODULES:
        assert figures.elearning.complete <= figures.modules[code] <= figures.elearning.relevant
    assert figures.exempt + figures.overall.relevant <= len(people)
    # Each person's status agrees with the force totals.
    statuses = [person_status(p, as_of) for p in people]
    assert figures.overall.complete == sum(s.compliant for s in statuses)
    assert all(s.compliant == (s.relevant and not s.outstanding) for s in statuses)
