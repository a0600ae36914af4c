"""The import summary (CONTRACT.md's "Import summary"): its construction, its counts and the reasons a file is refused.

`lms.imports.service` runs a batch; this module says what the batch's summary holds. Every CONTRACT key keeps its
meaning; the keys added beside them say what they count: `records` (records found: a wide row holds several),
`matched_people` (the people those matched records belong to), `refusal` (why a file was refused: "file", "strict",
"force" or "leavers", so a page can word the fix for its own user).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from importers import ColumnsUnresolved, FileRefused, RowError
from lms.extensions import db
from lms.imports import error_report, reading
from lms.models import Force, ImportBatch


def _base(kind: str, force: Force | None, filename: str, sha: str, duplicate_of: int | None) -> dict:
    return {
        "id": None, "kind": kind, "force": force.code if force else "all", "status": "preview",
        "filename": filename, "sha256": sha, "duplicate_of": duplicate_of,
        "rows": 0, "accepted": 0, "skipped_other_courses": 0, "matched": 0, "unmatched": 0,
        "new_completions": 0, "people_added": 0, "people_updated": 0, "leavers": 0,
        "errors": [], "warnings": [],
    }


def duplicate_of(sha: str, kind: str, force: Force | None) -> int | None:
    """The latest committed batch of the same file, kind and force (a refused or cancelled one never counts)."""
    same_force = ImportBatch.force_id == force.id if force else ImportBatch.force_id.is_(None)
    return db.session.scalar(
        select(ImportBatch.id)
        .where(ImportBatch.sha256 == sha, ImportBatch.kind == kind, ImportBatch.status == "committed", same_force)
        .order_by(ImportBatch.id.desc())
        .limit(1)
    )


def duplicate_message(batch_id: int) -> str:
    """The warning for a file already committed."""
    return f"This exact file was already committed as batch {batch_id}"


def start(kind: str, force: Force | None, filename: str, sha: str) -> dict:
    """A new summary, with the committed batch this file repeats, if any."""
    dup = duplicate_of(sha, kind, force)
    summary = _base(kind, force, filename, sha, dup)
    if dup:
        summary["warnings"].append({"row": None, "column": None, "message": duplicate_message(dup)})
    return summary


def plan_records(plan) -> list[dict]:
    """The plan's College Learn records or Hydra delegate lines that stay with this batch's own figures.

    Rows sent to another force as pending records (`"pending": True`) are left out: the uploader learns only how many
    went where, never whether they matched anyone.
    """
    if plan.kind == "college-learn":
        rows = plan.records
    elif plan.kind == "hydra":
        rows = [r for lines in plan.sessions.values() for r in lines]
    else:
        return []
    return [r for r in rows if not r.get("pending")]


def fill(summary: dict, result, plan) -> list[RowError]:
    """Put the plan's counts and the (first 1,000) errors in the summary; returns every error.

    `accepted` counts the rows imported: not the rows with errors, and not the rows for other courses (skipped, and
    counted in `skipped_other_courses`).
    """
    errors = sorted([*result.errors, *plan.errors], key=lambda e: (e.row, e.column or ""))
    error_rows = {e.row for e in errors}
    summary.update(plan.counts)
    summary.pop("sessions", None)
    summary["rows"] = result.data_rows
    summary["accepted"] = max(result.data_rows - len(error_rows) - result.skipped_other_courses, 0)
    summary["skipped_other_courses"] = result.skipped_other_courses
    if plan.kind != "roster":
        records = plan_records(plan)
        summary["records"] = len(records)
        summary["matched_people"] = len({r["person_id"] for r in records if r.get("person_id") is not None})
    file_warnings = [w for w in summary["warnings"] if w.get("row") is None]
    error_report.bound(summary, [e.as_dict() for e in errors], file_warnings + [
        w.as_dict() for w in sorted([*result.warnings, *plan.warnings], key=lambda e: e.row)
    ])
    if plan.kind == "hydra":
        summary["sessions"] = plan.counts.get("sessions", 0)
    return errors


def refuse(summary: dict, message: str, details: list[str] | None = None, reason: str = "file") -> None:
    """Mark the summary refused with its message first among the errors.

    A refused file imports nothing, so the notice that the same file was already committed is dropped: it would
    only suggest this one was imported too.
    """
    summary["status"] = "refused"
    summary["refusal"] = reason
    summary["errors"] = [{"row": None, "column": None, "message": message}] + [
        {"row": None, "column": None, "message": d} for d in (details or [])
    ] + [e for e in summary["errors"] if e.get("row") is not None]
    if summary.get("duplicate_of"):
        notice = duplicate_message(summary["duplicate_of"])
        summary["warnings"] = [w for w in summary.get("warnings", []) if w.get("message") != notice]
    summary["message"] = message


def refuse_file(summary: dict, exc: FileRefused, column_map: Mapping[str, str] | None, force: Force | None) -> None:
    """A file refused whole; one the lead could fix by mapping its headings carries what the mapping page needs."""
    refuse(summary, exc.message, exc.details)
    summary["column_map"] = dict(column_map) if column_map else None
    if isinstance(exc, ColumnsUnresolved):
        summary["unresolved"] = reading.unresolved_of(exc, force)


def note_mapping(summary: dict, read: reading.Read) -> None:
    """Which mapping the file was read with, and the values it did not know (counted as not complete)."""
    summary["column_map"] = read.column_map
    summary["mapping"] = read.how
    summary["unknown_values"] = reading.unknown_values(read.result)


def note_confirmations(summary: dict, too_many: tuple[int, int] | None, wrong_file: str | None) -> None:
    """What the preview must have confirmed before its commit: mass leavers, a file that looks like another force's."""
    if too_many:
        summary["leavers_need_confirmation"] = True
        summary["leavers_active_before"] = too_many[1]
    if wrong_file:
        summary["force_needs_confirmation"] = True
        summary["wrong_file"] = wrong_file
        summary["warnings"].insert(0, {"row": None, "column": None, "message": wrong_file})


