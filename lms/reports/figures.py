"""Figures for the league table and force pages, computed set-based in a few queries, and the daily snapshots.

`compute_figures` works out every force's figures at once; `unmatched_counts`, `record_counts`, `last_uploads`
and `forces_with_roster` add what the pages and emails show beside them; `league_table` ranks the lot (CONTRACT.md's
object). `refresh_snapshots` stores today's figures per force, so today's table is read rather than recomputed.
`lms.compliance.rules` is the oracle: tests check these queries against it on generated data.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import func, select

from lms.compliance import sql as rules_sql
from lms.compliance.rules import DuePolicy, rank_forces
from lms.core.clock import local_date, today
from lms.extensions import db
from lms.forces import due_dates
from lms.models import (
    KINDS,
    BatchForce,
    Force,
    ForceSnapshot,
    HydraAttendance,
    ImportBatch,
    LearningRecord,
    Person,
    Region,
    utcnow,
)
from lms.reports.status import status_label


def compute_figures(as_of: date, force_ids: list[int] | None = None, due: DuePolicy | None = None) -> dict[int, dict]:
    """Compliance figures per force id as of a date: {force_id: {"elearning":…, "hydra":…, "overall":…, "modules":…}}.

    Set-based, for the whole country at once, with the rules of `lms.compliance.sql`: module completions per
    person and Hydra attendance per person (subqueries), one GROUP BY force over the relevant population joined
    to both (`rules_sql.figures_query`), and one over everyone for the exempt count (which also lists every force
    with a roster). Overdue and not-yet-due follow ``due`` (default: the current due-date settings).
    """
    due = due or due_dates.current_policy()
    p = Person
    query = rules_sql.figures_query(as_of, due, force_ids)
    exempt_q = select(p.force_id, rules_sql.total(rules_sql.exempt(as_of))).group_by(p.force_id)
    if force_ids is not None:
        exempt_q = exempt_q.where(p.force_id.in_(force_ids))
    out = {force_id: rules_sql.empty_figures(n) for force_id, n in db.session.execute(exempt_q)}
    for row in db.session.execute(query).mappings():
        force_id = row["force_id"]
        out[force_id] = rules_sql.figures_from_row(row, out.get(force_id, {}).get("exempt", 0))
    return out


def unmatched_counts(force_ids: list[int] | None = None) -> dict[int, int]:
    """Records waiting in each force's unmatched queue (neither matched nor dismissed).

    The same record in two uploads (a monthly export repeats the last one) counts once.
    """
    counts: dict[int, int] = {}
    for model in (LearningRecord, HydraAttendance):
        waiting = (
            select(model.force_id, *distinct_record_columns(model))
            .where(model.person_id.is_(None), model.dismissed.is_(False), *not_pending(model))
            .distinct()
        )
        if force_ids is not None:
            waiting = waiting.where(model.force_id.in_(force_ids))
        sub = waiting.subquery()
        for force_id, n in db.session.execute(select(sub.c.force_id, func.count()).group_by(sub.c.force_id)):
            counts[force_id] = counts.get(force_id, 0) + int(n)
    return counts


def not_pending(model) -> tuple:
    """The condition that keeps another force's pending Hydra lines (lms.pending) out of a query of `model`'s
    records: they are not the force's until accepted, and a declined one never is."""
    return (HydraAttendance.pending.is_(False),) if model is HydraAttendance else ()


def distinct_record_columns(model) -> tuple:
    """The columns that make two stored records the same record (repeated across uploads)."""
    if model is LearningRecord:
        return (model.identity_key, model.requirement_code, model.status, model.completed_on)
    return (model.identity_key, model.session_date, model.attendance)


def record_counts(force_ids: list[int] | None = None) -> dict[int, int]:
    """Every College Learn record and Hydra attendance held for each force: matched, unmatched or dismissed.

    The denominator of the unmatched share; counted from the (force_id, person_id) indexes alone.
    """
    counts: dict[int, int] = {}
    for model in (LearningRecord, HydraAttendance):
        q = select(model.force_id, func.count()).where(*not_pending(model)).group_by(model.force_id)
        if force_ids is not None:
            q = q.where(model.force_id.in_(force_ids))
        for force_id, n in db.session.execute(q):
            counts[force_id] = counts.get(force_id, 0) + int(n)
    return counts


def last_uploads(force_ids: list[int] | None = None) -> dict[int, dict[str, str | None]]:
    """The date of each force's last committed upload of each kind."""
    q = (
        select(BatchForce.force_id, ImportBatch.kind, func.max(ImportBatch.committed_at))
        .join(ImportBatch, ImportBatch.id == BatchForce.batch_id)
        .where(ImportBatch.status == "committed")
        .group_by(BatchForce.force_id, ImportBatch.kind)
    )
    if force_ids is not None:
        q = q.where(BatchForce.force_id.in_(force_ids))
    out: dict[int, dict[str, str | None]] = {}
    for force_id, kind, moment in db.session.execute(q):
        out.setdefault(force_id, dict.fromkeys(KINDS))[kind] = local_date(moment)
    return out


def forces_with_roster(force_ids: list[int] | None = None) -> set[int]:
    """Forces that have had a roster: anyone on it, active or leaver."""
    q = select(Person.force_id).distinct()
    if force_ids is not None:
        q = q.where(Person.force_id.in_(force_ids))
    return set(db.session.scalars(q))


