"""Import batches: read a file, preview what it would change, commit it in one transaction, roll it back.

The flow for every kind: guard and read the file (importers, no database) -> plan the changes (import_plan)
-> refuse, preview or apply (import_apply). The boundary (view, CLI, API) commits or rolls back the session.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select, update

from importers import FileRefused, RowError
from lms import policy
from lms.audit import service as audit
from lms.extensions import db
from lms.forces.reference import role_rules
from lms.imports import apply as import_apply
from lms.imports import details, effect, error_report, mappings, reading
from lms.imports import plan as import_plan
from lms.imports import summary as summaries
from lms.imports.errors import ImportRefused
from lms.imports.progress import TwoPhases
from lms.imports.storage import clean_filename, discard_file, store_file, stored_file
from lms.models import KINDS, Force, ImportBatch, User, utcnow
from lms.reports.figures import refresh_snapshots


@dataclass
class Outcome:
    batch: ImportBatch | None
    summary: dict

    @property
    def refused(self) -> bool:
        return self.summary["status"] == "refused"


def resolve_force(force_code: str) -> Force | None:
    """The force of a batch, or None for 'all'."""
    if force_code.strip().lower() == "all":
        return None
    force = db.session.scalar(select(Force).where(Force.code == force_code.strip().lower()))
    if force is None:
        raise ImportRefused(f"No force with code '{force_code}'. Use a data.police.uk force id like 'kent', or 'all'.",
                           404)
    return force


def check_request(kind: str, force_code: str, user: User | None) -> Force | None:
    """Validate kind, force and permission; return the batch's force (None for 'all')."""
    if kind not in KINDS:
        raise ImportRefused(f"Kind must be one of {', '.join(KINDS)}, not '{kind}'")
    force = resolve_force(force_code)
    if user is not None:
        if force is not None and not policy.sees_force(user, force):
            raise ImportRefused(f"No force with code '{force_code}'", 404)
        if not policy.can_upload(user, kind, force):
            raise ImportRefused("You are not allowed to upload this kind of file for this force", 403)
    return force


def _lock_forces(force: Force | None, also: set[str] | frozenset[str] = frozenset()) -> None:
    """Serialise imports for the same force: a row lock on PostgreSQL, the write lock on SQLite.

    `also` names other forces the file writes to (Hydra delegates are credited to their own force); rows are
    locked in id order so two imports never wait on each other crosswise.
    """
    q = update(Force).values(officer_fte=Force.officer_fte)
    if force is not None:
        codes = {force.code, *also}
        ids = sorted(db.session.scalars(select(Force.id).where(Force.code.in_(codes))))
        for force_id in ids:
            db.session.execute(q.where(Force.id == force_id))
        return
    db.session.execute(q)


def _read(kind: str, data: bytes, filename: str, force: Force | None, column_map: Mapping[str, str] | None,
          progress: Callable[[int, int], None] | None) -> reading.Read:
    if not data:
        raise FileRefused("The file is empty: export it again from the source system and upload that file")
    return reading.read_upload(kind, data, filename, force, column_map=column_map, progress=progress)


def _plan(kind: str, result, force: Force | None, batch_id: int | None, progress=None,
          user: User | None = None) -> import_plan.Plan:
    if kind == "roster":
        return import_plan.plan_roster(result, force, role_rules(), progress)
    if kind == "college-learn":
        return import_plan.plan_learning(result, force, batch_id, progress)
    return import_plan.plan_hydra(result, force, batch_id, progress, uploader=user)  # cross-force rows: pending


