"""The `lms` command line (CONTRACT.md). Exit codes: 0 success, 1 refused or failed, 2 usage error."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup, ScriptInfo

from lms.extensions import db

cli = AppGroup("lms", help="OIC training compliance: set-up, imports, reports and emails.")


def fail(message: str) -> None:
    """Refuse: message on stderr, exit 1, nothing committed."""
    db.session.rollback()
    raise click.ClickException(message)


@cli.command("init-db")
def init_db() -> None:
    """Create or upgrade the schema (migrations) and load the 43 forces. Idempotent."""
    from flask_migrate import upgrade

    from lms.services.setup import load_reference_data

    upgrade(directory=current_app.extensions["migrate"].directory)
    added = load_reference_data()
    db.session.commit()
    click.echo("Database is up to date. Added: " + ", ".join(f"{v} {k}" for k, v in added.items()))


@cli.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "national", "regional", "force_lead"]))
@click.option("--force", "force_code", help="Force code, for a force_lead (e.g. kent).")
@click.option("--region", "region_name", help="Region name, for a regional user (e.g. 'South East').")
@click.option("--name", help="The person's name, for emails and the audit trail.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, force_code: str | None, region_name: str | None, name: str | None,
                password_stdin: bool) -> None:
    """Create a user. Without --password-stdin the user has no password until an admin sets one."""
    from lms.auth import PasswordRejected
    from lms.services.users import UserError
    from lms.services.users import create_user as create

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        user = create(email, role, password=password, force_code=force_code, region_name=region_name, name=name)
    except (UserError, PasswordRejected) as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}")


@cli.command("create-token")
@click.argument("email")
def create_token(email: str) -> None:
    """Print a new API token for that user (shown once; only its hash is stored)."""
    from sqlalchemy import select

    from lms.auth import issue_token
    from lms.models import User
    from lms.services import audit

    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        fail(f"No user with the email {email}")
    token = issue_token(user)
    audit.record("token.created", None, actor="cli", target=user.email)
    db.session.commit()
    click.echo(token)


def _on_off(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.lower() == "on"


@cli.command("set-force")
@click.argument("code")
@click.option("--chief-name", help="The chief constable's name.")
@click.option("--chief-email", help="Where the monthly league table is sent.")
@click.option("--personal-reminders", type=click.Choice(["on", "off"], case_sensitive=False),
              help="Email non-compliant people in this force.")
def set_force(code: str, chief_name: str | None, chief_email: str | None, personal_reminders: str | None) -> None:
    """Change a force's settings: chief constable contact and personal reminders."""
    from lms.services.users import UserError, get_force, update_force

    try:
        force = get_force(code)
        update_force(force, chief_name=chief_name, chief_email=chief_email,
                     personal_reminders=_on_off(personal_reminders))
    except UserError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"{force.name}: chief constable {force.chief_name or '(no name)'} <{force.chief_email or 'no email'}>, "
               f"personal reminders {'on' if force.personal_reminders else 'off'}")


@cli.command("league-table")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date of the figures (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json", "xlsx"]), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file instead of stdout.")
def league_table(as_of, fmt: str, output: str | None) -> None:
    """Print or save the national league table (json is the API's league-table object)."""
    from lms.services import exports, reports

    day: date | None = as_of.date() if as_of else None
    table = reports.league_table(day)
    data = exports.render_table(table, fmt)
    if fmt == "xlsx" and not output:
        fail("--format xlsx needs --output FILE")
    if output:
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(output, mode) as fh:
            fh.write(data)
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(data, nl=not data.endswith("\n"))


def register_cli(app) -> None:
    """Attach the `lms` group to the Flask CLI (`flask --app wsgi lms ...`)."""
    app.cli.add_command(cli)


def main() -> None:
    """Console-script entry point: `lms ...`."""
    from lms import create_app

    cli.main(prog_name="lms", obj=ScriptInfo(create_app=lambda: create_app()))


# The remaining commands live beside this module; importing them registers them on `cli`.
from lms import cli_more  # noqa: E402,F401
