"""Trends from snapshots, the projected date for 100%, the daily snapshot job, and the SVG charts."""

from __future__ import annotations

import re
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select

from lms.models import Force, ForceSnapshot
from lms.reports import charts, figures, trends
from lms.reports.trends import TrendPoint, projection

DEADLINE = date(2026, 4, 30)
D0 = date(2026, 1, 1)


def pts(*spec: tuple[int, int, int]) -> list[TrendPoint]:
    """(day offset from D0, relevant, complete) triples."""
    return [TrendPoint(D0 + timedelta(days=d), r, c) for d, r, c in spec]


def test_projection_linear_over_the_window():
    # 30 completions in 30 days; 60 still to go -> 60 days after the last point.
    p = projection(pts((0, 100, 10), (30, 100, 40)), D0 + timedelta(days=30), DEADLINE)
    assert p.status == "projected"
    assert p.on == D0 + timedelta(days=90)
    assert p.per_week == 7.0 and p.remaining == 60 and not p.after_deadline


def test_projection_uses_only_the_last_90_days():
    # Fast early progress, then 9 completions over the last 90 days: 1 a 10 days, 10 to go -> 100 days.
    points = pts((0, 100, 0), (10, 100, 81), (20, 100, 81), (110, 100, 90))
    p = projection(points, D0 + timedelta(days=110), DEADLINE)
    assert p.since == D0 + timedelta(days=20)
    assert p.on == D0 + timedelta(days=110 + 100)
    assert p.after_deadline


def test_projection_rounds_the_date_up():
    p = projection(pts((0, 10, 0), (7, 10, 3)), D0 + timedelta(days=7), DEADLINE)
    assert p.on == D0 + timedelta(days=7 + 17)  # 7 remaining at 3/7 a day = 16.33 days -> 17


@pytest.mark.parametrize(("points", "status"), [
    (pts((0, 100, 50), (30, 100, 50)), "not_on_track"),      # no progress
    (pts((0, 100, 50), (30, 120, 45)), "not_on_track"),      # going backwards
    (pts((0, 100_000, 0), (30, 100_000, 1)), "not_on_track"),  # centuries away
    (pts((0, 10, 10)), "complete"),
    (pts((0, 10, 5), (30, 10, 10)), "complete"),
    (pts((0, 10, 5)), "no_history"),
    (pts((0, 10, 5), (6, 10, 6)), "no_history"),              # under a week
    ([], "no_history"),
])
def test_projection_statuses(points, status):
    last = points[-1].as_of if points else D0
    assert projection(points, last, DEADLINE).status == status


def test_projection_ignores_points_after_as_of():
    points = pts((0, 100, 10), (30, 100, 40), (60, 100, 100))
    assert projection(points, D0 + timedelta(days=30), DEADLINE).status == "projected"


def test_chart_points_keeps_short_series_and_thins_long_ones_to_weeks():
    short = [TrendPoint(D0 + timedelta(days=i), 10, i % 10) for i in range(60)]
    assert trends.chart_points(short) == short
    long = [TrendPoint(D0 + timedelta(days=i), 10, i % 10) for i in range(365)]
    thinned = trends.chart_points(long)
    assert len(thinned) <= 54
    assert thinned[-1] == long[-1]
    assert [p.as_of for p in thinned] == sorted(p.as_of for p in thinned)


def test_history_reads_snapshots_and_the_current_figures(db):
    kent = db.session.scalar(select(Force).where(Force.code == "kent"))

    def snap(day, relevant, complete):
        db.session.add(ForceSnapshot(force_id=kent.id, as_of=day, figures={"fresh": True, "entry": {
            "overall": {"relevant": relevant, "complete": complete}}}))

    snap(date(2026, 1, 1), 0, 0)      # before the roster: dropped
    snap(date(2026, 1, 5), 10, 1)
    snap(date(2026, 2, 5), 10, 4)
    snap(date(2026, 3, 5), 10, 9)     # after `until`: ignored
    db.session.commit()
    current = {"overall": {"relevant": 12, "complete": 5}}

    points = trends.history(kent, date(2026, 2, 5), current=current)

    assert [(p.as_of, p.relevant, p.complete) for p in points] == [
        (date(2026, 1, 5), 10, 1), (date(2026, 2, 5), 12, 5)]
    assert points[-1].percent == 41.7


def test_daily_snapshot_records_every_force_once_a_day(db, today):
    assert trends.record_daily_snapshot() == 43
    assert trends.record_daily_snapshot() == 43  # updated in place
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ForceSnapshot)) == 43
    assert figures.league_table() == figures.league_table(use_snapshots=False)


# --- charts -------------------------------------------------------------------------------------------------------


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


NS = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_an_accessible_svg_with_escaped_labels():
    svg = str(charts.bar_chart([charts.Bar("<script>x</script>", 50.0, "(1 of 2)"), charts.Bar("None", None)],
                               chart_id="c1", title="T & co", description="D"))
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{NS}title").text == "T & co"
    assert "<script>" not in svg and "style=" not in svg
    bars = [r for r in root.iter(f"{NS}rect") if r.get("class") == "lms-bar"]
    backgrounds = [r for r in root.iter(f"{NS}rect") if r.get("class") == "lms-bar-bg"]
    assert len(bars) == 1 and len(backgrounds) == 2
    assert float(bars[0].get("width")) == pytest.approx(float(backgrounds[0].get("width")) / 2)
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "50.0% (1 of 2)" in texts and "no data" in texts


def test_line_chart_plots_points_and_marks_the_deadline():
    points = [(date(2026, 1, 1), 0.0), (date(2026, 7, 1), 50.0), (date(2026, 12, 31), 100.0)]
    root = parse(str(charts.line_chart(points, chart_id="t", title="T", description="D", deadline=DEADLINE)))
    line = next(root.iter(f"{NS}polyline"))
    coords = [tuple(map(float, xy.split(","))) for xy in line.get("points").split()]
    assert len(coords) == 3
    assert coords[0][1] > coords[1][1] > coords[2][1]  # higher percent is higher up
    assert coords[0][0] < coords[1][0] < coords[2][0]
    assert any(e.get("class") == "lms-deadline" for e in root.iter(f"{NS}line"))


def test_line_chart_with_one_point_or_none():
    one = str(charts.line_chart([(D0, 40.0)], chart_id="a", title="T", description="D"))
    assert "<polyline" not in one and len(re.findall("<circle", one)) == 1
    empty = str(charts.line_chart([], chart_id="b", title="T", description="D"))
    assert "No figures yet" in empty
