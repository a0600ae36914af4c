"""Backups and restores of the whole database.

SQLite: SQLite's online backup API (``sqlite3.Connection.backup``), which copies a consistent snapshot page by
page while the service keeps running; a plain file copy of a database in WAL mode can miss committed data or be
torn. Restoring uses the same API in the other direction, after taking a safety copy of the live database.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists --single-transaction``, run here
when the client programs are installed (same major version as the server, or newer). When they are not, the
exact command to run is raised as a BackupError, so the operator can run it where they are.

Backups hold personal data: files are written with owner-only permissions.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

# Tables that must be in a file for it to be a backup of this service, not some other SQLite database.
SIGNATURE_TABLES = {"force", "person", "import_batch", "learning_record"}


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why and what to do."""


@dataclass
class Done:
    """What a backup or restore did, for the command line to print."""

    message: str
    path: Path
    safety_copy: Path | None = None


# --- SQLite -------------------------------------------------------------------------------------------------------


def sqlite_path(url: URL) -> Path:
    """The database file of a SQLite URL; in-memory databases cannot be backed up."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        raise BackupError("This is an in-memory SQLite database: there is nothing on disk to back up")
    return Path(url.database)


def _private_partial(target: Path) -> Path:
    """A new, owner-only file beside `target`, to be renamed over it once complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return partial


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite database to `target` with the online backup API; replace `target` only when complete."""
    partial = _private_partial(target)
    try:
        src = sqlite3.connect(source, timeout=30)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst, pages=1024)  # in steps, so the service's writers are never blocked for long
                # A self-contained file: no -wal beside it to lose.
                dst.execute("PRAGMA journal_mode=DELETE")
                check_sqlite_file(dst, partial)
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def check_sqlite_file(conn: sqlite3.Connection, path: Path) -> None:
    """Raise BackupError unless `conn` is an intact database of this service."""
    try:
        result = conn.execute("PRAGMA integrity_check").fetchall()
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database ({exc})") from exc
    if result != [("ok",)]:
        raise BackupError(f"{path} is damaged: SQLite's integrity check says {result[0][0]}")
    missing = SIGNATURE_TABLES - tables
    if missing:
        raise BackupError(f"{path} is not a backup of this service: it has no {', '.join(sorted(missing))} table")


def _safety_path(folder: Path, stem: str, suffix: str) -> Path:
    """A name no file has yet: a safety copy must never overwrite anything, least of all the file being restored."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    n = 0
    while True:
        path = folder / f"{stem}.before-restore-{stamp}{f'-{n}' if n else ''}{suffix}"
        if not path.exists():
            return path
        n += 1


def backup_sqlite(url: URL, target: Path) -> Done:
    """An online backup of the SQLite database file to `target`."""
    source = sqlite_path(url)
    if not source.exists():
        raise BackupError(f"There is no database at {source}: run `lms init-db` first")
    if target.resolve() == source.resolve():
        raise BackupError("The backup file cannot be the database itself: choose another file name")
    _sqlite_copy(source, target)
    return Done(f"Backed up {source} to {target} ({target.stat().st_size:,} bytes)", target)


def restore_sqlite(url: URL, backup_file: Path) -> Done:
    """Replace the SQLite database with a backup file."""
    live = sqlite_path(url)
    if backup_file.resolve() == live.resolve():
        raise BackupError("The backup file is the database itself: choose the backup to restore from")
    src = sqlite3.connect(backup_file)
    try:
        check_sqlite_file(src, backup_file)
        safety = None
        if live.exists():
            safety = _safety_path(live.parent, live.stem, live.suffix or ".db")
            _sqlite_copy(live, safety)
        # Written into the live database through SQLite's own locking, so a process that still has it open
        # sees either the old database or the restored one, never a mixture; WAL mode is kept.
        dst = sqlite3.connect(live, timeout=30)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
            check_sqlite_file(dst, live)
        finally:
            dst.close()
    finally:
        src.close()
    return Done(f"Restored {live} from {backup_file}", live, safety)


# --- PostgreSQL ---------------------------------------------------------------------------------------------------


def libpq_target(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment that carries the password."""
    env = {}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                       query=url.query)
    return plain.render_as_string(hide_password=False), env


def pg_dump_command(url: URL, target: Path) -> list[str]:
    """The pg_dump command that writes a custom-format backup of the database to `target`."""
    conninfo, _ = libpq_target(url)
    return ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", f"--dbname={conninfo}"]


def pg_restore_command(url: URL, backup_file: Path) -> list[str]:
    """The pg_restore command that replaces the database with a backup file, in one transaction."""
    conninfo, _ = libpq_target(url)
    return ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
            "--exit-on-error", f"--dbname={conninfo}", str(backup_file)]


def shell_line(url: URL, command: list[str]) -> str:
    """The command as one line to paste into a shell (the password left for the operator to fill in)."""
    prefix = "PGPASSWORD='<password>' " if url.password else ""
    return prefix + shlex.join(command)


def _program(url: URL, command: list[str]) -> str:
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(f"{command[0]} is not installed here (it comes with the PostgreSQL client package). "
                          f"Run this on a machine that has it:\n  {shell_line(url, command)}")
    return program


def _run(url: URL, command: list[str]) -> None:
    program = _program(url, command)
    _, env = libpq_target(url)
    done = subprocess.run([program, *command[1:]], env={**os.environ, **env}, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed (exit {done.returncode}): {done.stderr.strip()}")


def backup_postgres(url: URL, target: Path) -> Done:
    """Run pg_dump to `target` (written privately, then moved into place)."""
    _program(url, pg_dump_command(url, target))  # says what to run, with the real file name, when it is missing
    partial = _private_partial(target)
    try:
        _run(url, pg_dump_command(url, partial))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Done(f"Backed up PostgreSQL database {url.database} to {target} ({target.stat().st_size:,} bytes, "
                "pg_dump custom format)", target)


def restore_postgres(url: URL, backup_file: Path, safety_dir: Path) -> Done:
    """Run pg_restore from a pg_dump custom-format file, after a safety copy in `safety_dir`."""
    with backup_file.open("rb") as fh:
        if fh.read(5) != b"PGDMP":
            raise BackupError(f"{backup_file} is not a pg_dump custom-format backup (made by `lms backup`)")
    _program(url, pg_restore_command(url, backup_file))
    safety_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    safety = _safety_path(safety_dir, str(url.database), ".dump")
    backup_postgres(url, safety)
    _run(url, pg_restore_command(url, backup_file))
    return Done(f"Restored PostgreSQL database {url.database} from {backup_file}", Path(backup_file), safety)


# --- either -------------------------------------------------------------------------------------------------------


def backup(database_url: str, target: Path) -> Done:
    """Write a consistent backup of the whole database to `target` (owner-only permissions)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return backup_sqlite(url, target)
    if url.get_backend_name() == "postgresql":
        return backup_postgres(url, target)
    raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported: use the database's own tools")


def restore(database_url: str, backup_file: Path, safety_dir: Path) -> Done:
    """Replace the whole database with a backup, after saving a safety copy of it (beside a SQLite database,
    in `safety_dir` for PostgreSQL). The caller must first close its own connections."""
    if not backup_file.is_file():
        raise BackupError(f"There is no backup file at {backup_file}")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return restore_sqlite(url, backup_file)
    if url.get_backend_name() == "postgresql":
        return restore_postgres(url, backup_file, safety_dir)
    raise BackupError(f"Restores of {url.get_backend_name()} databases are not supported")
