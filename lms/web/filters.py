"""Template filters every page uses: dates as people write them, counts with their nouns, and codes in words."""

from __future__ import annotations

from flask import Flask

from importers import FORCES_BY_CODE
from lms.core import text
from lms.core.clock import local_date, local_time
from lms.core.paging import Paging


def without(args: dict, *keys: str) -> dict:
    """Query-string arguments less some keys: the link that removes one filter ({{ args|without('force') }})."""
    return {key: value for key, value in args.items() if key not in keys}


def local_day(moment) -> str:
    """A stored time's day in the service's zone, in words: {{ batch.committed_at|local_day }} -> "1 July 2026" (a
    commit at 23:30 UTC on 30 June was on 1 July in London)."""
    return text.long_date(local_date(moment))


def showing(paging: Paging, noun: str) -> str:
    """Which rows of a paged list this page holds: {{ result.paging|showing('event') }} -> "Showing 1–50 of 312
    events"."""
    return text.showing(paging.first, paging.last, paging.total, noun)


def force_name(code: str) -> str:
    """A force's official name from its code ("surrey" -> "Surrey Police"), for summaries that hold codes."""
    info = FORCES_BY_CODE.get(code)
    return info.name if info else code


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(text.long_date, "long_date")
    app.add_template_filter(text.short_date, "short_date")
    app.add_template_filter(text.count_of, "count_of")  # {{ n|count_of("leaver") }}
    app.add_template_filter(local_time, "local_time")  # {{ batch.created_at|local_time }}
    app.add_template_filter(local_day, "local_day")  # {{ batch.committed_at|local_day }}
    app.add_template_filter(text.kind_label, "kind_label")  # {{ batch.kind|kind_label }}: "College Learn export"
    app.add_template_filter(text.kind_noun, "kind_noun")  # inside a sentence: "roster"
    app.add_template_filter(text.batch_status_label, "status_label")  # "rolled_back" -> "Rolled back"
    app.add_template_filter(text.method_label, "method_label")  # "confirmed" -> "Confirmed by a lead"
    app.add_template_filter(text.method_phrase, "method_phrase")  # "matched by staff number"
    app.add_template_filter(text.action_label, "action_label")  # "import.committed" -> "Import committed"
    app.add_template_filter(text.role_label, "role_label")  # "force_lead" -> "Force training lead"
    app.add_template_filter(text.email_kind_label, "email_kind_label")
    app.add_template_filter(text.email_status_label, "email_status_label")
    app.add_template_filter(text.period_label, "period_label")  # "2026-05" -> "May 2026"
    app.add_template_filter(without, "without")
    app.add_template_filter(force_name, "force_name")  # {{ "surrey"|force_name }} -> "Surrey Police"
    app.add_template_filter(showing, "showing")
