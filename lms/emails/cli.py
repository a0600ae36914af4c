"""`lms send-league-tables` and `lms send-reminders`.

Output: one tab-separated line per email, `ACTION<TAB>KIND<TAB>PERIOD<TAB>RECIPIENT<TAB>SUBJECT` (plus the error for
a failure), where ACTION is `would send` (dry run), `sent`, `failed` or `pending`; then notes (forces with no chief
constable address, ...) and a one-line summary. Emails already sent this period are counted, not listed.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.core.cli import fail

LISTED = ("would send", "sent", "failed", "pending")


def echo_report(report) -> None:
    """Print a run's report: a tab-separated line per email listed, the notes, then the summary."""
    for o in report.outcomes:
        if o.action in LISTED:
            fields = [o.action, o.kind, o.period, o.recipient, o.subject] + ([o.error] if o.error else [])
            click.echo("\t".join(f.replace("\t", " ") for f in fields))
    for note in report.notes:
        click.echo(note)
    click.echo(report.summary())


def _finish(report) -> None:
    from lms.extensions import db

    if report.dry_run:
        db.session.rollback()  # a dry run logs nothing
    else:
        db.session.commit()
    echo_report(report)
    if report.failed:
        fail(f"{report.failed} of the emails failed; they will be retried at the next run")


@click.command("send-league-tables")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send and log nothing.")
@click.option("--force", "force_code", metavar="CODE", help="Only this force's chief constable (e.g. kent).")
def send_league_tables(dry_run: bool, force_code: str | None) -> None:
    """Email each chief constable this month's league table. Idempotent per month: nobody gets it twice.

    Forces with no chief constable address are listed, and told to the admins by email. When the publish step is
    on and this month's table is not published, nothing is sent and the command exits 1.
    """
    from lms.emails.common import EmailRefused
    from lms.emails.delivery import send_league_tables as send

    try:
        report = send(dry_run=dry_run, force_code=force_code, actor_name="cli")
    except EmailRefused as exc:
        fail(str(exc))
    _finish(report)


@click.command("send-reminders")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send and log nothing.")
def send_reminders(dry_run: bool) -> None:
    """Stale-data reminders to force leads and personal reminders (opted-in forces). Idempotent per ISO week.

    A person gets a personal reminder at most once every 14 days; leavers and exempt people never do.
    """
    from lms.emails.delivery import send_reminders as send

    _finish(send(dry_run=dry_run, actor_name="cli"))
