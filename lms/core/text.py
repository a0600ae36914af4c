"""Text as the service writes it on pages, in emails and in exports."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import inflect


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def long_date(value: date | str | None) -> str:
    """A date (or ISO date) as people write it, "3 March 2026"; empty when there is none."""
    if not value:
        return ""
    day = _as_date(value)
    return f"{day.day} {day:%B %Y}"


def short_date(value: date | str | None) -> str:
    """A date (or ISO date) in a narrow table cell: "3 Mar 2026"."""
    if not value:
        return ""
    day = _as_date(value)
    return f"{day.day} {day:%b %Y}"


def plural(n: int, one: str, many: str) -> str:
    """``n`` with the singular or plural word: "1 email", "3 emails"."""
    return f"{n} {one if n == 1 else many}"


@lru_cache(maxsize=1)
def _inflector() -> inflect.engine:
    return inflect.engine()


def count_of(n: int, noun: str) -> str:
    """``n`` and the noun, plural when ``n`` is not 1, in the house style: "1 leaver", "3 leavers", "2 people",
    "1,200 records". The noun is given in the singular; inflect knows the irregular plurals."""
    word = noun if n == 1 else _inflector().plural_noun(noun)
    return f"{n:,} {word}"


def showing(first: int, last: int, total: int, noun: str) -> str:
    """Which rows of a paged list are on the page, in words: "Showing 1–50 of 312 events", "Showing 1 of 1 email".

    ``first`` and ``last`` count from 1; with no rows at all it says so ("No events").
    """
    if total == 0:
        return f"No {_inflector().plural_noun(noun)}"
    shown = f"{first:,}" if first == last else f"{first:,}–{last:,}"
    return f"Showing {shown} of {count_of(total, noun)}"


# --- codes as people read them -----------------------------------------------------------------------------
# Codes are what the service stores, the API returns and the CLI accepts (CONTRACT.md); pages, flash messages,
# emails and downloads for people show these words instead. An unknown code reads as its words, never as a
# code ("decision.undone" -> "Decision undone"), so a new action is readable before it has a label here.

KIND_LABELS = {"roster": "Roster", "college-learn": "College Learn export", "hydra": "Hydra register"}
# Inside a sentence: "the latest roster", "this College Learn export".
KIND_NOUNS = {"roster": "roster", "college-learn": "College Learn export", "hydra": "Hydra register"}

BATCH_STATUS_LABELS = {
    "processing": "Processing",
    "mapping": "Columns to map",
    "preview": "Preview",
    "committed": "Committed",
    "refused": "Refused",
    "rolled_back": "Rolled back",
    "cancelled": "Cancelled",
    "failed": "Failed",
}

METHOD_LABELS = {
    "staff_number": "Staff number",
    "email": "Email",
    "name": "Name (provisional)",
    "confirmed": "Confirmed by a lead",
    "dismissed": "Dismissed by a lead",
}
# After "this record was ...": "matched by staff number", "confirmed by a lead".
METHOD_PHRASES = {
    "staff_number": "matched by staff number",
    "email": "matched by email",
    "name": "matched by name (provisional: checked again when the roster changes)",
    "confirmed": "confirmed by a lead",
    "dismissed": "dismissed by a lead",
}

ROLE_LABELS = {
    "force_lead": "Force training lead",
    "regional": "ROCU OIC co-ordinator",
    "national": "MSOICU (national)",
    "admin": "Service administrator",
}

EMAIL_KIND_LABELS = {
    "league_table": "League table to chief constable",
    "leads_pack": "Monthly pack to force leads (with the overdue people)",
    "missing_chiefs": "Forces with no chief constable address (to admins)",
    "stale_data": "Stale-data reminder to force leads",
    "stale_data_no_lead": "Stale-data reminder for forces with no lead (to their ROCU and the admins)",
    "personal_reminder": "Personal reminder",
}
EMAIL_STATUS_LABELS = {"pending": "Pending", "sent": "Sent", "failed": "Failed"}

ACTION_LABELS = {
    "sign_in.succeeded": "Signed in",
    "sign_in.failed": "Sign-in failed",
    "sign_out": "Signed out",
    "user.created": "Account created",
    "user.updated": "Account changed",
    "user.deactivated": "Account deactivated",
    "user.reactivated": "Account reactivated",
    "user.password_reset": "Password reset",
    "user.unlocked": "Account unlocked",
    "token.created": "API token created",
    "token.revoked": "API token revoked",
    "import.uploaded": "File uploaded",
    "import.previewed": "Import previewed",
    "import.committed": "Import committed",
    "import.refused": "Import refused",
    "import.needs_mapping": "Import waiting for its columns",
    "import.cancelled": "Import cancelled",
    "import.rolled_back": "Import rolled back",
    "import.failed": "Import preview failed",
    "import.retried": "Import preview tried again",
    "import.mapping_saved": "Column mapping saved",
    "import.value_mapping_saved": "Value meanings saved",
    "import.mapping_deleted": "Mapping deleted",
    "unmatched.confirmed": "Unmatched records confirmed",
    "unmatched.dismissed": "Unmatched records dismissed",
    "unmatched.accepted_all": "Close suggestions accepted all at once",
    "unmatched.undone": "Unmatched records decision undone",
    "pending.accepted": "Pending records from another force accepted",
    "pending.declined": "Pending records from another force declined",
    "force.updated": "Force settings changed",
    "rule.added": "Role rule added",
    "rule.updated": "Role rule changed",
    "rule.deleted": "Role rule deleted",
    "requirement.updated": "Requirement changed",
    "due_dates.changed": "Due-date settings changed",
    "schedule.changed": "Schedule changed",
    "schedule.publish_required": "Publish step switched on or off",
    "league_table.published": "League table published",
    "emails.sent": "Emails sent",
    "emails.refused": "Emails refused",
    "chief_link.created": "Chief constable's link created",
    "chief_link.used": "Chief constable's link used",
    "chief_link.refused": "Chief constable's link refused",
    "chief_link.revoked": "Chief constable's link revoked",
    "database.backed_up": "Database backed up",
    "database.restored": "Database restored",
    "demo.loaded": "Demo data loaded",
}


def words(code: str | None) -> str:
    """A code read as words, for a code with no label of its own: "retry_failed" -> "Retry failed"."""
    text = " ".join((code or "").replace(".", " ").replace("_", " ").replace("-", " ").split())
    return text[:1].upper() + text[1:]


def kind_label(kind: str | None) -> str:
    """A kind of upload as a heading or table cell says it: "College Learn export"."""
    return KIND_LABELS.get(kind or "", words(kind))


def kind_noun(kind: str | None) -> str:
    """A kind of upload inside a sentence: "roster", "College Learn export", "Hydra register"."""
    return KIND_NOUNS.get(kind or "", words(kind).lower())


def batch_status_label(status: str | None) -> str:
    """A batch's status in words: "Rolled back", "Columns to map"."""
    return BATCH_STATUS_LABELS.get(status or "", words(status))


