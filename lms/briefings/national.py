"""The national picture for MSOICU: national percentages with n of m, forces by status, the national trend and its
projection, per-module national completion and the regions side by side. Aggregates only, never a person.

Built on the league page (`lms.reports.pages.league_page`: ranked entries with their status) and on the daily
snapshots for the trend, so it is read, not recomputed.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from lms.compliance.rules import MODULES, percent
from lms.core.clock import today
from lms.extensions import db
from lms.models import ForceSnapshot, Region
from lms.reports import pages, trends
from lms.reports.status import BANDS, COLOURS, NO_DATA

PACKAGES = ("elearning", "hydra", "overall")


def national_totals(entries: list[dict]) -> dict:
    """{package: counts} summed over every force (forces with no roster add nothing)."""
    return {package: pages.sum_counts([e[package] for e in entries]) for package in PACKAGES}


def forces_by_status(entries: list[dict]) -> list[dict]:
    """How many forces are in each band, in the key's order: [{"text", "colour", "count"}]."""
    counts = Counter(e["rag"]["text"] for e in entries)
    out = [{"text": text, "colour": COLOURS[text], "count": counts.get(text, 0), "meaning": meaning}
           for text, meaning in BANDS]
    if counts.get(NO_DATA):
        out.append({"text": NO_DATA, "colour": COLOURS[NO_DATA], "count": counts[NO_DATA],
                    "meaning": "a roster, but nobody on it has training to do"})
    return out


def module_totals(entries: list[dict], elearning_relevant: int) -> list[dict]:
    """Each module's national completion among the people who must do the e-learning."""
    out = []
    for n, code in enumerate(MODULES, start=1):
        done = sum(int(e["modules"].get(code, 0)) for e in entries)
        out.append({"code": code, "label": f"Module {n}", "complete": done, "relevant": elearning_relevant,
                    "percent": percent(done, elearning_relevant) if elearning_relevant else None})
    return out


def regions(entries: list[dict]) -> list[dict]:
    """Each region's forces added together, in the regions' usual order."""
    by_region: dict[str, list[dict]] = {}
    for e in entries:
        by_region.setdefault(e["region"], []).append(e)
    out = []
    for name, items in by_region.items():
        ranked = [e for e in items if e.get("rank") is not None]
        out.append({"name": name, "forces": len(items), "ranked": len(ranked),
                    "met": sum(1 for e in items if e["rag"]["text"] == BANDS[0][0]),
                    **{package: pages.sum_counts([e[package] for e in items]) for package in PACKAGES}})
    order = {name: position for name, position in db.session.execute(select(Region.name, Region.position))}
    return sorted(out, key=lambda r: (order.get(r["name"], len(order)), r["name"]))


def national_history(until: date, current: dict | None = None) -> list[trends.TrendPoint]:
    """The national overall figures by day: on each day with a snapshot, every force's latest snapshot added up.

    ``current`` (today's national overall counts) replaces that day's point, so the line ends on the page's figures.
    """
    rows = db.session.execute(
        select(ForceSnapshot.force_id, ForceSnapshot.as_of, ForceSnapshot.figures)
        .where(ForceSnapshot.as_of <= until).order_by(ForceSnapshot.as_of)
    )
    latest: dict[int, tuple[int, int]] = {}
    points: list[trends.TrendPoint] = []
    day = None
    for force_id, as_of, stored in rows:
        if day is not None and as_of != day:
            points.append(_point(day, latest))
        day = as_of
        overall = (stored or {}).get("entry", {}).get("overall")
        if overall is not None:
            latest[force_id] = (int(overall["relevant"]), int(overall["complete"]))
    if day is not None:
        points.append(_point(day, latest))
    if current is not None:
        points = [p for p in points if p.as_of != until]
        points.append(trends.TrendPoint(until, int(current["relevant"]), int(current["complete"])))
    while points and points[0].relevant == 0:
        points.pop(0)
    return points


def _point(day: date, latest: dict[int, tuple[int, int]]) -> trends.TrendPoint:
    return trends.TrendPoint(day, sum(r for r, _ in latest.values()), sum(c for _, c in latest.values()))


def monthly(points: list[trends.TrendPoint]) -> list[trends.TrendPoint]:
    """The last point of each month (and the latest): the trend's table, short enough to print."""
    by_month: dict[tuple[int, int], trends.TrendPoint] = {}
    for p in points:
        by_month[(p.as_of.year, p.as_of.month)] = p
    return list(by_month.values())


def national_page(as_of: date | None = None) -> dict:
    """Everything the national page shows, as of a date (default today)."""
    as_of = as_of or today()
    league = pages.league_page(as_of)
    entries = league["forces"]
    totals = national_totals(entries)
    points = national_history(as_of, current=totals["overall"])
    ranked = [e for e in entries if e.get("rank") is not None]
    return {
        "as_of": as_of,
        "deadline": league["deadline"],
        "totals": totals,
        "forces_total": len(entries),
        "forces_ranked": len(ranked),
        "by_status": forces_by_status(entries),
        "modules": module_totals(entries, totals["elearning"]["relevant"]),
        "regions": regions(entries),
        "trend": trends.chart_points(points),
        "monthly": monthly(points),
        "projection": trends.projection(points, as_of, league["deadline"]),
        "horizon_years": trends.HORIZON_YEARS,
        "forces": entries,
    }
