"""What a chief constable's email compares this month's figures with: the table of the last email their chief was
actually sent; when none was sent, the daily snapshots as they stood a month before these figures (or, with less
history than that, the earliest the service holds). Only when the service holds nothing earlier for the force
does the email say it is the first report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select

from lms.compliance.rules import rank_forces
from lms.core.clock import month_label
from lms.core.text import long_date, plural
from lms.emails.common import LEAGUE_TABLE
from lms.extensions import db
from lms.models import EmailLog, Force, ForceSnapshot, PublishedTable
from lms.reports.pages import month_earlier


@dataclass(frozen=True, slots=True)
class Earlier:
    """The figures a month's email compares with: the force's entry then, and how to say what they were."""

    entry: dict
    as_of: date
    label: str  # "your last email (April 2026, figures as of 1 April 2026)"
    short: str  # "since 1 April"


def entry_in(table: dict, code: str) -> dict | None:
    """A force's entry in a league table, if it is there."""
    return next((f for f in table["forces"] if f["code"] == code), None)


def last_sent_table(force: Force, period: str) -> tuple[str, dict] | None:
    """The period and table of the last league-table email this force's chief was actually sent, before `period`."""
    prior = db.session.scalar(
        select(EmailLog.period)
        .where(EmailLog.kind == LEAGUE_TABLE, EmailLog.force_id == force.id, EmailLog.status == "sent",
               EmailLog.period < period)
        .order_by(EmailLog.period.desc())
        .limit(1)
    )
    if prior is None:
        return None
    row = db.session.scalar(select(PublishedTable).where(PublishedTable.period == prior))
    return (prior, row.data) if row is not None else None


def snapshot_ranks(day: date) -> dict[str, dict]:
    """Every force's entry as its snapshots stood on `day` (its latest on or before it), ranked among them."""
    latest = (
        select(ForceSnapshot.force_id, func.max(ForceSnapshot.as_of).label("as_of"))
        .where(ForceSnapshot.as_of <= day).group_by(ForceSnapshot.force_id).subquery()
    )
    rows = db.session.scalars(select(ForceSnapshot).join(
        latest, and_(ForceSnapshot.force_id == latest.c.force_id, ForceSnapshot.as_of == latest.c.as_of)))
    entries = [r.figures["entry"] for r in rows if r.figures.get("entry")]
    return {e["code"]: e for e in rank_forces(entries)}


def earliest_snapshot_day(force: Force, before: date) -> date | None:
    """The first day the service holds a snapshot of this force, if it is before `before`."""
    day = db.session.scalar(select(func.min(ForceSnapshot.as_of)).where(ForceSnapshot.force_id == force.id,
                                                                        ForceSnapshot.as_of < before))
    return day


def earlier_figures(force: Force, period: str, as_of: date) -> Earlier | None:
    """What this month's email compares with (see the module docstring); None when nothing earlier exists."""
    sent = last_sent_table(force, period)
    if sent is not None:
        prev_period, table = sent
        entry = entry_in(table, force.code)
        if entry is not None:
            when = date.fromisoformat(table["as_of"])
            return Earlier(entry, when, f"your last email ({month_label(prev_period)}, figures as of "
                                        f"{long_date(when)})", f"since {_day_month(when)}")
    day = month_earlier(as_of)
    entry = snapshot_ranks(day).get(force.code)
    if entry is not None:
        return Earlier(entry, day, f"a month earlier (figures as of {long_date(day)})", f"since {_day_month(day)}")
    first = earliest_snapshot_day(force, as_of)
    if first is not None:
        entry = snapshot_ranks(first).get(force.code)
        if entry is not None:
            return Earlier(entry, first, f"the earliest figures the service holds ({long_date(first)})",
                           f"since {_day_month(first)}")
    return None


def _day_month(day: date) -> str:
    return f"{day.day} {day:%B}"


def _percent(counts: dict) -> float | None:
    return counts.get("percent")


def change(label: str, now: dict, before: dict) -> str:
    """One package's change in words: "Overall: up 25.0 percentage points, from 37.5% to 62.5%"."""
    if _percent(now) is None or _percent(before) is None:
        if _percent(now) is None:
            return f"{label}: no figure this month"
        return f"{label}: {now['percent']:.1f}% (no figure last time)"
    diff = Decimal(str(now["percent"])) - Decimal(str(before["percent"]))
    if diff == 0:
        return f"{label}: unchanged at {now['percent']:.1f}%"
    direction = "up" if diff > 0 else "down"
    points = abs(diff)
    return (f"{label}: {direction} {points:.1f} percentage {'point' if points == 1 else 'points'}, "
            f"from {before['percent']:.1f}% to {now['percent']:.1f}%")


def rank_change(now: int | None, before: int | None) -> str:
    """The change of rank in words: "Rank: up 1 place, from 3 to 2"."""
    if now is None:
        return "Rank: not ranked" + (f" (ranked {before} last time)" if before is not None else ", as last time")
    if before is None:
        return f"Rank: now ranked {now} (not ranked last time)"
    if now == before:
        return f"Rank: unchanged at {now}"
    moved = abs(before - now)
    return f"Rank: {'up' if now < before else 'down'} {plural(moved, 'place', 'places')}, from {before} to {now}"


def movement_lines(entry: dict, earlier: Earlier) -> list[str]:
    """The change in rank and in each package since the earlier figures."""
    before = earlier.entry
    return [
        rank_change(entry["rank"], before.get("rank")),
        change("Overall", entry["overall"], before["overall"]),
        change("E-learning", entry["elearning"], before["elearning"]),
        change("Hydra", entry["hydra"], before["hydra"]),
    ]


def headline_change(entry: dict, earlier: Earlier | None) -> str | None:
    """The change in one short phrase for the email's first lines: "up 1 place and 25.0 points since 1 April"."""
    if earlier is None:
        return None
    before = earlier.entry
    parts = []
    if entry["rank"] is not None and before.get("rank") is not None and entry["rank"] != before["rank"]:
        moved = before["rank"] - entry["rank"]
        parts.append(f"{'up' if moved > 0 else 'down'} {plural(abs(moved), 'place', 'places')}")
    if _percent(entry["overall"]) is not None and _percent(before["overall"]) is not None:
        diff = Decimal(str(entry["overall"]["percent"])) - Decimal(str(before["overall"]["percent"]))
        if diff:
            parts.append(f"{'up' if diff > 0 else 'down'} {abs(diff):.1f} {'point' if abs(diff) == 1 else 'points'}")
    if not parts:
        return f"unchanged {earlier.short}"
    return f"{' and '.join(parts)} {earlier.short}"
