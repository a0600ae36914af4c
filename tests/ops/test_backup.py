"""`lms backup FILE` and `lms restore FILE --yes`: a restore gives back exactly the figures of the backup.

Runs on SQLite, and on PostgreSQL (pg_dump / pg_restore) when LMS_TEST_DATABASE_URL points at a server.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import date

import pytest
from sqlalchemy import create_engine, delete, func, select
from sqlalchemy.engine import make_url

from lms import create_app
from lms.cli import cli
from lms.extensions import db
from lms.models import AuditEvent, Base, LearningRecord, Person, StoredUpload
from lms.ops import backup as backup_service
from tests.support.app import fresh_database_url
from tests.support.files import P, all_modules, learning, roster

D = date(2025, 6, 1)
AS_OF = "2025-07-01"
PEOPLE = [P(f"K{n:03}", f"Fore{n}", f"Sur{n}", "investigator" if n % 3 else "frontline") for n in range(40)]


@pytest.fixture
def own_app(tmp_path):
    """An app on a database of its own (a restore replaces the whole database)."""
    url = fresh_database_url(tmp_path, "backup")
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp_path / "instance"),
        "UPLOAD_DIR": str(tmp_path / "instance" / "uploads"), "SECRET_KEY": "backup", "RATELIMIT_ENABLED": False,
    })
    with app.app_context():
        from lms.forces.reference import load_reference_data

        load_reference_data()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def lms(app, *args: str):
    return app.test_cli_runner().invoke(cli, list(args))


def league(app) -> dict:
    result = lms(app, "league-table", "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def kent(table: dict) -> dict:
    return next(f for f in table["forces"] if f["code"] == "kent")


def load(app, tmp_path, kind: str, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = lms(app, "import", kind, str(path), "--force", "kent")
    assert result.exit_code == 0, result.output


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        out = (db.session.scalar(select(func.count()).select_from(Person)),
               db.session.scalar(select(func.count()).select_from(LearningRecord)),
               db.session.scalar(select(func.count()).select_from(AuditEvent)))
        db.session.remove()
        return out


def test_backup_change_restore_gives_back_the_same_league_table(own_app, tmp_path):
    load(own_app, tmp_path, "roster", "roster.csv", roster(PEOPLE))
    load(own_app, tmp_path, "college-learn", "first.xlsx",
         learning([e for p in PEOPLE[:10] for e in all_modules(p, D)]))
    before = league(own_app)
    assert kent(before)["elearning"]["complete"] == 10

    backup_file = tmp_path / "backups" / "lms-backup.db"
    result = lms(own_app, "backup", str(backup_file))
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    assert stat.S_IMODE(backup_file.stat().st_mode) == 0o600  # personal data
    people, records, _ = counts(own_app)

    # Change the data: more completions, a new roster that makes leavers.
    load(own_app, tmp_path, "college-learn", "second.xlsx",
         learning([e for p in PEOPLE[10:30] for e in all_modules(p, D)]))
    load(own_app, tmp_path, "roster", "roster2.csv", roster(PEOPLE[:25] + [P("K999", "New", "Person")]))
    changed = league(own_app)
    assert changed != before

    refused = lms(own_app, "restore", str(backup_file))
    assert refused.exit_code == 1 and "--yes" in refused.output
    assert league(own_app) == changed  # nothing restored without --yes

    result = lms(own_app, "restore", str(backup_file), "--yes")

    assert result.exit_code == 0, result.output
    assert league(own_app) == before
    restored_people, restored_records, _ = counts(own_app)
    assert (restored_people, restored_records) == (people, records)
    # The database as it was before the restore was kept, and it holds the changed figures.
    safety_line = next(line for line in result.output.splitlines() if line.startswith("Safety copy"))
    safety = safety_line.split(": ", 1)[1].strip()
    assert os.path.exists(safety)
    again = lms(own_app, "restore", safety, "--yes")
    assert again.exit_code == 0, again.output
    assert league(own_app) == changed
    # The service keeps working on the restored database: another import goes in.
    load(own_app, tmp_path, "college-learn", "third.xlsx", learning(all_modules(PEOPLE[35], D)))


def test_a_restored_backup_holds_the_originals_so_a_waiting_preview_still_commits(own_app, tmp_path):
    """Originals live in the database (not on one server's disk), so a backup holds them."""
    from lms.imports.service import commit_preview, get_batch, run_import
    from lms.imports.storage import stored_file

    load(own_app, tmp_path, "roster", "roster.csv", roster(PEOPLE))
    waiting = learning([e for p in PEOPLE[:5] for e in all_modules(p, D)])
    with own_app.app_context():
        batch_id = run_import("college-learn", waiting, "waiting.xlsx", "kent", None, mode="preview").batch.id
        db.session.commit()
        db.session.remove()
    backup_file = tmp_path / "backups" / "with-originals.db"
    assert lms(own_app, "backup", str(backup_file)).exit_code == 0
    with own_app.app_context():  # every original lost since the backup
        db.session.execute(delete(StoredUpload))
        db.session.commit()
        db.session.remove()

    result = lms(own_app, "restore", str(backup_file), "--yes")

    assert result.exit_code == 0, result.output
    with own_app.app_context():
        batch = get_batch(batch_id, None)
        assert stored_file(batch) == waiting
        assert commit_preview(batch, None).summary["status"] == "committed"
        db.session.commit()
        db.session.remove()
    assert kent(league(own_app))["elearning"]["complete"] == 5
    assert not (tmp_path / "instance" / "uploads").exists()  # nothing needed from the server's disk


def test_backup_and_restore_are_audited(own_app, tmp_path):
    backup_file = tmp_path / "b.db"
    assert lms(own_app, "backup", str(backup_file)).exit_code == 0
    assert lms(own_app, "restore", str(backup_file), "--yes").exit_code == 0
    with own_app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        db.session.remove()
    # The backup was taken before its own audit entry was written; the restore then adds its entry.
    assert actions == ["database.restored"]


def test_restoring_something_that_is_not_a_backup_changes_nothing(own_app, tmp_path):
    load(own_app, tmp_path, "roster", "roster.csv", roster(PEOPLE))
    before = league(own_app)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)

    result = lms(own_app, "restore", str(junk), "--yes")

    assert result.exit_code == 1
    assert "not" in result.output and "junk.db" in result.output
    assert league(own_app) == before