def run_import(kind: str, data: bytes, filename: str, force_code: str, user: User | None, *,
               mode: str = "commit", strict: bool = False, confirm_leavers: bool = False, confirm_force: bool = False,
               progress: Callable[[int, int], None] | None = None, batch: ImportBatch | None = None,
               column_map: Mapping[str, str] | None = None) -> Outcome:
    """Run one upload. mode: "commit" (apply now), "preview" (store the batch to commit later), "dry_run" (store
    nothing). A refused file changes nothing; its batch row is kept (status "refused") for the audit trail, except
    in a dry run. Flushes only: the caller commits on success and must commit the refused batch row too.

    `column_map` (canonical column name -> the file's heading) is remembered for the force and that set of
    headings once the file reads with it; without it, a mapping remembered for them applies. A preview whose
    headings need mapping waits for the lead (status "mapping") instead of being refused.
    """
    force = check_request(kind, force_code, user)
    column_map = mappings.check_fields(kind, column_map) if column_map else None
    filename = clean_filename(filename)
    sha = hashlib.sha256(data).hexdigest()
    summary = summaries.start(kind, force, filename, sha)
    phases = TwoPhases(progress)
    try:
        read = _read(kind, data, filename, force, column_map, phases.read if progress else None)
    except FileRefused as exc:
        summaries.refuse_file(summary, exc, column_map, force)
        return _finish_refused(summary, kind, force, filename, sha, data, user, mode, batch)
    result = read.result

    if mode == "commit":
        _lock_forces(force, {r.force_code for r in result.rows if getattr(r, "force_code", None)})
    target = batch
    if target is None and mode != "dry_run":
        target = ImportBatch(kind=kind, force_id=force.id if force else None, filename=filename[:255], sha256=sha,
                             size_bytes=len(data), uploaded_by_id=user.id if user else None,
                             duplicate_of_id=summary["duplicate_of"], status="processing",
                             options={"strict": strict, "confirm_leavers": confirm_leavers})
        db.session.add(target)
        db.session.flush()
    plan = _plan(kind, result, force, target.id if target else None, phases.match if progress else None, user)
    all_errors = summaries.fill(summary, result, plan)
    summaries.note_mapping(summary, read)
    summary["id"] = target.id if target else None

    too_many = import_plan.leaver_share_too_high(plan) if kind == "roster" else None
    summaries.check_refusals(summary, strict=strict,
                             too_many=too_many if mode == "commit" and not confirm_leavers else None,
                             wrong_file=plan.wrong_file if mode == "commit" and not confirm_force else None)
    if summary["status"] == "refused":
        if mode == "dry_run":
            return Outcome(None, summary)
        # Undo the lock and the processing row: a refused file changes nothing.
        db.session.rollback()
        if batch is not None and batch.status == "preview":
            summary["id"] = batch.id
            return Outcome(batch, summary)  # a preview stays a preview: the lead can confirm or cancel
        return _with_report(_finish_refused(summary, kind, force, filename, sha, data, user, mode, batch),
                            all_errors)
    summaries.note_confirmations(summary, too_many, plan.wrong_file)
    if mode == "dry_run":
        summary["effect"] = effect.preview(plan, None, _shown_forces(plan, user, kind))
        return Outcome(None, summary)
    _remember(target, read, force, user, again=mode == "commit" and batch is not None)
    return _with_report(_store_or_apply(target, plan, summary, data, user, mode), all_errors)


def _with_report(outcome: Outcome, errors: list[RowError]) -> Outcome:
    """Keep every error beside the batch, for the downloadable report."""
    if outcome.batch is not None:
        outcome.batch.error_report = error_report.pack(errors)
    return outcome


def _remember(target: ImportBatch, read: reading.Read, force: Force | None, user: User | None, *,
              again: bool) -> None:
    """Remember a mapping the file was read with, and keep it on the batch so its commit reads the same way.

    `again`: the commit of a preview, whose mapping was remembered (or deleted since) when it was previewed.
    """
    if read.how == "given" and not again:
        mappings.save_columns(force, target.kind, read.result.headers, read.column_map, user, target.filename)
    target.options = {**(target.options or {}), "column_map": read.column_map}


def _shown_forces(plan: import_plan.Plan, user: User | None, kind: str) -> set[str]:
    """The forces whose change in figures the uploader is shown: those they may upload for (the CLI: every one)."""
    forces = db.session.scalars(select(Force).where(Force.id.in_(sorted(plan.force_ids))))
    return {f.code for f in forces if user is None or policy.can_upload(user, kind, f)}


def _store_or_apply(target: ImportBatch, plan: import_plan.Plan, summary: dict, data: bytes, user: User | None,
                    mode: str) -> Outcome:
    """Keep the original file and who the batch names, then either leave the batch waiting as a preview (with the
    effect its commit would have on the figures) or apply it now."""
    if target.stored_name is None:
        target.stored_name = store_file(data)
    lists = details.build(plan)  # before applying: an update's old values are the person's until then
    target.preview_details = details.pack(lists)
    summary["lists"] = details.counts(lists)
    shown = _shown_forces(plan, user, target.kind)
    if mode == "preview":
        summary["effect"] = effect.preview(plan, target, shown)
        target.status = "preview"
        target.summary = summary
        audit.record("import.previewed", user, force_id=target.force_id, target=f"batch {target.id}",
                     kind=target.kind, filename=target.filename)
        db.session.flush()
        return Outcome(target, summary)
    before = effect.current_entries() if shown else []
    import_apply.apply(target, plan, rows_written=current_app.config.get("IMPORT_ROWS_WRITTEN"))
    summary["status"] = "committed"
    target.status = "committed"
    target.committed_at = utcnow()
    refresh_snapshots(force_ids=sorted(plan.force_ids) or None)
    summary["effect"] = effect.after_commit(before, plan.force_ids, shown)
    target.summary = summary
    audit.record("import.committed", user, force_id=target.force_id, target=f"batch {target.id}", kind=target.kind,
                 filename=target.filename, rows=summary["rows"], errors=summary["error_count"])
    db.session.flush()
    return Outcome(target, summary)


