"""`lms chief-link CODE [--days N]` and `lms revoke-chief-link ID`: a chief constable's read-only link by hand."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.core.cli import fail


@click.command("chief-link")
@with_appcontext
@click.argument("code")
@click.option("--days", type=click.IntRange(1, 366), default=None,
              help="How many days the link works (default 45).")
def chief_link(code: str, days: int | None) -> None:
    """Print a new read-only link to a force's figures and the national table, for its chief constable.

    The link needs no account, shows aggregates only, and works until it expires or an admin withdraws it
    (Admin > Chief constables' links, or lms revoke-chief-link ID). Its creation and every use are audited.
    """
    from lms.briefings import links
    from lms.core.clock import local_time
    from lms.core.transaction import committing
    from lms.forces import service as forces
    from lms.forces.service import ForceError

    try:
        force = forces.get_force(code)
    except ForceError as exc:
        fail(str(exc))
    with committing():
        link = links.issue_link(force, days=days)
        expires = link.expires_at
    click.echo(links.link_url(link, force.code))
    click.echo(f"Link {link.id} for {force.name}, working until {local_time(expires)}.", err=True)


@click.command("revoke-chief-link")
@with_appcontext
@click.argument("link_id", type=int)
def revoke_chief_link(link_id: int) -> None:
    """Withdraw a chief constable's link at once (its id is on the admin's links page)."""
    from lms.briefings import links
    from lms.core.errors import ServiceError
    from lms.core.transaction import committing

    try:
        with committing():
            link = links.revoke_link(link_id, None)
    except ServiceError as exc:
        fail(str(exc))
    click.echo(f"Link {link.id} withdrawn.")