def test_a_sqlite_database_of_something_else_is_not_restored(own_app, tmp_path):
    if make_url(own_app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "sqlite":
        pytest.skip("SQLite restore")
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.commit()
    conn.close()
    before = league(own_app)

    result = lms(own_app, "restore", str(other), "--yes")

    assert result.exit_code == 1
    assert "is not a backup of this service" in result.output
    assert league(own_app) == before


def test_a_sqlite_backup_is_one_self_contained_intact_file(own_app, tmp_path):
    if make_url(own_app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "sqlite":
        pytest.skip("SQLite backup file")
    load(own_app, tmp_path, "roster", "roster.csv", roster(PEOPLE))
    backup_file = tmp_path / "b.db"
    assert lms(own_app, "backup", str(backup_file)).exit_code == 0

    assert not (tmp_path / "b.db-wal").exists()
    conn = sqlite3.connect(backup_file)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == len(PEOPLE)
    conn.close()
    assert not list(tmp_path.glob(".b.db.*.partial"))


def test_a_backup_onto_the_database_itself_is_refused(own_app):
    url = make_url(own_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite")
    result = lms(own_app, "backup", url.database)
    assert result.exit_code == 1
    assert "cannot be the database itself" in result.output


def test_without_pg_dump_the_exact_command_is_printed_and_the_exit_code_is_1(tmp_path, monkeypatch):
    monkeypatch.setattr(backup_service.shutil, "which", lambda _name: None)
    url = "postgresql+psycopg://lms:s3cret@db.internal:5433/lms?sslmode=require"

    with pytest.raises(backup_service.BackupError) as caught:
        backup_service.backup(url, tmp_path / "lms.dump")

    message = str(caught.value)
    assert "pg_dump is not installed" in message
    assert ("PGPASSWORD='<password>' pg_dump --format=custom --no-owner --no-privileges --file="
            in message)
    assert "'--dbname=postgresql://lms@db.internal:5433/lms?sslmode=require'" in message
    assert "s3cret" not in message  # never print the password
    assert not (tmp_path / "lms.dump").exists()


def test_the_backup_command_exits_1_with_the_message_when_it_cannot_back_up(tmp_path, monkeypatch):
    monkeypatch.setattr(backup_service.shutil, "which", lambda _name: None)
    app = create_app({"TESTING": True, "INSTANCE_DIR": str(tmp_path / "i"), "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/none"})

    result = lms(app, "backup", str(tmp_path / "x.dump"))

    assert result.exit_code == 1
    assert "pg_dump --format=custom" in result.stderr


def test_an_in_memory_database_cannot_be_backed_up(tmp_path):
    with pytest.raises(backup_service.BackupError, match="in-memory"):
        backup_service.backup("sqlite://", tmp_path / "x.db")
