"""What the league-table and force pages show beside the figures: RAG status, data-quality flags, movement since
a month earlier, and a force's breakdowns by department and role category.

The figures themselves come from `lms.reports.figures`; `league_page` and `force_overview` put a page
together from them.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from fractions import Fraction

from flask import current_app
from sqlalchemy import and_, func, select

from lms import policy
from lms.compliance import sql as rules_sql
from lms.compliance.rules import rank_forces, round_half_up
from lms.core.clock import today
from lms.extensions import db
from lms.forces import due_dates
from lms.models import KINDS, Force, ForceSnapshot, Person, Region
from lms.reports.figures import computed_entries, league_entries, snapshot_entries
from lms.reports.status import force_status

STALE_AFTER_DAYS = 30
UNMATCHED_SHARE = 0.05  # of the force's records
UNMATCHED_MAX = 50
SMALL_GROUP = 5  # groups with fewer relevant people are merged for viewers who may not see people
KIND_LABELS = {"roster": "roster", "college-learn": "College Learn", "hydra": "Hydra"}


def sum_counts(items: list[dict]) -> dict:
    """Counts added together (a region's total), with the percent of the sums."""
    return rules_sql.counts(sum(c["relevant"] for c in items), sum(c["complete"] for c in items),
                            sum(c.get("overdue", 0) for c in items))


def rag_status(entry: dict, as_of: date, deadline: date) -> dict:
    """The status tag of a force against the target of 100% by the deadline: {"colour", "text", "overdue", "label"}.

    The same bands before and after the deadline (`lms.reports.status`): Target met, Nearly there (90% or more),
    Behind (50% or more), Far behind; after the deadline "overdue since <deadline>" goes beside them.
    """
    return force_status(entry, as_of, deadline)


def data_quality(entry: dict, as_of: date) -> list[str]:
    """Plain-English warnings about a force's data: no roster, stale or missing uploads, many unmatched records.

    Stale means the last College Learn or Hydra upload is more than 30 days before ``as_of`` (or there is none);
    many unmatched means more than 50, or more than 5% of the force's records. A force with no upload of any kind
    gets the one flag "No uploads yet".
    """
    flags = []
    if not entry.get("has_roster", True):
        if not any(entry["last_upload"].get(kind) for kind in KINDS):
            return ["No uploads yet"]
        flags.append("No roster uploaded")
    for kind in ("college-learn", "hydra"):
        last = entry["last_upload"].get(kind)
        if last is None:
            flags.append(f"No {KIND_LABELS[kind]} upload")
            continue
        age = (as_of - date.fromisoformat(last)).days
        if age > STALE_AFTER_DAYS:
            flags.append(f"{KIND_LABELS[kind]} data {age} days old")
    unmatched = entry.get("unmatched_records", 0)
    records = entry.get("records") or 0
    if unmatched > UNMATCHED_MAX or (records and unmatched / records > UNMATCHED_SHARE):
        share = f" ({100 * unmatched / records:.0f}% of records)" if records else ""
        flags.append(f"{unmatched} unmatched record{'s' if unmatched != 1 else ''}{share}")
    return flags


def month_earlier(day: date) -> date:
    """The same day a calendar month earlier, clamped to the month's end (31 March -> 28 or 29 February)."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def positions_on(day: date) -> dict[str, dict]:
    """Each force's rank and overall percent as its snapshots stood on ``day``: {code: {"rank", "percent"}}.

    A force's position on a day is its latest snapshot on or before it (a snapshot is taken after every upload
    and rollback and daily, so nothing changed in between). Forces with no snapshot by then are absent.
    """
    latest = (
        select(ForceSnapshot.force_id, func.max(ForceSnapshot.as_of).label("as_of"))
        .where(ForceSnapshot.as_of <= day)
        .group_by(ForceSnapshot.force_id)
        .subquery()
    )
    rows = db.session.scalars(
        select(ForceSnapshot).join(
            latest, and_(ForceSnapshot.force_id == latest.c.force_id, ForceSnapshot.as_of == latest.c.as_of)
        )
    )
    entries = [r.figures["entry"] for r in rows if r.figures.get("entry")]
    return {e["code"]: {"rank": e["rank"], "percent": e["overall"]["percent"]} for e in rank_forces(entries)}


def movement(entries: list[dict], as_of: date) -> tuple[date, dict[str, dict]]:
    """Change in rank and overall percent since a month before ``as_of``, per force code.

    Returns (the comparison date, {code: {"status": "new"|"same"|"up"|"down"|"none", "places", "percent_change",
    "previous_rank"}}). "new" is a ranked force that had no rank a month earlier; "none" an unranked force.
    """
    since = month_earlier(as_of)
    before = positions_on(since)
    out: dict[str, dict] = {}
    for e in entries:
        prev = before.get(e["code"])
        item = {"status": "none", "places": 0, "percent_change": None, "previous_rank": None}
        if e.get("rank") is not None:
            if prev is None or prev["rank"] is None:
                item["status"] = "new"
            else:
                places = prev["rank"] - e["rank"]
                item.update(
                    status="up" if places > 0 else "down" if places < 0 else "same",
                    places=abs(places),
                    previous_rank=prev["rank"],
                    percent_change=round_half_up(
                        Fraction(str(e["overall"]["percent"])) - Fraction(str(prev["percent"])), 1
                    ),
                )
        out[e["code"]] = item
    return since, out


def snapshot_version() -> tuple:
    """Changes whenever any snapshot is written (rows are added, or updated in place with a new taken_at)."""
    row = db.session.execute(
        select(func.count(), func.max(ForceSnapshot.id), func.max(ForceSnapshot.taken_at))
    ).one()
    return tuple(row)


# The last league page built from snapshots, per process: {"key": ..., "page": ...}. Every import commit,
# rollback and matching decision rewrites snapshots, so a page is reused only while they are unchanged.
_LEAGUE_PAGE_CACHE: dict = {}


def clear_league_page_cache() -> None:
    """Forget the league page kept by `league_page`, so the next call builds it again (benchmarks, tests)."""
    _LEAGUE_PAGE_CACHE.clear()


def league_page(as_of: date | None = None) -> dict:
    """Everything the league-table page shows: ranked entries with RAG, data-quality flags and movement.

    Built from today's snapshots it is kept per process and reused until a snapshot changes; ``cache_key`` says
    so (None for a page computed from the records). Treat the result as read-only.
    """
    as_of = as_of or today()
    deadline = current_app.config["DEADLINE"]
    key = None
    if as_of == today():
        key = (as_of, deadline, current_app.config["SQLALCHEMY_DATABASE_URI"], snapshot_version())
        if _LEAGUE_PAGE_CACHE.get("key") == key:
            return _LEAGUE_PAGE_CACHE["page"]
    entries = snapshot_entries(as_of)
    if entries is None:
        key = None
        entries = computed_entries(as_of)
    entries = rank_forces(entries)
    since, moves = movement(entries, as_of)
    rows = [
        {**e, "rag": rag_status(e, as_of, deadline), "flags": data_quality(e, as_of), "movement": moves[e["code"]]}
        for e in entries
    ]
    page = {"as_of": as_of, "deadline": deadline, "compared_with": since, "forces": rows, "cache_key": key}
    if key is not None:
        _LEAGUE_PAGE_CACHE.update(key=key, page=page)
    return page


_BREAKDOWN_COLUMNS = ("people", *(f"{package}_{n}" for package in rules_sql.PACKAGES
                                   for n in ("relevant", "complete", "overdue")))


def merge_small_groups(items: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """Groups with fewer than SMALL_GROUP relevant people added together into one line, which itself always holds
    at least SMALL_GROUP (the smallest other groups join it until it does).

    Merging alone was not enough: the force's total is on the same page, so the total minus the groups shown gave
    the merged line exactly, and a merged line of one or two people pointed at them. With the merged line at least
    SMALL_GROUP too, no subtraction of figures on the page isolates fewer than SMALL_GROUP people.
    """
    small = [(k, v) for k, v in items if v["overall_relevant"] < SMALL_GROUP]
    shown = sorted(((k, v) for k, v in items if v["overall_relevant"] >= SMALL_GROUP),
                   key=lambda kv: (kv[1]["overall_relevant"], kv[0].casefold()))
    if not small:
        return items
    while shown and sum(v["overall_relevant"] for _, v in small) < SMALL_GROUP:
        small.append(shown.pop(0))  # complementary suppression: the smallest shown group is merged too
    merged = {column: sum(v[column] for _, v in small) for column in _BREAKDOWN_COLUMNS}
    shown.sort(key=lambda kv: kv[0].casefold())
    label = (f"Smaller groups together ({len(small)} groups, so that no figure here is about fewer than "
             f"{SMALL_GROUP} people)")
    return [*shown, (label, merged)]


def force_breakdowns(force: Force, as_of: date, *, merge_small: bool = False) -> dict[str, list[dict]]:
    """A force's figures by department and by role category, in one GROUP BY over its active people.

    Each group: {"name", "people", "elearning", "hydra", "overall"}. With ``merge_small``, groups with fewer than
    SMALL_GROUP relevant people are added together into one line, so aggregates never point at an individual.
    """
    raw = _breakdown_counts(force, as_of)
    out: dict[str, list[dict]] = {}
    for key, groups in raw.items():
        items = sorted(groups.items(), key=lambda kv: kv[0].casefold())
        if merge_small:
            items = merge_small_groups(items)
        out[key] = [
            {"name": name, "people": v["people"],
             **{package: rules_sql.counts(v[f"{package}_relevant"], v[f"{package}_complete"],
                                          v[f"{package}_overdue"])
                for package in rules_sql.PACKAGES}}
            for name, v in items
        ]
    return out


def _breakdown_counts(force: Force, as_of: date) -> dict[str, dict[str, dict[str, int]]]:
    """{"department"|"role_category": {label: {column: count}}} for the force's active people on ``as_of``."""
    done = rules_sql.progress(as_of, [force.id], due_dates.current_policy())
    p = Person
    dept = func.coalesce(p.department, "").label("department")
    category = func.coalesce(p.role_category, "").label("role_category")
    query = done.join(
        select(dept, category, func.count().label("people"),
               *rules_sql.figure_columns(done, among=rules_sql.in_population(as_of))).select_from(p)
    ).where(p.force_id == force.id, rules_sql.active()).group_by(dept, category)
    raw: dict[str, dict[str, dict[str, int]]] = {"department": {}, "role_category": {}}
    for row in db.session.execute(query).mappings():
        for key in raw:
            label = row[key].strip() or "Not recorded"
            total = raw[key].setdefault(label, dict.fromkeys(_BREAKDOWN_COLUMNS, 0))
            for column in _BREAKDOWN_COLUMNS:
                total[column] += int(row[column])
    return raw


