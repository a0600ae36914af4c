"""What every email module shares: the kinds of email, the house style, dates and links, and the shape of a run.

A run plans emails (`Planned`, each rendered only when it is sent), delivers them through
`lms.emails.delivery.deliver` and reports what became of each (`Outcome`, `RunReport`). The league-table,
reminder and publishing modules build on this one; none of them depends on `lms.emails.delivery`, which puts
them together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from werkzeug.routing import BuildError

from lms.core.text import EMAIL_KIND_LABELS, plural
from lms.emails.mailer import OutgoingEmail
from lms.extensions import db
from lms.models import Requirement

LEAGUE_TABLE = "league_table"
MISSING_CHIEFS = "missing_chiefs"
STALE_DATA = "stale_data"
PERSONAL_REMINDER = "personal_reminder"
LEADS_PACK = "leads_pack"
STALE_DATA_NO_LEAD = "stale_data_no_lead"
KINDS = (LEAGUE_TABLE, MISSING_CHIEFS, STALE_DATA, PERSONAL_REMINDER, LEADS_PACK, STALE_DATA_NO_LEAD)
KIND_LABELS = EMAIL_KIND_LABELS  # the words for each kind, shared with the log and the audit (lms.core.text)

# Inline styles: Outlook and most webmail ignore <style> blocks. GOV.UK colours, a plain one-column layout.
FONT = "font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;"
STYLES = {
    "body": "margin:0;padding:0;background-color:#ffffff;",
    "header": "font-family:Arial,Helvetica,sans-serif;background-color:#0b0c0c;color:#ffffff;font-size:20px;"
              "font-weight:bold;padding:14px 20px;",
    "main": FONT + "padding:20px;font-size:16px;line-height:1.5;",
    "footer": "font-family:Arial,Helvetica,sans-serif;padding:16px 20px;font-size:14px;line-height:1.5;"
              "color:#505a5f;border-top:1px solid #b1b4b6;",
    "small": "font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;color:#505a5f;margin:0;",
    "h1": FONT + "font-size:24px;font-weight:bold;line-height:1.25;margin:0 0 16px 0;",
    "h2": FONT + "font-size:20px;font-weight:bold;line-height:1.3;margin:24px 0 8px 0;",
    "p": FONT + "font-size:16px;line-height:1.5;margin:0 0 16px 0;",
    "lead": FONT + "font-size:19px;font-weight:bold;line-height:1.4;margin:0 0 16px 0;",
    "ul": FONT + "font-size:16px;line-height:1.5;margin:0 0 16px 0;padding-left:20px;",
    "li": "margin:0 0 4px 0;",
    "a": "color:#1d70b8;text-decoration:underline;",
    "inset": FONT + "font-size:16px;line-height:1.5;margin:0 0 16px 0;padding:12px 16px;border-left:5px solid #b1b4b6;",
    "table": FONT + "border-collapse:collapse;width:100%;font-size:14px;margin:0 0 16px 0;",
    "caption": FONT + "font-size:16px;font-weight:bold;text-align:left;padding:0 0 8px 0;",
    "th": FONT + "text-align:left;padding:6px 8px;border-bottom:2px solid #0b0c0c;font-weight:bold;",
    "thn": FONT + "text-align:right;padding:6px 8px;border-bottom:2px solid #0b0c0c;font-weight:bold;",
    "td": FONT + "text-align:left;padding:6px 8px;border-bottom:1px solid #b1b4b6;",
    "tdn": FONT + "text-align:right;padding:6px 8px;border-bottom:1px solid #b1b4b6;",
    "own": "background-color:#fff7bf;font-weight:bold;",
    # A link drawn as a GOV.UK start button: green, white bold text, 19px, a shadow line below.
    "button": "display:inline-block;font-family:Arial,Helvetica,sans-serif;font-size:19px;font-weight:bold;"
              "line-height:1.3;color:#ffffff;background-color:#00703c;padding:8px 12px;text-decoration:none;"
              "border-bottom:2px solid #002d18;",
}


class EmailRefused(Exception):
    """The run cannot go ahead (e.g. the month's table is not published); nothing was sent. The message says why."""


# --- links ---------------------------------------------------------------------------------










def external_url(endpoint: str, fallback_path: str, **values: object) -> str:
    """An absolute link for an email, built on LMS_BASE_URL (there is no request to take the host from)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http")
    try:
        return adapter.build(endpoint, values, force_external=True)
    except BuildError:
        return base + fallback_path




# --- the run: plans, outcomes and its report --------------------------------------------------------------------


@dataclass(slots=True)
class Planned:
    """An email a run means to send. `render` builds it only when it is actually sent."""

    kind: str
    period: str
    recipient: str
    subject: str
    force_id: int | None
    render: Callable[[], OutgoingEmail]

    @property
    def key(self) -> tuple[str, str, str]:
        """The email log's unique key: (kind, period, recipient)."""
        return (self.kind, self.period, self.recipient)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one planned email in a run; `error` says why it failed."""

    action: str  # "would send", "sent", "failed", "already sent", "pending"
    kind: str
    period: str
    recipient: str
    subject: str
    error: str | None = None


@dataclass(slots=True)
class RunReport:
    """What a run did (or, dry, would do): one outcome per email, and notes about what could not be planned."""

    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        """How many of the run's emails ended with ``action``."""
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def failed(self) -> int:
        """How many of the run's emails failed."""
        return self.count("failed")

    def extend(self, other: RunReport) -> None:
        """Add another run's outcomes and notes to this one."""
        self.outcomes.extend(other.outcomes)
        self.notes.extend(other.notes)

    def summary(self) -> str:
        """One sentence on what the run sent (or would send), what failed and what it skipped."""
        already = self.count("already sent")
        pending = self.count("pending")
        tail = []
        if already:
            tail.append(f"{already} already sent this period")
        if pending:
            tail.append(f"{pending} left pending by an interrupted run (may have gone; not resent)")
        if self.dry_run:
            head = f"Dry run: {plural(self.count('would send'), 'email', 'emails')} would be sent"
            return head + (f" ({'; '.join(tail)})" if tail else "") + ". Nothing was sent or logged."
        sent, failed = self.count("sent"), self.failed
        if not sent and not failed:
            return "Nothing to send" + (f": {'; '.join(tail)}." if tail else ".")
        parts = [f"Sent {plural(sent, 'email', 'emails')}"]
        if failed:
            parts.append(f"{failed} failed and will be retried at the next run")
        return "; ".join(parts + tail) + "."


# --- shared content ------------------------------------------------------------------------------------------


def module_titles() -> dict[str, str]:
    """Each requirement's title by code, in order."""
    return {r.code: r.title for r in db.session.scalars(select(Requirement).order_by(Requirement.position))}
