"""The weekly reminders: who they go to, and what they say.

- stale data: to a force's leads when its last College Learn or Hydra upload is over STALE_AFTER_DAYS old.
- personal: in forces that opted in, to each relevant person with an email who is not compliant, at most once
  every PERSONAL_INTERVAL_DAYS days, listing what they still have to do and their own due date (the deadline, or
  later for a joiner in their grace period). Never to leavers or exempt people.

The plans are sent by `lms.emails.delivery.send_reminders`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from lms import policy
from lms.briefings.leads import stand_ins
from lms.core.clock import utc_midnight
from lms.core.text import long_date, plural
from lms.emails.common import (
    PERSONAL_REMINDER,
    STALE_DATA,
    STALE_DATA_NO_LEAD,
    STYLES,
    Planned,
    RunReport,
    external_url,
    module_titles,
)
from lms.emails.mailer import OutgoingEmail, render_parts
from lms.extensions import db
from lms.models import EmailLog, Force, User
from lms.reports import figures as report_figures
from lms.reports import people

STALE_AFTER_DAYS = 30
PERSONAL_INTERVAL_DAYS = 14


@dataclass(frozen=True, slots=True)
class StaleUpload:
    """A force's upload of one kind that is out of date: last made on `last` (ISO date; None if never), `days` ago."""

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
    """A reminder to each lead of each force with a stale upload. A force with no lead account is told to its
    ROCU's co-ordinators and the admins instead: one email each, listing every such force in their remit."""
    uploads = report_figures.last_uploads()
    plans: list[Planned] = []
    stand_in: dict[str, tuple[User, list[tuple[Force, list[StaleUpload]]]]] = {}
    for force in db.session.scalars(select(Force).order_by(Force.name)):
        stale = stale_uploads(force.id, uploads, on)
        if not stale:
            continue
        leads = _leads(force.id)
        if not leads:
            for user in stand_ins(force):
                stand_in.setdefault(user.email, (user, []))[1].append((force, stale))
        subject = f"{force.name}: OIC training data needs updating"
        for lead in leads:
            plans.append(Planned(
                kind=STALE_DATA, period=period, recipient=lead.email, subject=subject, force_id=force.id,
                render=lambda force=force, lead=lead, stale=stale, subject=subject: _stale_email(
                    force, lead, stale, subject),
            ))
    without_leads = sorted({f.code for _, items in stand_in.values() for f, _ in items})
    for address, (user, items) in stand_in.items():
        subject = (f"OIC training data needs updating: {plural(len(items), 'force', 'forces')} with no lead account"
                   if len(items) > 1 else f"{items[0][0].name}: OIC training data needs updating (no lead account)")
        plans.append(Planned(
            kind=STALE_DATA_NO_LEAD, period=period, recipient=address, subject=subject, force_id=None,
            render=lambda user=user, items=items, subject=subject: _stand_in_email(user, items, subject),
        ))
    if without_leads:
        report.notes.append("Stale data but no force lead to remind (told to their ROCU and the admins instead): "
                            + ", ".join(without_leads))
    return plans


def _stand_in_email(user: User, items: list[tuple[Force, list[StaleUpload]]], subject: str) -> OutgoingEmail:
    forces = [{"name": force.name, "uploads": [
        f"{s.label}: never uploaded" if s.last is None
        else f"{s.label}: last uploaded {long_date(s.last)} ({s.days} days ago)" for s in stale]}
        for force, stale in items]
    text, html = render_parts(
        "stale_data_no_lead", subject=subject, salutation=f"Dear {user.name}," if user.name else "Hello,",
        forces=forces, days=STALE_AFTER_DAYS, regional=user.role == policy.REGIONAL,
        upload_url=external_url("imports.upload", "/"),
        leads_url=external_url("briefings.no_leads", "/admin/forces-without-leads"), s=STYLES,
    )
    return OutgoingEmail(to=user.email, subject=subject, text=text, html=html)


def _recently_reminded(on: date) -> set[str]:
    """Addresses sent (or being sent) a personal reminder within the last PERSONAL_INTERVAL_DAYS days.

    Compared by local date, so a weekly run sends every second week rather than drifting to every third.
    """
    since = utc_midnight(on - timedelta(days=PERSONAL_INTERVAL_DAYS - 1))
    return set(db.session.scalars(
        select(EmailLog.recipient).where(EmailLog.kind == PERSONAL_REMINDER, EmailLog.status.in_(("sent", "pending")),
                                         EmailLog.created_at >= since)
    ))


def due_sentence(due_on: date, on: date) -> str:
    """What a personal reminder says about the person's own due date (DESIGN.md "Due dates")."""
    if on <= due_on:
        return f"Your due date for this training is {long_date(due_on)}."
    return (f"Your due date for this training was {long_date(due_on)}, so it is overdue: please complete it as soon "
            "as you can.")


def _personal_email(force: Force, forename: str, outstanding: list[str], leads: list[str], titles: dict[str, str],
                    to: str, subject: str, due_on: date, on: date) -> OutgoingEmail:
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
        due=due_sentence(due_on, on), interval=PERSONAL_INTERVAL_DAYS, s=STYLES,
    )
    return OutgoingEmail(to=to, subject=subject, text=text, html=html, reply_to=leads)


def personal_plans(on: date, period: str, report: RunReport) -> list[Planned]:
    """Relevant, non-compliant people with an email in opted-in forces; never leavers or exempt people."""
    recent = _recently_reminded(on)
    titles = module_titles()
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
                address=address, leads=leads, due_on=status.due_date or deadline: _personal_email(
                    force, forename, outstanding, leads, titles, address, subject, due_on, on),
            ))
    if skipped_recent:
        report.notes.append(f"Personal reminders not due yet (one sent in the last {PERSONAL_INTERVAL_DAYS} days): "
                            f"{skipped_recent}")
    return plans
