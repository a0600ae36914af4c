"""The league table and force pages' figures: one import for both halves, which live in their own modules.

- `lms.services.report_figures`: the figures, computed set-based in a few queries (`compute_figures`,
  `unmatched_counts`, `last_uploads`, `league_table`), and the daily snapshots (`refresh_snapshots`).
- `lms.services.report_pages`: what the pages show beside them: RAG status, data-quality flags, movement,
  breakdowns, `league_page` and `force_overview`.

`lms.compliance` is the oracle: tests check the queries against it on generated data. The few private names
kept here are used by the people filters (`lms.services.people`), the tests and the benchmark.
"""

from __future__ import annotations

from lms.services.report_figures import (
    PUBLIC_KEYS,
    UPLOAD_KINDS,
    _done,
    _exempt,
    _in_population,
    _progress_subqueries,
    _snapshot_entries,
    compute_figures,
    force_entry,
    forces_with_roster,
    last_uploads,
    league_entries,
    league_table,
    local_date,
    public_entry,
    record_counts,
    refresh_snapshots,
    today,
    unmatched_counts,
    visible_force_codes,
)
from lms.services.report_pages import (
    _LEAGUE_PAGE_CACHE,
    KIND_LABELS,
    SMALL_GROUP,
    STALE_AFTER_DAYS,
    UNMATCHED_MAX,
    UNMATCHED_SHARE,
    data_quality,
    force_breakdowns,
    force_overview,
    league_page,
    month_earlier,
    movement,
    positions_on,
    rag_status,
    snapshot_version,
    sum_counts,
)

__all__ = [
    "KIND_LABELS", "PUBLIC_KEYS", "SMALL_GROUP", "STALE_AFTER_DAYS", "UNMATCHED_MAX", "UNMATCHED_SHARE",
    "UPLOAD_KINDS", "_LEAGUE_PAGE_CACHE", "_done", "_exempt", "_in_population", "_progress_subqueries",
    "_snapshot_entries", "compute_figures", "data_quality", "force_breakdowns", "force_entry",
    "force_overview", "forces_with_roster", "last_uploads", "league_entries", "league_page", "league_table",
    "local_date", "month_earlier", "movement", "positions_on", "public_entry", "rag_status", "record_counts",
    "refresh_snapshots", "snapshot_version", "sum_counts", "today", "unmatched_counts", "visible_force_codes",
]