def _force_rows(force_ids: list[int] | None = None) -> list[tuple[Force, str]]:
    q = select(Force, Region.name).join(Region, Region.id == Force.region_id).order_by(Force.name)
    if force_ids is not None:
        q = q.where(Force.id.in_(force_ids))
    return [(f, r) for f, r in db.session.execute(q)]


def computed_entries(as_of: date, force_ids: list[int] | None = None) -> list[dict]:
    """Unranked league entries (figures, data-quality counts, uploads) computed from the records, not snapshots."""
    figures = compute_figures(as_of, force_ids)
    unmatched = unmatched_counts(force_ids)
    records = record_counts(force_ids)
    uploads = last_uploads(force_ids)
    rostered = forces_with_roster(force_ids)
    entries = []
    for force, region in _force_rows(force_ids):
        fig = figures.get(force.id) or rules_sql.empty_figures()
        entries.append(
            {
                "code": force.code,
                "name": force.name,
                "region": region,
                "rank": None,
                "elearning": fig["elearning"],
                "hydra": fig["hydra"],
                "overall": fig["overall"],
                "modules": fig["modules"],
                "unmatched_records": unmatched.get(force.id, 0),
                "records": records.get(force.id, 0),
                "last_upload": uploads.get(force.id, dict.fromkeys(KINDS)),
                "has_roster": force.id in rostered,
                "exempt": fig["exempt"],
            }
        )
    return entries


PUBLIC_KEYS = ("code", "name", "region", "rank", "elearning", "hydra", "overall", "modules",
               "unmatched_records", "last_upload")


def public_entry(entry: dict) -> dict:
    """The CONTRACT's force object: exactly its keys, percents null for unranked forces."""
    out = {key: entry[key] for key in PUBLIC_KEYS}
    if entry.get("rank") is None:
        out = {**out, **{k: {**entry[k], "percent": None} for k in ("elearning", "hydra", "overall")}}
    return out


def league_table(as_of: date | None = None, *, use_snapshots: bool = True) -> dict:
    """The national league table (CONTRACT.md's object), in rank order, unranked forces last.

    For today, fresh snapshots (refreshed after every commit and rollback) answer without recomputing.
    """
    as_of = as_of or today()
    entries = snapshot_entries(as_of) if use_snapshots else None
    if entries is None:
        entries = computed_entries(as_of)
    ranked = rank_forces(entries)
    deadline = current_app.config["DEADLINE"]
    return {
        "as_of": as_of.isoformat(),
        "deadline": deadline.isoformat(),
        # "status": the band's words as pages and emails show them (lms.reports.status), e.g. "Behind, overdue
        # since 30 April 2026".
        "forces": [{**public_entry(e), "status": status_label(e, as_of, deadline)} for e in ranked],
    }


def league_entries(as_of: date | None = None) -> list[dict]:
    """Ranked entries with the internal fields too (has_roster, exempt), for pages and emails."""
    as_of = as_of or today()
    entries = snapshot_entries(as_of) or computed_entries(as_of)
    return rank_forces(entries)


def force_entry(force: Force, as_of: date | None = None) -> dict:
    """One force's object as in the league table, with its national rank."""
    table = league_table(as_of)
    for entry in table["forces"]:
        if entry["code"] == force.code:
            return entry
    raise LookupError(force.code)


def snapshot_entries(as_of: date) -> list[dict] | None:
    """Today's entries as `refresh_snapshots` stored them; None unless ``as_of`` is today and all are fresh."""
    if as_of != today():
        return None
    rows = list(db.session.scalars(select(ForceSnapshot).where(ForceSnapshot.as_of == as_of)))
    forces = db.session.scalar(select(func.count()).select_from(Force))
    # A snapshot taken under other due-date settings (or before there were any) has other overdue counts.
    due = due_dates.current_policy().as_dict()
    if len(rows) != forces or any(not r.figures.get("fresh", False) or r.figures.get("due") != due for r in rows):
        return None
    return [r.figures["entry"] for r in rows]


def refresh_snapshots(as_of: date | None = None, force_ids: list[int] | None = None) -> int:
    """Store today's figures per force (one row per force per day, updated in place). Flushes.

    Each snapshot records the due-date settings it was computed under; when the day's other snapshots followed
    other settings, a refresh for some forces refreshes them all, so the day's table is never a mixture.
    """
    as_of = as_of or today()
    due = due_dates.current_policy().as_dict()
    existing = {
        s.force_id: s
        for s in db.session.scalars(select(ForceSnapshot).where(ForceSnapshot.as_of == as_of))
    }
    if force_ids is not None and any(s.figures.get("due") != due for s in existing.values()):
        force_ids = None  # the day's other snapshots follow other due-date settings: bring them all up to date
    entries = {e["code"]: e for e in computed_entries(as_of, force_ids)}
    forces = {f.code: f for f, _ in _force_rows(force_ids)}
    for code, entry in entries.items():
        force = forces[code]
        snap = existing.get(force.id)
        figures = {"fresh": True, "entry": entry, "due": due}
        if snap is None:
            db.session.add(ForceSnapshot(force_id=force.id, as_of=as_of, figures=figures))
        else:
            snap.figures = figures
            snap.taken_at = utcnow()
    db.session.flush()
    return len(entries)


# Today's snapshots hold overdue and not-yet-due counts under the settings they were taken with: recompute them all
# when an admin changes the settings, in the same transaction.
due_dates.after_save(refresh_snapshots)


def visible_force_codes(user) -> set[str]:
    """Codes of the forces whose pages this user may open."""
    from lms import policy

    return {f.code for f, _ in _force_rows() if policy.sees_force(user, f)}
