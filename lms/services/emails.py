"""The emails the service sends, and the log that stops any of them going twice.

- `league_table`: each month, to each force's chief constable: the force's figures, its rank, the change since
  the last report, what is outstanding (counts only, never names), the deadline, a link, the national table
  and the table as .xlsx. Forces with no chief constable address are listed to the admins (`missing_chiefs`).
- `stale_data`: each ISO week, to a force's leads when its last College Learn or Hydra upload is over 30 days old.
- `personal_reminder`: in forces that opted in, to each relevant person with an email who is not compliant,
  at most once every 14 days, listing what they still have to do. Never to leavers or exempt people.

Every email goes through `deliver`: a row in `email_log` (unique per kind, period and recipient) is committed as
`pending` before the SMTP conversation and marked `sent` or `failed` after it (indico's pattern), so a run
repeated in the same period sends nothing twice, and a failure for one recipient is kept for the next run
without stopping the others. `deliver` commits for that reason: each email is its own unit of work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import BuildError

from lms import policy
from lms.extensions import db
from lms.models import EmailLog, Force, PublishedTable, Requirement, User, utcnow
from lms.services import audit, exports, people, reports
from lms.services.mailer import XLSX, Attachment, Mailer, MailError, OutgoingEmail, render_parts

log = logging.getLogger(__name__)

LEAGUE_TABLE = "league_table"
MISSING_CHIEFS = "missing_chiefs"
STALE_DATA = "stale_data"
PERSONAL_REMINDER = "personal_reminder"
KINDS = (LEAGUE_TABLE, MISSING_CHIEFS, STALE_DATA, PERSONAL_REMINDER)
KIND_LABELS = {
    LEAGUE_TABLE: "League table to chief constable",
    MISSING_CHIEFS: "Forces with no chief constable address (to admins)",
    STALE_DATA: "Stale-data reminder to force leads",
    PERSONAL_REMINDER: "Personal reminder",
}

STALE_AFTER_DAYS = 30
PERSONAL_INTERVAL_DAYS = 14
# The hourly retry job gives up on an address after this many attempts; a manual run always tries again.
MAX_AUTO_ATTEMPTS = 5

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
}


class EmailRefused(Exception):
    """The run cannot go ahead (e.g. the month's table is not published); nothing was sent. The message says why."""


# --- periods, dates and links ---------------------------------------------------------------------------------


def month_period(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def week_period(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def month_label(period: str) -> str:
    year, month = (int(part) for part in period.split("-"))
    return date(year, month, 1).strftime("%B %Y")


def long_date(day: date | str | None) -> str:
    if day is None:
        return "never"
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.day} {day:%B %Y}"


def external_url(endpoint: str, fallback_path: str, **values: object) -> str:
    """An absolute link for an email, built on LMS_BASE_URL (there is no request to take the host from)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http")
    try:
        return adapter.build(endpoint, values, force_external=True)
    except BuildError:
        return base + fallback_path


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --- the run: plans, outcomes and the log -----------------------------------------------------------------------


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
        return (self.kind, self.period, self.recipient)


@dataclass(frozen=True, slots=True)
class Outcome:
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
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def failed(self) -> int:
        return self.count("failed")

    def extend(self, other: RunReport) -> None:
        self.outcomes.extend(other.outcomes)
        self.notes.extend(other.notes)

    def summary(self) -> str:
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


def _existing(plans: list[Planned]) -> dict[tuple[str, str, str], EmailLog]:
    out: dict[tuple[str, str, str], EmailLog] = {}
    by_kind_period: dict[tuple[str, str], list[str]] = {}
    for plan in plans:
        by_kind_period.setdefault((plan.kind, plan.period), []).append(plan.recipient)
    for (kind, period), recipients in by_kind_period.items():
        for start in range(0, len(recipients), 500):
            rows = db.session.scalars(
                select(EmailLog).where(EmailLog.kind == kind, EmailLog.period == period,
                                       EmailLog.recipient.in_(recipients[start:start + 500]))
            )
            out.update({(r.kind, r.period, r.recipient): r for r in rows})
    return out


def _claim(plan: Planned, row: EmailLog | None) -> EmailLog | None:
    """Commit the log row as pending before sending; None when another run holds it already."""
    if row is None:
        row = EmailLog(kind=plan.kind, period=plan.period, recipient=plan.recipient, force_id=plan.force_id,
                       subject=plan.subject[:300], status="pending", attempts=0)
        db.session.add(row)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return None
        return row
    claimed = db.session.execute(
        update(EmailLog)
        .where(EmailLog.id == row.id, EmailLog.status == "failed")
        .values(status="pending", subject=plan.subject[:300])
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return None
    db.session.refresh(row)
    return row


def _finish(row_id: int, error: str | None) -> None:
    row = db.session.get(EmailLog, row_id)
    row.attempts = (row.attempts or 0) + 1
    if error is None:
        row.status, row.sent_at, row.error = "sent", utcnow(), None
    else:
        row.status, row.error = "failed", error[:2000]
    db.session.commit()


def deliver(plans: list[Planned], *, dry_run: bool = False, only_failed: bool = False) -> RunReport:
    """Send each planned email once per (kind, period, recipient); commits each log row (see the module docstring).

    `only_failed` retries this period's failures that have had fewer than MAX_AUTO_ATTEMPTS attempts and
    nothing else. A dry run reads the log but writes nothing and sends nothing.
    """
    report = RunReport(dry_run=dry_run)
    existing = _existing(plans) if plans else {}
    mailer: Mailer | None = None
    try:
        for plan in plans:
            row = existing.get(plan.key)
            outcome = dict(kind=plan.kind, period=plan.period, recipient=plan.recipient, subject=plan.subject)
            if row is not None and row.status in ("sent", "pending"):
                report.outcomes.append(Outcome("already sent" if row.status == "sent" else "pending", **outcome))
                continue
            if only_failed and (row is None or (row.attempts or 0) >= MAX_AUTO_ATTEMPTS):
                continue
            if dry_run:
                report.outcomes.append(Outcome("would send", **outcome))
                continue
            claimed = _claim(plan, row)
            if claimed is None:
                report.outcomes.append(Outcome("already sent", **outcome))
                continue
            row_id = claimed.id
            mailer = mailer or Mailer()
            try:
                mailer.send(plan.render())
            except Exception as exc:  # noqa: BLE001 - one bad email (SMTP or rendering) must not stop the others
                db.session.rollback()
                if isinstance(exc, MailError):
                    error = str(exc)
                else:
                    log.exception("Email log %s: could not prepare the email", row_id)
                    error = f"Could not prepare the email: {type(exc).__name__}: {exc}"
                # The log id, not the address: addresses of individuals stay out of application logs.
                log.warning("Email log %s (%s %s) failed: %s", row_id, plan.kind, plan.period, error)
                _finish(row_id, error)
                report.outcomes.append(Outcome("failed", error=error, **outcome))
            else:
                _finish(row_id, None)
                report.outcomes.append(Outcome("sent", **outcome))
    finally:
        if mailer is not None:
            mailer.close()
    return report


def _record_run(report: RunReport, kind: str, period: str, actor: User | None, actor_name: str | None) -> None:
    if report.dry_run or not (report.count("sent") or report.failed):
        return
    audit.record("emails.sent", actor, actor=actor_name, target=f"{kind} {period}", kind=kind, period=period,
                 sent=report.count("sent"), failed=report.failed, already_sent=report.count("already sent"))


def _has_retryable(kinds: tuple[str, ...], period: str) -> bool:
    return bool(db.session.scalar(
        select(func.count()).select_from(EmailLog).where(
            EmailLog.kind.in_(kinds), EmailLog.period == period, EmailLog.status == "failed",
            EmailLog.attempts < MAX_AUTO_ATTEMPTS,
        )
    ))


# --- league tables ------------------------------------------------------------------------------------------


def published_table(period: str) -> PublishedTable | None:
    return db.session.scalar(select(PublishedTable).where(PublishedTable.period == period))


def month_table(period: str, on: date, *, store: bool, require_published: bool) -> tuple[dict, PublishedTable | None]:
    """The league table a month's emails use: the published one, or (publishing not required) today's figures.

    With `store`, today's figures are kept (committed) as the month's table so every email of the month (and
    retries, and next month's comparison) uses the same numbers. Raises EmailRefused when publishing is required
    and missing.
    """
    row = published_table(period)
    if row is not None:
        return row.data, row
    if require_published:
        url = external_url("schedules.publish", "/publish")
        raise EmailRefused(
            f"The league table for {month_label(period)} has not been published. Publishing is switched on, "
            f"so no league-table email was sent: MSOICU publishes it on the Publish page ({url})."
        )
    table = reports.league_table(on)
    if not store:
        return table, None
    row = PublishedTable(period=period, as_of=date.fromisoformat(table["as_of"]), data=table, published_by_id=None)
    db.session.add(row)
    try:
        # Committed before any email of the month goes, like the log rows in `deliver`.
        db.session.commit()
    except IntegrityError:
        # Another run stored the month's table a moment ago: use theirs, so every chief gets the same numbers.
        db.session.rollback()
        row = published_table(period)
        return row.data, row
    return table, row


def _entry(table: dict, code: str) -> dict | None:
    return next((f for f in table["forces"] if f["code"] == code), None)


def previous_report(force: Force, period: str) -> tuple[str, dict] | None:
    """The period and table of the last league-table email this force's chief was actually sent, before `period`."""
    prior = db.session.scalar(
        select(EmailLog.period)
        .where(EmailLog.kind == LEAGUE_TABLE, EmailLog.force_id == force.id, EmailLog.status == "sent",
               EmailLog.period < period)
        .order_by(EmailLog.period.desc())
        .limit(1)
    )
    if prior is None:
        return None
    row = published_table(prior)
    if row is None:
        return None
    return prior, row.data


def _percent(counts: dict) -> str:
    if counts["percent"] is None:
        return "no one recorded as needing it"
    return f"{counts['percent']:.1f}% ({counts['complete']} of {plural(counts['relevant'], 'person', 'people')})"


def _short(counts: dict) -> str:
    return "-" if counts["percent"] is None else f"{counts['percent']:.1f}%"


def _change(label: str, now: dict, before: dict) -> str:
    if now["percent"] is None or before["percent"] is None:
        if now["percent"] is None:
            return f"{label}: no figure this month"
        return f"{label}: {now['percent']:.1f}% (no figure last time)"
    diff = Decimal(str(now["percent"])) - Decimal(str(before["percent"]))
    if diff == 0:
        return f"{label}: unchanged at {now['percent']:.1f}%"
    direction = "up" if diff > 0 else "down"
    points = abs(diff)
    return (f"{label}: {direction} {points:.1f} percentage {'point' if points == 1 else 'points'}, "
            f"from {before['percent']:.1f}% to {now['percent']:.1f}%")


def _rank_change(now: int | None, before: int | None) -> str:
    if now is None:
        return "Rank: not ranked" + (f" (ranked {before} last time)" if before is not None else ", as last time")
    if before is None:
        return f"Rank: now ranked {now} (not ranked last time)"
    if now == before:
        return f"Rank: unchanged at {now}"
    moved = abs(before - now)
    return f"Rank: {'up' if now < before else 'down'} {plural(moved, 'place', 'places')}, from {before} to {now}"


def _module_titles() -> dict[str, str]:
    return {r.code: r.title for r in db.session.scalars(select(Requirement).order_by(Requirement.position))}


def _deadline_text(deadline: date, as_of: date) -> str:
    days = (deadline - as_of).days
    if days > 0:
        return (f"The recommendations are due by {long_date(deadline)}: "
                f"{plural(days, 'day', 'days')} from these figures.")
    if days == 0:
        return f"The recommendations are due today, {long_date(deadline)}."
    return (f"The recommendations were due by {long_date(deadline)}, {plural(-days, 'day', 'days')} before these "
            "figures: any training still outstanding is overdue.")


def league_email_context(force: Force, table: dict, period: str, previous: tuple[str, dict] | None) -> dict:
    """Everything the league-table templates show, worked out here so the text and HTML parts say the same."""
    entry = _entry(table, force.code)
    if entry is None:
        raise LookupError(f"{force.code} is not in the league table")
    total = len(table["forces"])
    as_of = date.fromisoformat(table["as_of"])
    deadline = date.fromisoformat(table["deadline"])
    titles = _module_titles()

    figures = [
        ("Overall (all the training required of each person)", _percent(entry["overall"])),
        ("E-learning (all four College Learn modules)", _percent(entry["elearning"])),
        ("Hydra (an immersive session attended)", _percent(entry["hydra"])),
    ]
    outstanding = []
    el, hy, ov = entry["elearning"], entry["hydra"], entry["overall"]
    if ov["relevant"]:
        outstanding.append(f"{plural(ov['relevant'] - ov['complete'], 'person has', 'people have')} not yet done "
                           "all the training required of them")
    modules = []
    if el["relevant"]:
        outstanding.append(f"{plural(el['relevant'] - el['complete'], 'person has', 'people have')} not finished "
                           "the four e-learning modules")
        for n, (code, done) in enumerate(entry["modules"].items(), start=1):
            left = el["relevant"] - done
            modules.append(f"Module {n} ({titles.get(code, code)}): "
                           + (f"{plural(left, 'person', 'people')} still to do it" if left else "done by everyone"))
    if hy["relevant"]:
        outstanding.append(f"{plural(hy['relevant'] - hy['complete'], 'person has', 'people have')} not attended "
                           "a Hydra session")
    unmatched = entry["unmatched_records"]
    unmatched_text = (
        f"{plural(unmatched, 'training record', 'training records')} could not be matched to anyone on your "
        "roster, so may be missing from these figures; your force's training lead can resolve "
        f"{'it' if unmatched == 1 else 'them'}." if unmatched else None
    )

    movement = None
    previous_label = None
    if previous is not None:
        prev_period, prev_table = previous
        before = _entry(prev_table, force.code)
        if before is not None:
            previous_label = f"{month_label(prev_period)}, figures as of {long_date(prev_table['as_of'])}"
            movement = [
                _rank_change(entry["rank"], before["rank"]),
                _change("Overall", entry["overall"], before["overall"]),
                _change("E-learning", entry["elearning"], before["elearning"]),
                _change("Hydra", entry["hydra"], before["hydra"]),
            ]

    national = [
        {
            "rank": "-" if f["rank"] is None else str(f["rank"]),
            "name": f["name"],
            "overall": _short(f["overall"]),
            "elearning": _short(f["elearning"]),
            "hydra": _short(f["hydra"]),
            "own": f["code"] == force.code,
        }
        for f in table["forces"]
    ]
    if entry["rank"] is None:
        position = (f"{force.name} is not ranked: it has not yet uploaded a roster showing who needs this "
                    "training.")
    else:
        tied = sum(1 for f in table["forces"] if f["rank"] == entry["rank"]) > 1
        position = f"{force.name} is ranked {entry['rank']} of {total} forces{' (tied)' if tied else ''}."
    return {
        "force": force,
        "salutation": f"Dear {force.chief_name}," if force.chief_name else "Dear Chief Constable,",
        "month": month_label(period),
        "as_of": long_date(as_of),
        "position": position,
        "figures": figures,
        "outstanding": outstanding,
        "modules": modules,
        "unmatched": unmatched_text,
        "movement": movement,
        "previous_label": previous_label,
        "deadline": _deadline_text(deadline, as_of),
        "force_url": external_url("reports.force_page", f"/forces/{force.code}", code=force.code),
        "national": national,
        "attachment_name": attachment_name(period),
        "total": total,
        "s": STYLES,
    }


def attachment_name(period: str) -> str:
    return f"oic-league-table-{period}.xlsx"


def league_subject(force: Force, table: dict, period: str) -> str:
    entry = _entry(table, force.code) or {"rank": None}
    where = f"ranked {entry['rank']} of {len(table['forces'])}" if entry["rank"] is not None else "not ranked"
    return f"{force.name}: OIC training compliance, {month_label(period)} ({where})"


def render_league_email(force: Force, table: dict, period: str, *, xlsx: bytes | None = None,
                        to: str | None = None) -> OutgoingEmail:
    """The league-table email for one force's chief constable (also the admin's preview)."""
    context = league_email_context(force, table, period, previous_report(force, period))
    subject = league_subject(force, table, period)
    text, html = render_parts("league_table", subject=subject, **context)
    data = xlsx if xlsx is not None else exports.to_xlsx(table)
    return OutgoingEmail(to=to or force.chief_email or "", subject=subject, text=text, html=html,
                         attachments=[Attachment(attachment_name(period), XLSX, data)])


def _admins() -> list[User]:
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.email))
    return [u for u in users if policy.is_admin(u)]


def _missing_chiefs_email(forces: list[Force], period: str, to: str, subject: str) -> OutgoingEmail:
    text, html = render_parts(
        "missing_chiefs", subject=subject, month=month_label(period),
        forces=[{"name": f.name, "code": f.code} for f in forces],
        settings_url=external_url("admin.forces_list", "/admin/forces", missing="1"),
        send_url=external_url("schedules.send_now", "/admin/emails/send"), s=STYLES,
    )
    return OutgoingEmail(to=to, subject=subject, text=text, html=html)


def league_table_plans(table: dict, period: str, forces: list[Force], *, notify_admins: bool) -> tuple[
        list[Planned], list[Force]]:
    """An email per force with a chief constable address; the forces without one are returned and told to admins."""
    plans: list[Planned] = []
    missing = [f for f in forces if not (f.chief_email or "").strip()]
    xlsx_cache: dict[str, bytes] = {}

    def xlsx() -> bytes:
        if "data" not in xlsx_cache:
            xlsx_cache["data"] = exports.to_xlsx(table)
        return xlsx_cache["data"]

    for force in forces:
        if force in missing:
            continue
        address = force.chief_email.strip().lower()
        plans.append(Planned(
            kind=LEAGUE_TABLE, period=period, recipient=address, subject=league_subject(force, table, period),
            force_id=force.id,
            render=lambda force=force, address=address: render_league_email(force, table, period, xlsx=xlsx(),
                                                                             to=address),
        ))
    if missing and notify_admins:
        subject = (f"OIC league tables, {month_label(period)}: "
                   f"{plural(len(missing), 'force has', 'forces have')} no chief constable email address")
        for admin in _admins():
            plans.append(Planned(
                kind=MISSING_CHIEFS, period=period, recipient=admin.email, subject=subject, force_id=None,
                render=lambda to=admin.email: _missing_chiefs_email(missing, period, to, subject),
            ))
    return plans, missing


def send_league_tables(*, dry_run: bool = False, force_code: str | None = None, on: date | None = None,
                       only_failed: bool = False, require_published: bool | None = None, actor: User | None = None,
                       actor_name: str | None = None) -> RunReport:
    """Email each chief constable this month's league table (or one force's, with `force_code`). Idempotent per month.

    Raises EmailRefused, sending nothing, when the month's table must be published and is not, or when the force
    asked for has no chief constable address.
    """
    from lms.services.schedules import publish_required

    on = on or reports.today()
    period = month_period(on)
    if only_failed and not _has_retryable((LEAGUE_TABLE, MISSING_CHIEFS), period):
        return RunReport(dry_run=dry_run)
    if require_published is None:
        require_published = publish_required()
    forces = list(db.session.scalars(select(Force).order_by(Force.name)))
    if force_code is not None:
        forces = [f for f in forces if f.code == force_code.strip().lower()]
        if not forces:
            raise EmailRefused(f"No force with code '{force_code}'")
        if not (forces[0].chief_email or "").strip():
            raise EmailRefused(f"{forces[0].name} has no chief constable email address. Set one with "
                               f"lms set-force {forces[0].code} --chief-email ADDRESS")
    table, _ = month_table(period, on, store=not dry_run, require_published=require_published)
    plans, missing = league_table_plans(table, period, forces, notify_admins=force_code is None)
    report = deliver(plans, dry_run=dry_run, only_failed=only_failed)
    if not only_failed:
        for force in missing:
            report.notes.append(f"No chief constable email address: {force.name} ({force.code})")
        if missing and not _admins():
            report.notes.append("There is no admin user to tell about the forces with no chief constable address")
    _record_run(report, LEAGUE_TABLE, period, actor, actor_name)
    db.session.flush()
    return report


def preview_league_email(force: Force, on: date | None = None) -> tuple[OutgoingEmail, list[str]]:
    """The email this force's chief would get this month, built without storing or sending anything."""
    on = on or reports.today()
    period = month_period(on)
    notes = []
    row = published_table(period)
    if row is not None:
        table = row.data
        who = "automatically when the first email was sent" if row.published_by_id is None else "by MSOICU"
        notes.append(f"Uses the table for {month_label(period)} stored {who}, as of {long_date(row.as_of)}.")
    else:
        table = reports.league_table(on)
        notes.append(f"The table for {month_label(period)} is not published or stored yet: this preview uses "
                     f"today's figures ({long_date(on)}).")
    if not force.chief_email:
        notes.append(f"{force.name} has no chief constable email address, so this email would not be sent.")
    return render_league_email(force, table, period), notes


# --- reminders ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaleUpload:
    label: str
    last: str | None  # ISO date
    days: int | None


UPLOAD_LABELS = (("college-learn", "College Learn completions"), ("hydra", "Hydra attendance registers"))


def stale_uploads(force_id: int, uploads: dict[int, dict[str, str | None]], on: date) -> list[StaleUpload]:
    """The College Learn and Hydra uploads of a force that are over STALE_AFTER_DAYS old, or never made."""
    out = []
    for kind, label in UPLOAD_LABELS:
        last = uploads.get(force_id, {}).get(kind)
        if last is None:
            out.append(StaleUpload(label, None, None))
            continue
        days = (on - date.fromisoformat(last)).days
        if days > STALE_AFTER_DAYS:
            out.append(StaleUpload(label, last, days))
    return out


def _leads(force_id: int) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.force_id == force_id, User.role == policy.FORCE_LEAD, User.active.is_(True))
        .order_by(User.email)
    ))