def check_refusals(summary: dict, *, strict: bool, too_many: tuple[int, int] | None,
                   wrong_file: str | None = None) -> None:
    """Refuse the whole file when --strict meets row errors, or, without confirmation, when it looks like another
    force's file or a roster would make over half the force leavers.

    The messages name the CLI's and the API's confirmations; the web page words its own (tick the box).
    """
    if strict and summary["errors"]:
        refuse(summary, f"The file has {summary['error_count']:,} row errors and --strict was asked for: "
                        "nothing was imported. Fix the rows listed and upload it again.", reason="strict")
    elif wrong_file:
        refuse(summary, f"{wrong_file} To go ahead, confirm it is the right file (--confirm-force, "
                        "confirm_force=true, or tick the confirmation on the preview page).", reason="force")
    elif too_many:
        n, before = too_many
        summary["leavers_active_before"] = before
        refuse(summary, f"This roster would make {n} of {before} active people leavers (more than half). "
                        "Check it is the full roster; to go ahead, confirm the leavers "
                        "(--confirm-leavers, or confirm_leavers=true).", reason="leavers")


def summary_of(batch: ImportBatch) -> dict:
    """The CONTRACT's import summary for a stored batch."""
    summary = error_report.bounded(dict(batch.summary or {}))
    summary.setdefault("id", batch.id)
    # CONTRACT.md's statuses: a file waiting for its columns to be mapped was refused as it stands.
    summary["status"] = {"processing": "preview", "mapping": "refused", "failed": "refused"}.get(batch.status,
                                                                                             batch.status)
    return summary


def errors_of(summary: dict) -> list[RowError]:
    """A stored summary's errors as RowErrors again."""
    return [RowError(e.get("row") or 0, e.get("column"), e["message"]) for e in summary.get("errors", [])]
