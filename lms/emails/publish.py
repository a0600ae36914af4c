"""The publish step: MSOICU fixes the table a month's league-table emails use, until the first of them goes.

A table can be published for this month or next; once any of that month's emails has been sent (or is being
sent) it can no longer change, so every chief constable gets the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from lms.audit import service as audit
from lms.core.clock import month_label, month_period
from lms.core.text import long_date
from lms.emails.common import LEAGUE_TABLE, EmailRefused
from lms.emails.league import published_table
from lms.extensions import db
from lms.models import EmailLog, PublishedTable, ScheduleSetting, User, utcnow
from lms.reports import figures as report_figures

# Stored as a ScheduleSetting row with an empty cron: `enabled` says whether the month's table must be
# published by MSOICU before the scheduled league-table emails may use it.
PUBLISH_REQUIRED = "publish_required"


@dataclass(slots=True)
class PublishState:
    """One month's table: published (by whom) or not, and whether its emails have started going (then it is fixed)."""

    period: str
    row: PublishedTable | None
    sent: int
    published_by: str | None = None  # the publisher's email; None when stored automatically or unknown

    @property
    def locked(self) -> bool:
        """True once any of the month's emails has gone (or is going): its table can no longer change."""
        return self.sent > 0

    @property
    def choice_label(self) -> str:
        """The month as the Publish page offers it, saying whether and how its table can still change."""
        label = month_label(self.period)
        if self.locked:
            return f"{label}: emails already sent, so its table can no longer change"
        if self.row is not None:
            return f"{label}: replace the table published as of {long_date(self.row.as_of)}"
        return f"{label}: not published yet"


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def publish_states(on: date) -> list[PublishState]:
    """This month and next: the two months whose emails a table published today could be for."""
    out = []
    for period in (month_period(on), month_period(_next_month(on))):
        sent = db.session.scalar(
            select(func.count()).select_from(EmailLog).where(
                EmailLog.kind == LEAGUE_TABLE, EmailLog.period == period, EmailLog.status.in_(("sent", "pending")))
        )
        row = published_table(period)
        publisher = db.session.get(User, row.published_by_id) if row and row.published_by_id else None
        out.append(PublishState(period, row, int(sent or 0), publisher.email if publisher else None))
    return out


def default_period(states: list[PublishState]) -> str:
    """The month the Publish page preselects: the first whose emails have not gone."""
    return next((s.period for s in states if not s.locked), states[-1].period)


def check_period(period: str, on: date) -> PublishState:
    """The state of the month chosen on the Publish page; refused when it is not a choice or its emails went."""
    state = next((s for s in publish_states(on) if s.period == period), None)
    if state is None:
        raise EmailRefused(f"A table published today can only be for {month_label(month_period(on))} "
                           f"or {month_label(month_period(_next_month(on)))}")
    if state.locked:
        raise EmailRefused(f"The {month_label(period)} league tables have already been sent, so their table can no "
                           "longer change")
    return state


def publish_warnings(period: str, on: date) -> list[str]:
    """What MSOICU should know before publishing today's table for `period` (the check-your-answers page)."""
    states = {s.period: s for s in publish_states(on)}
    current = month_period(on)
    out = []
    if period != current:
        if states[current].locked:
            out.append(f"The {month_label(current)} emails have already gone"
                       + (f", with the table as of {long_date(states[current].row.as_of)}"
                          if states[current].row else "") + ".")
        out.append(f"{month_label(period)} is not the current month: its emails will use today's figures "
                   f"({long_date(on)}), not the figures on the day they are sent. Publish again nearer the time "
                   "to use later figures.")
    row = states[period].row
    if row is not None:
        out.append(f"This replaces the {month_label(period)} table published as of {long_date(row.as_of)}.")
    return out


def publish_table(period: str, on: date, actor: User | None = None) -> PublishedTable:
    """Publish today's table as the one `period`'s league-table emails use. Flushes; the caller commits.

    Refused once any of that month's emails has gone: every chief constable gets the same table.
    """
    state = check_period(period, on)
    table = report_figures.league_table(on)
    row = state.row
    if row is None:
        row = PublishedTable(period=period, as_of=on, data=table)
        db.session.add(row)
    row.as_of, row.data, row.published_at = date.fromisoformat(table["as_of"]), table, utcnow()
    row.published_by_id = actor.id if actor is not None else None
    db.session.flush()
    audit.record("league_table.published", actor, target=period, period=period, as_of=table["as_of"])
    return row


def publish_required() -> bool:
    """Whether the scheduled league-table emails wait for MSOICU to publish the month's table."""
    row = db.session.get(ScheduleSetting, PUBLISH_REQUIRED)
    return bool(row and row.enabled)


def set_publish_required(required: bool, actor: User | None = None, actor_name: str | None = None) -> None:
    """Switch the publish step on or off. Flushes; the caller commits."""
    row = db.session.get(ScheduleSetting, PUBLISH_REQUIRED)
    before = bool(row and row.enabled)
    if row is None:
        row = ScheduleSetting(job_id=PUBLISH_REQUIRED, cron="", enabled=required)
        db.session.add(row)
    row.enabled = required
    row.updated_by_id = actor.id if actor else None
    db.session.flush()
    audit.record("schedule.publish_required", actor, actor=actor_name, target=PUBLISH_REQUIRED, before=before,
                 after=required)

