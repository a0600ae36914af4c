"""A force's figures over time, read from its snapshots: the trend chart and the projected date for 100%.

Snapshots (`ForceSnapshot`, one row per force per day) are written by `figures.refresh_snapshots` after every
commit and rollback and once a day by the scheduler, so history is read, never recomputed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import select

from lms.compliance.rules import percent, round_half_up
from lms.core import clock
from lms.extensions import db
from lms.models import Force, ForceSnapshot
from lms.reports import figures

WINDOW_DAYS = 90  # the rate of completions is measured over this many days
MIN_SPAN_DAYS = 7  # less history than this gives no projection
HORIZON_YEARS = 5  # a projected date further away than this is "not on track"
MAX_CHART_POINTS = 60


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """A force's overall figures on one day."""

    as_of: date
    relevant: int
    complete: int

    @property
    def percent(self) -> float | None:
        return percent(self.complete, self.relevant)


@dataclass(frozen=True, slots=True)
class Projection:
    """When a force would reach 100% at its recent rate.

    ``status``: "complete" (everyone relevant done), "projected" (``on`` is the date), "not_on_track" (no
    progress, or the date is beyond the horizon), "no_history" (too little history to measure a rate).
    """

    status: str
    on: date | None = None
    after_deadline: bool = False
    per_week: float | None = None
    remaining: int = 0
    since: date | None = None


def record_daily_snapshot(as_of: date | None = None) -> int:
    """Take today's snapshot of every force (the scheduler's daily job). Flushes; the caller commits."""
    return figures.refresh_snapshots(as_of)


def history(force: Force, until: date | None = None, *, current: dict | None = None) -> list[TrendPoint]:
    """The force's overall figures by day from its first snapshot with anyone relevant, up to ``until``.

    ``current``, the force's entry computed for ``until``, replaces that day's snapshot (or is added), so the
    last point always agrees with the figures on the page.
    """
    until = until or clock.today()
    rows = db.session.execute(
        select(ForceSnapshot.as_of, ForceSnapshot.figures)
        .where(ForceSnapshot.force_id == force.id, ForceSnapshot.as_of <= until)
        .order_by(ForceSnapshot.as_of)
    )
    points: list[TrendPoint] = []
    for day, stored in rows:
        overall = (stored or {}).get("entry", {}).get("overall")
        if overall is None:
            continue
        points.append(TrendPoint(day, int(overall["relevant"]), int(overall["complete"])))
    if current is not None:
        points = [p for p in points if p.as_of != until]
        points.append(TrendPoint(until, int(current["overall"]["relevant"]), int(current["overall"]["complete"])))
    while points and points[0].relevant == 0:
        points.pop(0)
    return points


def chart_points(points: list[TrendPoint], limit: int = MAX_CHART_POINTS) -> list[TrendPoint]:
    """At most about ``limit`` points for the chart and its table: beyond that, the last point of each week."""
    if len(points) <= limit:
        return list(points)
    by_week: dict[tuple[int, int], TrendPoint] = {}
    for p in points:
        by_week[tuple(p.as_of.isocalendar())[:2]] = p
    weekly = list(by_week.values())
    if weekly[-1] != points[-1]:
        weekly.append(points[-1])
    return weekly


def projection(points: list[TrendPoint], as_of: date, deadline: date, *, window_days: int = WINDOW_DAYS,
               horizon_years: int = HORIZON_YEARS) -> Projection:
    """Project the date of 100% from the rate of completions over the last ``window_days`` days.

    The rate is (complete now − complete at the oldest point in the window) / days between; the people still to
    complete, divided by that rate, give the date. No progress, or a date more than ``horizon_years`` away, is
    "not on track".
    """
    points = [p for p in points if p.as_of <= as_of]
    if not points:
        return Projection("no_history")
    last = points[-1]
    remaining = last.relevant - last.complete
    if last.relevant and remaining <= 0:
        return Projection("complete", remaining=0)
    start = next(p for p in points if p.as_of >= last.as_of - timedelta(days=window_days))
    days = (last.as_of - start.as_of).days
    if days < MIN_SPAN_DAYS or not last.relevant:
        return Projection("no_history", remaining=remaining)
    rate = Fraction(last.complete - start.complete, days)
    per_week = round_half_up(rate * 7, 1)
    if rate <= 0:
        return Projection("not_on_track", per_week=per_week, remaining=remaining, since=start.as_of)
    needed = math.ceil(Fraction(remaining) / rate)
    horizon = last.as_of + timedelta(days=365 * horizon_years)
    if needed > (horizon - last.as_of).days:
        return Projection("not_on_track", per_week=per_week, remaining=remaining, since=start.as_of)
    on = last.as_of + timedelta(days=needed)
    return Projection("projected", on=on, after_deadline=on > deadline, per_week=per_week, remaining=remaining,
                      since=start.as_of)
