"""Reading an upload with what its force's lead told the service: the column mapping given now or remembered for that
set of headings, the values they mapped, and (for all-forces files) a force column that must be there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import importers
from lms.core.clock import today
from lms.forces.reference import module_aliases
from lms.imports import mappings
from lms.models import Force

Progress = Callable[[int, int], None]


@dataclass
class Read:
    """A read file and the column mapping it was read with: `how` is "given" (this request's), "remembered" (saved
    for this force and set of headings) or None (the headings spoke for themselves)."""

    result: importers.ReadResult
    column_map: dict[str, str] | None
    how: str | None


def read_upload(kind: str, data: bytes, filename: str, force: Force | None, *,
                column_map: Mapping[str, str] | None = None, progress: Progress | None = None) -> Read:
    """Read a file for a force (None: all forces), applying the given mapping, else the remembered one.

    Raises FileRefused (ColumnsUnresolved when the lead could fix it by mapping the headings).
    """
    values = mappings.value_map(force, kind)

    def read(columns: Mapping[str, str] | None) -> importers.ReadResult:
        return importers.read_file(kind, data, filename, today=today(), module_aliases=module_aliases(),
                                   progress=progress, column_map=columns or None, value_map=values or None,
                                   require_force=force is None)

    if column_map:
        return Read(read(column_map), dict(column_map), "given")
    try:
        result = read(None)
    except importers.ColumnsUnresolved as exc:
        remembered = mappings.remembered_columns(force, kind, exc.headers)
        if remembered is None:
            raise
        return Read(read(remembered), remembered, "remembered")
    # A file that reads on its own still follows a mapping its lead chose for these headings (they may have picked
    # another of two plausible columns); reading it twice costs only files that have one.
    remembered = mappings.remembered_columns(force, kind, result.headers)
    if remembered is None:
        return Read(result, None, None)
    return Read(read(remembered), remembered, "remembered")


def unresolved_of(exc: importers.ColumnsUnresolved, force: Force | None) -> dict:
    """What the mapping page needs from a refusal it can fix: the fields (the force column is needed in a file for
    all forces), the file's headings and their sample values."""
    missing = set(exc.missing)
    fields = [{"name": f.name, "required": f.required, "hint": f.hint, "missing": f.name in missing,
               "candidates": list(exc.ambiguous.get(f.name, []))}
              for f in importers.mappable_fields(exc.kind, require_force=force is None)]
    return {"kind": exc.kind, "missing": list(exc.missing), "ambiguous": dict(exc.ambiguous),
            "headers": list(exc.headers), "samples": {h: list(v)[:3] for h, v in exc.samples.items()},
            "header_row": exc.header_row, "fields": fields}


def unknown_values(result: importers.ReadResult) -> list[dict]:
    """Each status or attendance value the reader did not know, with how many rows carry it, commonest first."""
    counts = getattr(result, "unknown_values", None) or {}
    return [{"value": v, "rows": n} for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))]
