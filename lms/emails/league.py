"""What the monthly league-table email to a chief constable says, and which table it uses.

The month's table is the published one or, publishing not required, today's figures stored as the month's table
when the first email goes (`month_table`), so every chief gets the same numbers. Each email compares the force
with the last table its chief was actually sent (`previous_report`) and carries the national table as .xlsx.
Forces with no chief constable address are listed to the admins (`missing_chiefs_email`). The run that plans
and sends these emails is `lms.emails.delivery.send_league_tables`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.core.clock import month_label, month_period
from lms.core.text import long_date, plural
from lms.emails.common import LEAGUE_TABLE, STYLES, EmailRefused, external_url, module_titles
from lms.emails.mailer import XLSX, Attachment, OutgoingEmail, render_parts
from lms.extensions import db
from lms.models import EmailLog, Force, PublishedTable
from lms.reports import exports
from lms.reports import figures as report_figures


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
    as_of = date.fromisoformat(table["as_of"])
    outstanding, modules = _outstanding(entry)
    movement, previous_label = _movement(force, entry, previous)
    unmatched = entry["unmatched_records"]
    return {
        "force": force,
        "salutation": f"Dear {force.chief_name}," if force.chief_name else "Dear Chief Constable,",
        "month": month_label(period),
        "as_of": long_date(as_of),
        "position": _position(force, entry, table),
        "figures": [
            ("Overall (all the training required of each person)", _percent(entry["overall"])),
            ("E-learning (all four College Learn modules)", _percent(entry["elearning"])),
            ("Hydra (an immersive session attended)", _percent(entry["hydra"])),
        ],
        "outstanding": outstanding,
        "modules": modules,
        "unmatched": (
            f"{plural(unmatched, 'training record', 'training records')} could not be matched to anyone on your "
            "roster, so may be missing from these figures; your force's training lead can resolve "
            f"{'it' if unmatched == 1 else 'them'}." if unmatched else None
        ),
        "movement": movement,
        "previous_label": previous_label,
        "deadline": _deadline_text(date.fromisoformat(table["deadline"]), as_of),
        "force_url": external_url("reports.force_page", f"/forces/{force.code}", code=force.code),
        "national": [
            {"rank": "-" if f["rank"] is None else str(f["rank"]), "name": f["name"], "overall": _short(f["overall"]),
             "elearning": _short(f["elearning"]), "hydra": _short(f["hydra"]), "own": f["code"] == force.code}
            for f in table["forces"]
        ],
        "attachment_name": attachment_name(period),
        "total": len(table["forces"]),
        "s": STYLES,
    }


def _outstanding(entry: dict) -> tuple[list[str], list[str]]:
    """What is still to do, in counts (never names), and how far each module has gone."""
    titles = module_titles()
    outstanding, modules = [], []
    el, hy, ov = entry["elearning"], entry["hydra"], entry["overall"]
    if ov["relevant"]:
        outstanding.append(f"{plural(ov['relevant'] - ov['complete'], 'person has', 'people have')} not yet done "
                           "all the training required of them")
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
    return outstanding, modules


def _movement(force: Force, entry: dict, previous: tuple[str, dict] | None) -> tuple[list | None, str | None]:
    """The change in rank and figures since the previous report, and what that report was."""
    if previous is None:
        return None, None
    prev_period, prev_table = previous
    before = _entry(prev_table, force.code)
    if before is None:
        return None, None
    label = f"{month_label(prev_period)}, figures as of {long_date(prev_table['as_of'])}"
    return [
        _rank_change(entry["rank"], before["rank"]),
        _change("Overall", entry["overall"], before["overall"]),
        _change("E-learning", entry["elearning"], before["elearning"]),
        _change("Hydra", entry["hydra"], before["hydra"]),
    ], label


def _position(force: Force, entry: dict, table: dict) -> str:
    """The force's rank in words, or why it has none."""
    if entry["rank"] is None:
        return (f"{force.name} is not ranked: it has not yet uploaded a roster showing who needs this "
                "training.")
    tied = sum(1 for f in table["forces"] if f["rank"] == entry["rank"]) > 1
    return f"{force.name} is ranked {entry['rank']} of {len(table['forces'])} forces{' (tied)' if tied else ''}."


def attachment_name(period: str) -> str:
    """The file name of the .xlsx league table attached to a month's emails."""
    return f"oic-league-table-{period}.xlsx"


def league_subject(force: Force, table: dict, period: str) -> str:
    """The league-table email's subject: the force, the month and its rank."""
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
