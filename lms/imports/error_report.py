"""Row errors kept small where they are shown and complete where they are downloaded.

A 1,000,000-row roster with an error on every row once stored a 110-million-character summary: its batch page took
3.9 s on every visit and an API dry run answered with 31 MB of JSON. Summaries (stored, shown, returned by the API)
now hold the first MAX_LISTED errors and warnings with their full counts; every error is kept, gzipped, beside
the batch, and downloaded as a CSV report.
"""

from __future__ import annotations

import csv
import gzip
import io

from importers import RowError
from lms.reports.exports import safe_cell

MAX_LISTED = 1_000  # CONTRACT.md: "errors holds at most the first 1,000 row errors; error_count is the full count"


def bound(summary: dict, errors: list[dict], warnings: list[dict]) -> None:
    """Put the first MAX_LISTED errors and warnings in the summary, with how many there are in all."""
    summary["error_count"] = len(errors)
    summary["errors"] = errors[:MAX_LISTED]
    summary["warning_count"] = len(warnings)
    summary["warnings"] = warnings[:MAX_LISTED]


def bounded(summary: dict) -> dict:
    """A stored summary as pages and the API show it: batches stored before the bound are cut on the way out."""
    if len(summary.get("errors") or ()) <= MAX_LISTED and len(summary.get("warnings") or ()) <= MAX_LISTED:
        summary.setdefault("error_count", len(summary.get("errors") or ()))
        return summary
    out = dict(summary)
    bound(out, list(summary.get("errors") or ()), list(summary.get("warnings") or ()))
    return out


def pack(errors: list[RowError]) -> bytes | None:
    """Every error as a gzipped CSV (row, column, message), formula-safe; None when there are none."""
    if not errors:
        return None
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["Row", "Column", "Message"])
    for error in errors:
        writer.writerow([error.row or "", safe_cell(error.column or ""), safe_cell(error.message)])
    return gzip.compress(("\ufeff" + text.getvalue()).encode("utf-8"), compresslevel=6)


def unpack(report: bytes | None) -> bytes:
    """The CSV report's bytes (UTF-8 with a BOM, so Excel opens it right); only the headings when it had none."""
    return gzip.decompress(report) if report else "\ufeffRow,Column,Message\r\n".encode()