def _stale_email(force: Force, lead: User, stale: list[StaleUpload], subject: str) -> OutgoingEmail:
    items = [
        f"{s.label}: never uploaded" if s.last is None
        else f"{s.label}: last uploaded {long_date(s.last)} ({s.days} days ago)"
        for s in stale
    ]
    text, html = render_parts(
        "stale_data", subject=subject, force=force, salutation=f"Dear {lead.name}," if lead.name else "Hello,",
        items=items, days=STALE_AFTER_DAYS, upload_url=external_url("imports.upload", "/"),
        force_url=external_url("reports.force_page", f"/forces/{force.code}", code=force.code), s=STYLES,
    )
    return OutgoingEmail(to=lead.email, subject=subject, text=text, html=html)


def stale_data_plans(on: date, period: str, report: RunReport) -> list[Planned]:
    uploads = reports.last_uploads()
    plans: list[Planned] = []
    without_leads = []
    for force in db.session.scalars(select(Force).order_by(Force.name)):
        stale = stale_uploads(force.id, uploads, on)
        if not stale:
            continue
        leads = _leads(force.id)
        if not leads:
            without_leads.append(force.code)
        subject = f"{force.name}: OIC training data needs updating"
        for lead in leads:
            plans.append(Planned(
                kind=STALE_DATA, period=period, recipient=lead.email, subject=subject, force_id=force.id,
                render=lambda force=force, lead=lead, stale=stale, subject=subject: _stale_email(
                    force, lead, stale, subject),
            ))
    if without_leads:
        report.notes.append("Stale data but no force lead to remind: " + ", ".join(without_leads))
    return plans


