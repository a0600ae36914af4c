"""`lms set-force`: a force's chief constable contact and personal reminders."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.core.cli import fail


def _on_off(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.lower() == "on"


@click.command("set-force")
@with_appcontext
@click.argument("code")
@click.option("--chief-name", help="The chief constable's name.")
@click.option("--chief-email", help="Where the monthly league table is sent.")
@click.option("--personal-reminders", type=click.Choice(["on", "off"], case_sensitive=False),
              help="Email non-compliant people in this force.")
def set_force(code: str, chief_name: str | None, chief_email: str | None, personal_reminders: str | None) -> None:
    """Change a force's settings: chief constable contact and personal reminders."""
    from lms.core.transaction import committing
    from lms.forces.service import ForceError, get_force, update_force

    try:
        with committing():
            force = get_force(code)
            update_force(force, chief_name=chief_name, chief_email=chief_email,
                         personal_reminders=_on_off(personal_reminders))
    except ForceError as exc:
        fail(str(exc))
    click.echo(f"{force.name}: chief constable {force.chief_name or '(no name)'} <{force.chief_email or 'no email'}>, "
               f"personal reminders {'on' if force.personal_reminders else 'off'}")
