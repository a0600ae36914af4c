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

The parts live beside this module in `lms.emails`:

- `common`: the kinds, the house style, links, and `Planned`/`Outcome`/`RunReport`.
- `league`: which table a month's emails use, and what the league-table email says.
- `reminders`: who is sent a stale-data or personal reminder, and what it says.
- `publish`: publishing the table a month's emails use.
- `log`: the email log as admins read it (filters, pages, CSV).
- this module: delivering through the log, the runs (`send_league_tables`, `send_reminders`, `retry_failed`),
  and the league-table run's plans.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from lms import policy
from lms.audit import service as audit
from lms.core.clock import month_label, month_period, week_period
from lms.core.text import plural
from lms.emails.common import (
    LEADS_PACK,
    LEAGUE_TABLE,
    MISSING_CHIEFS,
    PERSONAL_REMINDER,
    STALE_DATA,
    EmailRefused,
    Outcome,
    Planned,
    RunReport,
)
from lms.emails.leads_pack import leads_pack_plans
from lms.emails.league import (
    chief_link_url,
    league_subject,
    missing_chiefs_email,
    month_changes,
    month_table,
    render_league_email,
)
from lms.emails.mailer import Mailer, MailError, redact_addresses
from lms.emails.publish import publish_required
from lms.emails.reminders import (
    personal_plans,
    stale_data_plans,
)
from lms.extensions import db
from lms.models import EmailLog, Force, User, utcnow
from lms.reports import exports
from lms.reports import figures as report_figures

log = logging.getLogger(__name__)


# The hourly retry job gives up on an address after this many attempts; a manual run always tries again.
MAX_AUTO_ATTEMPTS = 5
# A row still `pending` this long after it was claimed belongs to a run that died mid-send (a killed scheduler):
# it is claimable again, by the next run or the retry job. Far longer than a send can take (SMTP timeout 30 s).
PENDING_TIMEOUT = timedelta(minutes=15)


def stale(row: EmailLog) -> bool:
    """Whether a `pending` row was abandoned by a run that never finished it."""
    claimed = row.claimed_at or row.created_at
    return row.status == "pending" and claimed is not None and claimed < utcnow() - PENDING_TIMEOUT


# --- delivering through the log --------------------------------------------------------------------------------


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
                       subject=plan.subject[:300], status="pending", attempts=0, claimed_at=utcnow())
        db.session.add(row)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return None
        return row
    abandoned = and_(EmailLog.status == "pending",
                     func.coalesce(EmailLog.claimed_at, EmailLog.created_at) < utcnow() - PENDING_TIMEOUT)
    claimed = db.session.execute(
        update(EmailLog)
        .where(EmailLog.id == row.id, or_(EmailLog.status == "failed", abandoned))
        .values(status="pending", subject=plan.subject[:300], claimed_at=utcnow())
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
            if row is not None and (row.status == "sent" or (row.status == "pending" and not stale(row))):
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
                log.warning("Email log %s (%s %s) failed: %s", row_id, plan.kind, plan.period,
                            redact_addresses(error))
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
            EmailLog.kind.in_(kinds), EmailLog.period == period, EmailLog.status.in_(("failed", "pending")),
            EmailLog.attempts < MAX_AUTO_ATTEMPTS,
        )
    ))


# --- the runs ---------------------------------------------------------------------------------------------------


def _admins() -> list[User]:
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.email))
    return [u for u in users if policy.is_admin(u)]


def league_table_plans(table: dict, period: str, forces: list[Force], *, notify_admins: bool) -> tuple[
        list[Planned], list[Force]]:
    """An email per force with a chief constable address; the forces without one are returned and told to admins."""
    plans: list[Planned] = []
    missing = [f for f in forces if not (f.chief_email or "").strip()]
    xlsx_cache: dict[str, bytes] = {}

    def xlsx() -> bytes:
        if "data" not in xlsx_cache:
            xlsx_cache["data"] = exports.to_xlsx(table, changes=month_changes(table, period))
        return xlsx_cache["data"]

    for force in forces:
        if force in missing:
            continue
        address = force.chief_email.strip().lower()
        plans.append(Planned(
            kind=LEAGUE_TABLE, period=period, recipient=address, subject=league_subject(force, table, period),
            force_id=force.id,
            render=lambda force=force, address=address: render_league_email(
                force, table, period, xlsx=xlsx(), to=address, chief_url=chief_link_url(force, period)),
        ))
    if missing and notify_admins:
        subject = (f"OIC league tables, {month_label(period)}: "
                   f"{plural(len(missing), 'force has', 'forces have')} no chief constable email address")
        for admin in _admins():
            plans.append(Planned(
                kind=MISSING_CHIEFS, period=period, recipient=admin.email, subject=subject, force_id=None,
                render=lambda to=admin.email: missing_chiefs_email(missing, period, to, subject),
            ))
    return plans, missing


def send_league_tables(*, dry_run: bool = False, force_code: str | None = None, on: date | None = None,
                       only_failed: bool = False, require_published: bool | None = None, actor: User | None = None,
                       actor_name: str | None = None) -> RunReport:
    """Email each chief constable this month's league table (or one force's, with `force_code`). Idempotent per month.

    Raises EmailRefused, sending nothing, when the month's table must be published and is not, or when the force
    asked for has no chief constable address.
    """

    on = on or report_figures.today()
    period = month_period(on)
    if only_failed and not _has_retryable((LEAGUE_TABLE, MISSING_CHIEFS, LEADS_PACK), period):
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
    plans += leads_pack_plans(table, period, forces)
    report = deliver(plans, dry_run=dry_run, only_failed=only_failed)
    if not only_failed:
        for force in missing:
            report.notes.append(f"No chief constable email address: {force.name} ({force.code})")
        if missing and not _admins():
            report.notes.append("There is no admin user to tell about the forces with no chief constable address")
    _record_run(report, LEAGUE_TABLE, period, actor, actor_name)
    db.session.flush()
    return report


def send_reminders(*, dry_run: bool = False, on: date | None = None, only_failed: bool = False,
                   actor: User | None = None, actor_name: str | None = None) -> RunReport:
    """Stale-data reminders to force leads and personal reminders to people, once per ISO week (14 days a person)."""
    on = on or report_figures.today()
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