def _recently_reminded(on: date) -> set[str]:
    """Addresses sent (or being sent) a personal reminder within the last PERSONAL_INTERVAL_DAYS days.

    Compared by local date, so a weekly run sends every second week rather than drifting to every third.
    """
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    first_day = on - timedelta(days=PERSONAL_INTERVAL_DAYS - 1)
    since = datetime.combine(first_day, time(0), tzinfo=tz).astimezone(UTC).replace(tzinfo=None)
    return set(db.session.scalars(
        select(EmailLog.recipient).where(EmailLog.kind == PERSONAL_REMINDER, EmailLog.status.in_(("sent", "pending")),
                                         EmailLog.created_at >= since)
    ))


def _personal_email(force: Force, forename: str, outstanding: list[str], leads: list[str], titles: dict[str, str],
                    to: str, subject: str, deadline: date, on: date) -> OutgoingEmail:
    items = []
    for code in outstanding:
        if code == "HYDRA":
            items.append(f"{titles.get(code, 'Hydra immersive session')} (ask your force's training lead about the "
                         "next session)")
        else:
            items.append(f"{titles.get(code, code)} (an e-learning module on College Learn)")
    text, html = render_parts(
        "personal_reminder", subject=subject, force=force,
        salutation=f"Dear {forename}," if forename else "Hello,", items=items, leads=leads,
        deadline=(f"The deadline is {long_date(deadline)}." if on <= deadline else
                  f"The deadline was {long_date(deadline)}, so this training is overdue: please complete it as soon "
                  "as you can."),
        interval=PERSONAL_INTERVAL_DAYS, s=STYLES,
    )
    return OutgoingEmail(to=to, subject=subject, text=text, html=html, reply_to=leads)


