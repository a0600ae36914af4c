"""A lead's answers on a waiting batch: which heading is which field, and what unknown values mean; then the preview
is worked out again with them. Flushes only: the view commits.
"""

from __future__ import annotations

from collections.abc import Mapping

from lms.imports import mappings
from lms.imports.errors import ImportRefused
from lms.imports.service import Outcome, run_import
from lms.imports.storage import stored_file
from lms.models import ImportBatch, User


def _rerun(batch: ImportBatch, user: User | None, column_map: Mapping[str, str] | None) -> Outcome:
    force_code = batch.force.code if batch.force else "all"
    return run_import(batch.kind, stored_file(batch), batch.filename, force_code, user, mode="preview", batch=batch,
                      strict=bool((batch.options or {}).get("strict")), column_map=column_map)


def mapping_fields(batch: ImportBatch) -> dict | None:
    """What the mapping page shows for a batch: each field with the file's headings and their samples."""
    return (batch.summary or {}).get("unresolved")


def map_columns(batch: ImportBatch, chosen: Mapping[str, str], user: User | None) -> Outcome:
    """Preview the batch's file again with the lead's choice of heading per field (blank: let the service find it).

    ImportRefused (with `field`) for a heading chosen twice or one the file does not have; the batch stays waiting
    when the file still cannot be read, with the reader's message.
    """
    if batch.status not in ("mapping", "preview"):
        raise ImportRefused(f"Batch {batch.id} is {batch.status.replace('_', ' ')}: its columns can no longer be "
                            "changed", 409)
    unresolved = mapping_fields(batch) or {}
    headers = set(unresolved.get("headers") or [])
    fields = mappings.check_fields(batch.kind, {k: v for k, v in chosen.items() if v and v.strip()})
    by_heading: dict[str, str] = {}
    for name, heading in fields.items():
        if headers and heading not in headers:
            raise ImportRefused(f"The file has no heading '{heading}': choose one of its headings", field=name)
        if heading in by_heading:
            raise ImportRefused(f"'{heading}' is chosen for both {by_heading[heading]} and {name}: choose one "
                                "heading per field", field=name)
        by_heading[heading] = name
    if not fields:
        raise ImportRefused("Choose the heading of at least one field", field=next(iter(chosen), None))
    return _rerun(batch, user, fields)


def map_values(batch: ImportBatch, choices: Mapping[str, str], user: User | None) -> Outcome:
    """Remember what the batch's unknown values mean, for its force and kind, and preview it again with them."""
    if batch.status != "preview":
        raise ImportRefused(f"Batch {batch.id} is {batch.status.replace('_', ' ')}: it is not waiting to be "
                            "committed", 409)
    known = {u["value"] for u in (batch.summary or {}).get("unknown_values") or []}
    answered = {value: meaning for value, meaning in choices.items() if value in known and meaning}
    if not answered:
        raise ImportRefused("Say what at least one of the values means")
    mappings.save_values(batch.force, batch.kind, answered, user)
    return _rerun(batch, user, (batch.options or {}).get("column_map"))
