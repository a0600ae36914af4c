"""What the monthly league-table email to a chief constable says, and which table it uses.

The month's table is the published one or, publishing not required, today's figures stored as the month's table
when the first email goes (`month_table`), so every chief gets the same numbers. Each email compares the force
with the last table its chief was actually sent, or the snapshots a month earlier (`lms.emails.comparison`), says
what it says through `lms.emails.chief_email`, carries a signed read-only link (`lms.briefings.links`) and the
national table as .xlsx.
Forces with no chief constable address are listed to the admins (`missing_chiefs_email`). The run that plans
and sends these emails is `lms.emails.delivery.send_league_tables`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.briefings import links as chief_links
from lms.core.clock import month_label, month_period
from lms.core.text import long_date
from lms.emails.chief_email import league_email_context
from lms.emails.common import STYLES, EmailRefused, external_url
from lms.emails.comparison import earlier_figures, entry_in, snapshot_ranks
from lms.emails.mailer import XLSX, Attachment, OutgoingEmail, render_parts
from lms.extensions import db
from lms.models import Force, PublishedTable
from lms.reports import exports
from lms.reports import figures as report_figures
from lms.reports.pages import month_earlier


def published_table(period: str) -> PublishedTable | None:
    """The table stored for a month period (published, or kept by its first email), if any."""
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
        url = external_url("emails.publish", "/publish")
        raise EmailRefused(
            f"The league table for {month_label(period)} has not been published. Publishing is switched on, "
            f"so no league-table email was sent: MSOICU publishes it on the Publish page ({url})."
        )
    table = report_figures.league_table(on)
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


def attachment_name(period: str) -> str:
    """The file name of the .xlsx league table attached to a month's emails."""
    return f"oic-league-table-{period}.xlsx"


def league_subject(force: Force, table: dict, period: str) -> str:
    """The league-table email's subject: the force, the month and its rank."""
    entry = entry_in(table, force.code) or {"rank": None}
    where = f"ranked {entry['rank']} of {len(table['forces'])}" if entry["rank"] is not None else "not ranked"
    return f"{force.name}: OIC training compliance, {month_label(period)} ({where})"


def chief_link_url(force: Force, period: str) -> str:
    """The signed read-only link that goes with this month's email to the force's chief (made on first use)."""
    return chief_links.link_url(chief_links.link_for_period(force, period), force.code)


def render_league_email(force: Force, table: dict, period: str, *, xlsx: bytes | None = None,
                        to: str | None = None, chief_url: str | None = None) -> OutgoingEmail:
    """The league-table email for one force's chief constable (also the admin's preview, with no link made)."""
    as_of = date.fromisoformat(table["as_of"])
    earlier = earlier_figures(force, period, as_of)
    context = league_email_context(force, table, period, earlier, chief_url=chief_url,
                                   attachment=attachment_name(period))
    subject = league_subject(force, table, period)
    text, html = render_parts("league_table", subject=subject, **context)
    data = xlsx if xlsx is not None else exports.to_xlsx(table, changes=month_changes(table, period))
    return OutgoingEmail(to=to or force.chief_email or "", subject=subject, text=text, html=html,
                         attachments=[Attachment(attachment_name(period), XLSX, data)])


def month_changes(table: dict, period: str) -> dict[str, dict]:
    """Each force's earlier entry by code, for the attachment's change columns: the table of the last month before
    `period` that has one (what last month's emails said), else the snapshots a month before these figures."""
    prior = db.session.scalar(select(PublishedTable).where(PublishedTable.period < period)
                              .order_by(PublishedTable.period.desc()).limit(1))
    if prior is not None:
        return {f["code"]: f for f in prior.data["forces"]}
    return snapshot_ranks(month_earlier(date.fromisoformat(table["as_of"])))


def missing_chiefs_email(forces: list[Force], period: str, to: str, subject: str) -> OutgoingEmail:
    """The email telling an admin which forces have no chief constable address."""
    text, html = render_parts(
        "missing_chiefs", subject=subject, month=month_label(period),
        forces=[{"name": f.name, "code": f.code} for f in forces],
        settings_url=external_url("forces.forces_list", "/admin/forces", missing="1"),
        send_url=external_url("emails.send_now", "/admin/emails/send"), s=STYLES,
    )
    return OutgoingEmail(to=to, subject=subject, text=text, html=html)


def preview_league_email(force: Force, on: date | None = None) -> tuple[OutgoingEmail, list[str]]:
    """The email this force's chief would get this month, built without storing or sending anything."""
    on = on or report_figures.today()
    period = month_period(on)
    notes = []
    row = published_table(period)
    if row is not None:
        table = row.data
        who = "automatically when the first email was sent" if row.published_by_id is None else "by MSOICU"
        notes.append(f"Uses the table for {month_label(period)} stored {who}, as of {long_date(row.as_of)}.")
    else:
        table = report_figures.league_table(on)
        notes.append(f"The table for {month_label(period)} is not published or stored yet: this preview uses "
                     f"today's figures ({long_date(on)}).")
    if not force.chief_email:
        notes.append(f"{force.name} has no chief constable email address, so this email would not be sent.")
    return render_league_email(force, table, period), notes
