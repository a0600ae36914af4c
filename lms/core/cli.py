"""What every feature's commands share."""

from __future__ import annotations

import click

from lms.extensions import db


def fail(message: str) -> None:
    """Refuse: message on stderr, exit 1, nothing committed."""
    db.session.rollback()
    raise click.ClickException(message)
