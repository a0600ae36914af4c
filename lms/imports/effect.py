"""What a batch does to the figures: "Overall 36.2% → 42.6%, rank 5 → 3", exactly, before anything is committed.

A preview applies its plan inside a SAVEPOINT, computes the touched forces' figures with the league table's own code
(`lms.reports.figures.compute_figures`), ranks them among every other force's current figures
(`lms.compliance.rules.rank_forces`), then rolls the savepoint back: the numbers are the ones the commit would give,
not an estimate, and nothing is left behind. A commit compares the snapshots before and after it.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import select

from lms.compliance.rules import rank_forces
from lms.compliance.sql import empty_figures
from lms.core.clock import today
from lms.extensions import db
from lms.forces import due_dates
from lms.imports import apply as import_apply
from lms.models import Force, ForceSnapshot, ImportBatch
from lms.reports.figures import compute_figures, computed_entries, forces_with_roster

PACKAGES = ("overall", "elearning", "hydra")
SHOWN = 10  # forces listed for a batch that changes many: the ones it changes most


def current_entries(as_of: date | None = None) -> list[dict]:
    """Every force's league entry now: the "before" of an effect.

    Today's fresh snapshots (refreshed after every commit and rollback, under the current due-date settings) where a
    force has one, computed for the others only: a day's first imports need not compute all 43 forces each time.
    """
    as_of = as_of or today()
    due = due_dates.current_policy().as_dict()
    entries = {s.force_id: s.figures["entry"] for s in db.session.scalars(
        select(ForceSnapshot).where(ForceSnapshot.as_of == as_of))
        if s.figures.get("fresh") and s.figures.get("due") == due}
    missing = sorted(set(db.session.scalars(select(Force.id))) - set(entries))
    return [*entries.values(), *(computed_entries(as_of, missing) if missing else [])]


def _codes(force_ids) -> dict[int, str]:
    return dict(db.session.execute(select(Force.id, Force.code).where(Force.id.in_(sorted(force_ids)))).all())


def _computed(as_of: date, force_ids) -> dict[str, dict]:
    """The touched forces' figures as the database holds them now (inside the savepoint: with the plan applied)."""
    figures = compute_figures(as_of, sorted(force_ids))
    rostered = forces_with_roster(sorted(force_ids))
    out = {}
    for force_id, code in _codes(force_ids).items():
        fig = figures.get(force_id) or empty_figures()
        out[code] = {**{k: fig[k] for k in (*PACKAGES, "modules")}, "has_roster": force_id in rostered}
    return out


def _counts(row: dict, flag: str) -> bool:
    return row.get("person_id") is not None and bool(row.get(flag)) and not row.get("pending")


def counting_part(plan):
    """The plan less the records no figure can count (DESIGN.md: a record that matches no person, one not complete or
    not attended, and a line pending for another force never count): the same figures for less writing.

    A roster's plan is whole: its people and the records it matches again all move the figures.
    """
    if plan.kind == "college-learn":
        return dataclasses.replace(plan, records=[r for r in plan.records if _counts(r, "completed")])
    if plan.kind == "hydra":
        sessions = {key: kept for key, rows in plan.sessions.items()
                    if (kept := [r for r in rows if _counts(r, "attended")])}
        return dataclasses.replace(plan, sessions=sessions)
    return plan


def preview(plan, batch: ImportBatch | None, shown: set[str], as_of: date | None = None) -> dict | None:
    """The effect of applying `plan`, measured inside a SAVEPOINT that is rolled back; `shown`: the force codes the
    uploader may see it for. A dry run has no batch: a scratch one is made inside the savepoint."""
    if not plan.force_ids or not shown:
        return None
    as_of = as_of or today()
    before = current_entries(as_of)
    savepoint = db.session.begin_nested()
    try:
        holder = batch
        if holder is None:
            holder = ImportBatch(kind=plan.kind, filename="effect", sha256="", status="processing", options={})
            db.session.add(holder)
            db.session.flush()
        import_apply.apply(holder, counting_part(plan))
        after = _computed(as_of, plan.force_ids)
    finally:
        savepoint.rollback()
    return compare(as_of, before, after, shown)


def after_commit(before: list[dict], force_ids, shown: set[str], as_of: date | None = None) -> dict | None:
    """The effect of a batch just committed: `before` (current_entries before it) against the refreshed snapshots."""
    if not force_ids or not shown:
        return None
    as_of = as_of or today()
    after = {s.figures["entry"]["code"]: s.figures["entry"] for s in db.session.scalars(
        select(ForceSnapshot).where(ForceSnapshot.as_of == as_of, ForceSnapshot.force_id.in_(sorted(force_ids))))}
    if len(after) < len(set(force_ids)):
        after = {**_computed(as_of, force_ids), **after}
    return compare(as_of, before, after, shown)


def _figures(entry: dict) -> dict:
    return {"rank": entry.get("rank"),
            **{k: {n: entry[k][n] for n in ("relevant", "complete", "percent")} for k in PACKAGES}}


def _change(row: dict) -> tuple:
    before, after = row["before"]["overall"], row["after"]["overall"]
    points = abs((after["percent"] or 0) - (before["percent"] or 0))
    return (-points, -abs(after["complete"] - before["complete"]), row["name"].casefold())


def compare(as_of: date, before: list[dict], after: dict[str, dict], shown: set[str]) -> dict:
    """Before and after for each shown force the batch touches, ranked among all forces; the forces it changes most
    first (at most SHOWN of them), with how many it changes in all."""
    ranked_before = {e["code"]: e for e in rank_forces(before)}
    ranked_after = {e["code"]: e for e in rank_forces([{**e, **after.get(e["code"], {})} for e in before])}
    codes = [code for code in sorted(after) if code in shown and code in ranked_before]
    rows = [{"code": code, "name": ranked_before[code]["name"], "before": _figures(ranked_before[code]),
             "after": _figures(ranked_after[code])} for code in codes]
    changed = [r for r in rows if r["before"] != r["after"]]
    listed = sorted(changed, key=_change)[:SHOWN] if len(rows) > 1 else rows
    return {"as_of": as_of.isoformat(), "forces": listed, "forces_changed": len(changed),
            "ranked": sum(1 for e in ranked_after.values() if e["rank"] is not None)}