def method_label(method: str | None) -> str:
    """How a record was matched, as a table cell: "Staff number", "Name (provisional)", "Confirmed by a lead"."""
    if not method:
        return "Not matched"
    return METHOD_LABELS.get(method, words(method))


def method_phrase(method: str | None) -> str:
    """How a record was matched, inside a sentence: "matched by staff number", "confirmed by a lead"."""
    if not method:
        return "not matched"
    return METHOD_PHRASES.get(method, f"matched by {words(method).lower()}")


def role_label(role: str | None) -> str:
    """A user's role in words: "force_lead" -> "Force training lead"."""
    return ROLE_LABELS.get(role or "", words(role))


def email_kind_label(kind: str | None) -> str:
    """A kind of email in words: "League table to chief constable"."""
    return EMAIL_KIND_LABELS.get(kind or "", words(kind))


def email_status_label(status: str | None) -> str:
    """An email's status in words: "Sent", "Failed", "Pending"."""
    return EMAIL_STATUS_LABELS.get(status or "", words(status))


def action_label(action: str | None) -> str:
    """An audit action in words: "import.committed" -> "Import committed"."""
    return ACTION_LABELS.get(action or "", words(action))


def period_label(period: str | None) -> str:
    """An email log period in words: "2026-05" -> "May 2026", "2026-W18" -> "Week of 27 April 2026"."""
    if not period:
        return ""
    try:
        if "-W" in period:
            year, week = period.split("-W")
            return f"Week of {long_date(date.fromisocalendar(int(year), int(week), 1))}"
        year, month = period.split("-")
        return f"{date(int(year), int(month), 1):%B %Y}"
    except ValueError:
        return period
