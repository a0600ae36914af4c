"""The national page for MSOICU: national percentages with n of m, forces by status, the national trend from the
snapshots and its projection, per-module completion, regions side by side. Aggregates only."""

from __future__ import annotations

from datetime import date

import pytest

from lms.briefings import national
from lms.extensions import db
from lms.reports import figures
from tests.support.emails import load_scenario

NAMES = ("Testperson", "Notaperson", "Essexperson", "Surreyperson", "kent.invalid")


@pytest.fixture
def scenario(app):
    load_scenario()
    # A month of history: the daily job's snapshots on 1 April and 1 May.
    figures.refresh_snapshots(date(2026, 4, 1))
    figures.refresh_snapshots(date(2026, 5, 1))
    db.session.commit()


def test_national_figures_add_up_every_force(scenario):
    n = national.national_page(date(2026, 5, 1))
    # Kent 5 of 8, Essex 2 of 2, Surrey 1 of 2 overall; e-learning 5/6 + 2/2 + 1/2; Hydra 2/4.
    assert n["totals"]["overall"] == {**n["totals"]["overall"], "relevant": 12, "complete": 8, "percent": 66.7}
    assert (n["totals"]["elearning"]["complete"], n["totals"]["elearning"]["relevant"]) == (8, 10)
    assert (n["totals"]["hydra"]["complete"], n["totals"]["hydra"]["relevant"]) == (2, 4)
    by_status = {s["text"]: s["count"] for s in n["by_status"]}
    assert by_status == {"Target met": 1, "Nearly there": 0, "Behind": 2, "Far behind": 0, "No roster": 40}
    modules = {m["code"]: (m["complete"], m["relevant"]) for m in n["modules"]}
    assert modules == {"M1": (9, 10), "M2": (9, 10), "M3": (8, 10), "M4": (8, 10)}
    eastern = next(r for r in n["regions"] if r["name"] == "Eastern")  # Kent and Essex
    assert (eastern["overall"]["complete"], eastern["overall"]["relevant"], eastern["met"]) == (7, 10, 1)
    assert [r["name"] for r in n["regions"]][-1] == "London"
    # The trend: 1 April from the snapshots (Kent 3 of 8, Essex 2 of 2, Surrey 1 of 2), then today.
    assert [(p.as_of, p.complete, p.relevant) for p in n["trend"]] == [
        (date(2026, 4, 1), 6, 12), (date(2026, 5, 1), 8, 12)]
    assert n["projection"].status == "projected"


def test_the_page_for_every_signed_in_role_shows_aggregates_only(scenario, signed_in):
    client, _ = signed_in("national")
    response = client.get("/national")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "National picture" in page
    assert 'href="/static/print.css" media="print"' in page
    for table in ("national-figures", "by-status", "trend-table", "module-table", "region-table"):
        assert f'id="{table}"' in page
    for name in NAMES:
        assert name not in page