def force_overview(force: Force, as_of: date | None = None, *, merge_small: bool = True) -> dict:
    """Everything a force page shows except people: figures, rank, RAG, flags, movement, breakdowns, trend."""
    from lms.reports import trends

    as_of = as_of or today()
    deadline = current_app.config["DEADLINE"]
    entries = league_entries(as_of)
    entry = next(e for e in entries if e["code"] == force.code)
    since, moves = movement([entry], as_of)
    points = trends.history(force, as_of, current=entry)
    return {
        "as_of": as_of,
        "deadline": deadline,
        "entry": entry,
        "ranked_forces": sum(1 for e in entries if e.get("rank") is not None),
        "total_forces": len(entries),
        "rag": rag_status(entry, as_of, deadline),
        "flags": data_quality(entry, as_of),
        "compared_with": since,
        "movement": moves[force.code],
        "breakdowns": force_breakdowns(force, as_of, merge_small=merge_small),
        "trend": trends.chart_points(points),
        "projection": trends.projection(points, as_of, deadline),
        "horizon_years": trends.HORIZON_YEARS,
    }


def region_slug(name: str) -> str:
    """A region's name as it appears in its page's address: "Yorkshire and the Humber" -> yorkshire-and-the-humber."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


def region_by_slug(slug: str) -> Region | None:
    """The region whose page address is `slug`."""
    return next((r for r in db.session.scalars(select(Region)) if region_slug(r.name) == slug), None)


def visible_places(user) -> tuple[frozenset[str], frozenset[str]]:
    """Codes of the forces, and names of the regions, whose pages the user may open."""
    # Plain rows with the attributes policy.sees_force reads (id, region_id): no ORM objects on the hot page.
    rows = db.session.execute(
        select(Force.id, Force.region_id, Force.code, Region.name.label("region")).join(
            Region, Region.id == Force.region_id)
    )
    visible = [(f.code, f.region) for f in rows if policy.sees_force(user, f)]
    return frozenset(code for code, _ in visible), frozenset(name for _, name in visible)
