"""The one place where a boundary (view, CLI command, job) ends its unit of work.

Services only add and flush; the boundary commits what they did, or rolls it all back when they refuse.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from lms.extensions import db


@contextmanager
def committing(*, keep_on: tuple[type[BaseException], ...] = ()) -> Iterator[None]:
    """Commit the session when the block ends normally; roll back and re-raise on any exception, except those in
    `keep_on`, which commit what was done first (a failed sign-in keeps its audit event and lockout count).

        try:
            with committing():
                requirements.update_rule(rule, ...)
        except ServiceError as exc:
            attach_error(form, exc)
    """
    try:
        yield
    except keep_on:
        db.session.commit()
        raise
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


@contextmanager
def discarding() -> Iterator[None]:
    """Roll back whatever the block did, however it ends: a dry run or a preview changes nothing."""
    try:
        yield
    finally:
        db.session.rollback()