def personal_plans(on: date, period: str, report: RunReport) -> list[Planned]:
    """Relevant, non-compliant people with an email in opted-in forces; never leavers or exempt people."""
    recent = _recently_reminded(on)
    titles = _module_titles()
    deadline = current_app.config["DEADLINE"]
    subject = "Reminder: OIC training you still need to complete"
    plans: list[Planned] = []
    seen: set[str] = set()
    skipped_recent = 0
    for force in db.session.scalars(select(Force).where(Force.personal_reminders.is_(True)).order_by(Force.name)):
        leads = [u.email for u in _leads(force.id)]
        for line in people.outstanding_people(force, on):
            person, status = line.person, line.status
            # outstanding_people already leaves these out; checked again because sending to them is the harm.
            if not person.active or status.exempt or not status.relevant or not status.outstanding:
                continue
            address = (person.email or "").strip().lower()
            if not address or "@" not in address or address in seen:
                continue
            seen.add(address)
            if address in recent:
                skipped_recent += 1
                continue
            plans.append(Planned(
                kind=PERSONAL_REMINDER, period=period, recipient=address, subject=subject, force_id=force.id,
                render=lambda force=force, forename=person.forename, outstanding=list(status.outstanding),
                address=address, leads=leads: _personal_email(force, forename, outstanding, leads, titles, address,
                                                              subject, deadline, on),
            ))
    if skipped_recent:
        report.notes.append(f"Personal reminders not due yet (one sent in the last {PERSONAL_INTERVAL_DAYS} days): "
                            f"{skipped_recent}")
    return plans


