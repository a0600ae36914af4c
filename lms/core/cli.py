"""What every feature's commands share."""

from __future__ import annotations

import click


def fail(message: str) -> None:
    """Refuse: message on stderr, exit 1, nothing committed."""
    from lms.extensions import db

    db.session.rollback()
    raise click.ClickException(message)
