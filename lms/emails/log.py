"""The email log as admins read it: filtered by kind, status, force, period and recipient, page by page or as CSV,
with personal reminders linked to the person they went to."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select

from importers.identity import email_key
from lms import policy
from lms.core.clock import local_time
from lms.core.csv_text import csv_lines
from lms.core.paging import PAGE_SIZE, Paging
from lms.core.text import email_kind_label, email_status_label, period_label
from lms.emails.common import KINDS, PERSONAL_REMINDER
from lms.extensions import db
from lms.models import EmailLog, Force, Person, User

LOG_STATUSES = ("pending", "sent", "failed")


@dataclass
class EmailLogFilters:
    """What the log is narrowed to; a value the log does not know (an unknown kind or status) is ignored."""

    kind: str = ""
    status: str = ""
    force_code: str = ""
    period: str = ""
    recipient: str = ""  # contains, ignoring case

    def __post_init__(self) -> None:
        self.kind = self.kind if self.kind in KINDS else ""
        self.status = self.status if self.status in LOG_STATUSES else ""
        self.recipient = self.recipient.strip()

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments, for page links, the CSV link and removing one filter."""
        args = {"kind": self.kind, "status": self.status, "force": self.force_code, "period": self.period,
                "q": self.recipient}
        return {key: value for key, value in args.items() if value}

    def selected(self, force_names: dict[str, str]) -> list[tuple[str, str, str]]:
        """The filters in force as (query argument, heading, value in words), for the "Selected filters" tags."""
        chosen = [("kind", "Kind", email_kind_label(self.kind) if self.kind else ""),
                  ("status", "Status", email_status_label(self.status) if self.status else ""),
                  ("force", "Force", force_names.get(self.force_code, self.force_code)),
                  ("period", "Period", period_label(self.period)),
                  ("q", "Recipient contains", self.recipient)]
        return [(key, heading, value) for key, heading, value in chosen if value]


@dataclass
class EmailLogRow:
    """One email as the log shows it; `person_id` links a personal reminder to its person, for a viewer who may
    see them."""

    email: EmailLog
    force_name: str | None
    force_code: str | None
    person_id: int | None = None


@dataclass
class EmailLogPage:
    rows: list[EmailLogRow]
    paging: Paging

    @property
    def total(self) -> int:
        return self.paging.total


def _query(filters: EmailLogFilters) -> Select:
    query = select(EmailLog, Force.name, Force.code).outerjoin(Force, Force.id == EmailLog.force_id)
    if filters.kind:
        query = query.where(EmailLog.kind == filters.kind)
    if filters.status:
        query = query.where(EmailLog.status == filters.status)
    if filters.period:
        query = query.where(EmailLog.period == filters.period)
    if filters.force_code:
        query = query.where(Force.code == filters.force_code)
    if filters.recipient:
        query = query.where(func.lower(EmailLog.recipient).contains(filters.recipient.lower(), autoescape=True))
    return query.order_by(EmailLog.created_at.desc(), EmailLog.id.desc())


def _link_people(rows: list[EmailLogRow], viewer: User | None) -> None:
    """Personal reminders to the person with that address in that force: only for an admin, who may see anyone."""
    if viewer is None or not policy.is_admin(viewer):
        return
    wanted = [row for row in rows if row.email.kind == PERSONAL_REMINDER and row.email.force_id is not None]
    if not wanted:
        return
    keys = {email_key(row.email.recipient) for row in wanted}
    found = db.session.execute(select(Person.force_id, Person.email_key, func.min(Person.id))
                               .where(Person.email_key.in_(keys)).group_by(Person.force_id, Person.email_key)).all()
    people = {(force_id, key): person_id for force_id, key, person_id in found}
    for row in wanted:
        row.person_id = people.get((row.email.force_id, email_key(row.email.recipient)))


def email_log_page(filters: EmailLogFilters, page: int, viewer: User | None = None) -> EmailLogPage:
    """One page of the email log, newest first, PAGE_SIZE to a page (a page past the end is the last)."""
    query = _query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    paging = Paging.of(page, total, PAGE_SIZE)
    found = db.session.execute(query.limit(paging.per_page).offset(paging.offset)).all()
    rows = [EmailLogRow(email, name, code) for email, name, code in found]
    _link_people(rows, viewer)
    return EmailLogPage(rows, paging)


def log_periods() -> list[tuple[str, str]]:
    """Every period the log holds as (period, words), newest first, for the filter."""
    periods = db.session.scalars(select(EmailLog.period).distinct())
    return [(p, period_label(p)) for p in sorted(periods, key=_period_order, reverse=True)]


def _period_order(period: str) -> str:
    # "2026-05" and "2026-W18" side by side: a month sorts by its first day, a week by the Monday it begins.
    try:
        if "-W" in period:
            year, week = period.split("-W")
            return date.fromisocalendar(int(year), int(week), 1).isoformat()
        return f"{period}-01"
    except ValueError:
        return period


CSV_HEADER = ["Created", "Created (UTC, ISO 8601)", "Kind", "Kind code", "Period", "Period code", "Recipient",
              "Force", "Subject", "Status", "Attempts", "Sent", "Error"]


def email_log_csv(filters: EmailLogFilters, tz: ZoneInfo) -> Iterator[str]:
    """Every email the filters match, newest first, as CSV lines (formula-safe), read 1,000 at a time."""
    def rows():
        for email, name, _code in db.session.execute(_query(filters).execution_options(yield_per=1000)):
            yield [local_time(email.created_at, tz), email.created_at.isoformat(timespec="seconds") + "Z",
                   email_kind_label(email.kind), email.kind, period_label(email.period), email.period,
                   email.recipient, name, email.subject, email_status_label(email.status), email.attempts,
                   local_time(email.sent_at, tz), email.error]
    return csv_lines(CSV_HEADER, rows())