def send_reminders(*, dry_run: bool = False, on: date | None = None, only_failed: bool = False,
                   actor: User | None = None, actor_name: str | None = None) -> RunReport:
    """Stale-data reminders to force leads and personal reminders to people, once per ISO week (14 days a person)."""
    on = on or reports.today()
    period = week_period(on)
    report = RunReport(dry_run=dry_run)
    if only_failed and not _has_retryable((STALE_DATA, PERSONAL_REMINDER), period):
        return report
    plans = stale_data_plans(on, period, report) + personal_plans(on, period, report)
    sent = deliver(plans, dry_run=dry_run, only_failed=only_failed)
    if only_failed:
        report.notes.clear()
    report.extend(sent)
    _record_run(sent, "reminders", period, actor, actor_name)
    db.session.flush()
    return report


def retry_failed(actor_name: str = "scheduler") -> RunReport:
    """Try again this period's emails that failed (each address up to MAX_AUTO_ATTEMPTS times)."""
    report = RunReport(dry_run=False)
    report.extend(send_league_tables(only_failed=True, require_published=False, actor_name=actor_name))
    report.extend(send_reminders(only_failed=True, actor_name=actor_name))
    return report


# --- the publish step -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class PublishState:
    """One month's table: published (by whom) or not, and whether its emails have started going (then it is fixed)."""

    period: str
    row: PublishedTable | None
    sent: int
    published_by: str | None = None  # the publisher's email; None when stored automatically or unknown

    @property
    def locked(self) -> bool:
        return self.sent > 0

    @property
    def choice_label(self) -> str:
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


