"""`lms create-user` and `lms create-token`."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from lms.core.cli import fail


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "national", "regional", "force_lead"]))
@click.option("--force", "force_code", help="Force code, for a force_lead (e.g. kent).")
@click.option("--region", "region_name", help="Region name, for a regional user (e.g. 'South East').")
@click.option("--name", help="The person's name, for emails and the audit trail.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, role: str, force_code: str | None, region_name: str | None, name: str | None,
                password_stdin: bool) -> None:
    """Create a user. Without --password-stdin the user has no password until an admin sets one."""
    from lms.accounts.auth import PasswordRejected
    from lms.accounts.service import UserError
    from lms.accounts.service import create_user as create
    from lms.core.transaction import committing

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        with committing():
            user = create(email, role, password=password, force_code=force_code, region_name=region_name,
                          name=name)
    except (UserError, PasswordRejected) as exc:
        fail(str(exc))
    click.echo(f"Created {user.role} {user.email}")


@click.command("create-token")
@with_appcontext
@click.argument("email")
def create_token(email: str) -> None:
    """Print a new API token for that user (shown once; only its hash is stored)."""

    from lms.accounts.auth import issue_token
    from lms.accounts.service import user_by_email
    from lms.audit import service as audit
    from lms.core.transaction import committing

    user = user_by_email(email)
    if user is None:
        fail(f"No user with the email {email}")
    with committing():
        token = issue_token(user)
        audit.record("token.created", None, actor="cli", target=user.email)
    click.echo(token)
