"""`lms init-db`, `lms backup FILE` and `lms restore FILE --yes`: operations on the whole database."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.core.cli import fail


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the schema (migrations) and load the 43 forces. Idempotent."""
    from flask_migrate import upgrade

    from lms.core.transaction import committing
    from lms.forces.reference import load_reference_data

    upgrade(directory=current_app.extensions["migrate"].directory)
    with committing():
        added = load_reference_data()
    click.echo("Database is up to date. Added: " + ", ".join(f"{v} {k}" for k, v in added.items()))


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def backup_database(file: Path) -> None:
    """Write a consistent backup of the whole database to FILE, while the service keeps running.

    SQLite: an online backup (a single self-contained .db file). PostgreSQL: pg_dump's custom format, run here if
    pg_dump is installed; otherwise the exact pg_dump command to run is printed and the exit code is 1.
    The file holds personal data: it is created readable by its owner only.
    """
    from lms.audit import service as audit
    from lms.core.transaction import committing
    from lms.ops.backup import BackupError, backup

    try:
        done = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], file)
    except BackupError as exc:
        fail(str(exc))
    with committing():
        audit.record("database.backed_up", None, actor="cli", target=str(file))
    click.echo(done.message)


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm: replace everything in the database with the backup.")
def restore_database(file: Path, yes: bool) -> None:
    """Replace the whole database with a backup made by `lms backup`.

    Stop the web server and the scheduler first. A safety copy of the current database is taken before anything
    is replaced (beside a SQLite database; under the instance folder's backups/ for PostgreSQL) and its path is
    printed. Run `lms init-db` afterwards if the backup was made by an older version of the service.
    """
    from lms.audit import service as audit
    from lms.core.transaction import committing
    from lms.extensions import db
    from lms.ops.backup import BackupError, restore

    if not yes:
        fail(f"Restoring replaces everything in the database with {file}. Stop the web server and the scheduler, "
             "then run the command again with --yes")
    # This process's own connections must not hold the database while it is replaced.
    db.session.remove()
    db.engine.dispose()
    safety_dir = Path(current_app.config["INSTANCE_DIR"]) / "backups"
    try:
        done = restore(current_app.config["SQLALCHEMY_DATABASE_URI"], file, safety_dir)
    except BackupError as exc:
        fail(str(exc))
    if done.safety_copy:
        click.echo(f"Safety copy of the database as it was: {done.safety_copy}")
    try:
        with committing():
            audit.record("database.restored", None, actor="cli", target=str(file))
    except Exception:  # noqa: BLE001, S110 - a backup of an older schema may not take the entry; the restore stands
        pass
    click.echo(done.message)