def publish_table(period: str, on: date, actor: User | None = None) -> PublishedTable:
    """Publish today's table as the one `period`'s league-table emails use. Flushes; the caller commits.

    Refused once any of that month's emails has gone: every chief constable gets the same table.
    """
    state = next((s for s in publish_states(on) if s.period == period), None)
    if state is None:
        raise EmailRefused(f"A table published today can only be for {month_label(month_period(on))} "
                           f"or {month_label(month_period(_next_month(on)))}")
    if state.locked:
        raise EmailRefused(f"The {month_label(period)} league tables have already been sent, so their table can no "
                           "longer change")
    table = reports.league_table(on)
    row = state.row
    if row is None:
        row = PublishedTable(period=period, as_of=on, data=table)
        db.session.add(row)
    row.as_of, row.data, row.published_at = date.fromisoformat(table["as_of"]), table, utcnow()
    row.published_by_id = actor.id if actor is not None else None
    db.session.flush()
    audit.record("league_table.published", actor, target=period, period=period, as_of=table["as_of"])
    return row


# --- the email log page ---------------------------------------------------------------------------------------

LOG_STATUSES = ("pending", "sent", "failed")


def email_log(*, kind: str = "", status: str = "", period: str = "", force_code: str = "", recipient: str = "",
              page: int = 1, per_page: int = 50) -> tuple[list[tuple[EmailLog, str | None]], int]:
    """One page of the email log, newest first, with each row's force name; and how many rows match in all."""
    query = select(EmailLog, Force.name).outerjoin(Force, Force.id == EmailLog.force_id)
    if kind in KINDS:
        query = query.where(EmailLog.kind == kind)
    if status in LOG_STATUSES:
        query = query.where(EmailLog.status == status)
    if period:
        query = query.where(EmailLog.period == period)
    if force_code:
        query = query.where(Force.code == force_code)
    if recipient:
        query = query.where(EmailLog.recipient.contains(recipient.lower(), autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(
        query.order_by(EmailLog.created_at.desc(), EmailLog.id.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return [(row, name) for row, name in rows], total