def _finish_refused(summary, kind, force, filename, sha, data, user, mode, batch) -> Outcome:
    if mode == "dry_run":
        return Outcome(None, summary)
    target = batch or ImportBatch(kind=kind, force_id=force.id if force else None, filename=filename[:255],
                                  sha256=sha, size_bytes=len(data), uploaded_by_id=user.id if user else None)
    if mode == "preview" and "unresolved" not in summary and batch is not None and batch.status == "mapping":
        summary["unresolved"] = (batch.summary or {}).get("unresolved")  # a mapping that did not work: try again
    # A preview the lead can fix by saying which heading is which keeps its file and waits for them.
    waits = mode == "preview" and bool(summary.get("unresolved"))
    target.status = "mapping" if waits else "refused"
    if waits and target.stored_name is None:
        target.stored_name = store_file(data)
    if batch is None:
        db.session.add(target)
    db.session.flush()
    summary["id"] = target.id
    target.summary = summary
    audit.record("import.needs_mapping" if waits else "import.refused", user, force_id=target.force_id,
                 target=f"batch {target.id}", kind=kind, filename=filename, reason=summary.get("message"))
    db.session.flush()
    return Outcome(target, summary)


def commit_preview(batch: ImportBatch, user: User | None, *, confirm_leavers: bool = False,
                   confirm_force: bool = False) -> Outcome:
    """Commit a previewed batch: the stored file is read and planned again against today's data, then applied."""
    if batch.status != "preview":
        raise ImportRefused(f"Batch {batch.id} is {batch.status.replace('_', ' ')}, not waiting to be committed", 409)
    force_code = batch.force.code if batch.force else "all"
    return run_import(batch.kind, stored_file(batch), batch.filename, force_code, user, mode="commit",
                      strict=bool(batch.options.get("strict")), confirm_leavers=confirm_leavers,
                      confirm_force=confirm_force, batch=batch,
                      column_map=batch.options.get("column_map"))


def cancel_preview(batch: ImportBatch, user: User | None) -> None:
    """Discard a previewed batch (or one waiting for its columns to be mapped, or a background preview that failed):
    nothing was applied; the stored file is deleted."""
    if batch.status not in ("preview", "mapping", "failed"):
        raise ImportRefused(f"Batch {batch.id} is {batch.status.replace('_', ' ')}, not waiting to be committed", 409)
    batch.status = "cancelled"
    discard_file(batch.stored_name)
    batch.stored_name = None
    audit.record("import.cancelled", user, force_id=batch.force_id, target=f"batch {batch.id}")
    db.session.flush()


def rollback(batch: ImportBatch, user: User | None) -> dict:
    """Undo a committed batch so every figure returns to what it was. Flushes."""
    if batch.status != "committed":
        raise ImportRefused(f"Batch {batch.id} is {batch.status.replace('_', ' ')}: only committed batches can be "
                           "rolled back", 409)
    _lock_forces(batch.force)
    force_ids = import_apply.undo(batch)
    batch.status = "rolled_back"
    batch.rolled_back_at = utcnow()
    batch.rolled_back_by_id = user.id if user else None
    summary = dict(batch.summary or {})
    summary["status"] = "rolled_back"
    batch.summary = summary
    refresh_snapshots(force_ids=sorted(force_ids) or None)
    audit.record("import.rolled_back", user, force_id=batch.force_id, target=f"batch {batch.id}", kind=batch.kind)
    db.session.flush()
    return summary


def get_batch(batch_id: int, user: User | None) -> ImportBatch:
    """A batch the user may manage, or ImportRefused 404."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or (user is not None and not policy.can_manage_batch(user, batch)):
        raise ImportRefused(f"No import batch {batch_id}", 404)
    return batch


summary_of = summaries.summary_of


def error_report_csv(batch: ImportBatch) -> bytes:
    """Every row error of the batch as a CSV file (UTF-8 with BOM): only the headings when it had none."""
    return error_report.unpack(batch.error_report)


def upload_choices(user: User) -> list[tuple[str, str]]:
    """(code, name) of the forces this user may upload for, with "all" first when they may route rows by force."""
    forces = list(db.session.scalars(select(Force).order_by(Force.name)))
    choices = [(f.code, f.name) for f in policy.upload_forces(user, forces)]
    if policy.can_upload(user, "hydra", None):
        choices.insert(0, ("all", "All forces (each row's Force column decides)"))
    return choices
