"""Atomicity: an import killed half way leaves the database exactly as it was; imports for one force are serialised.

A real `lms import` runs in a subprocess against a database file (or a PostgreSQL database when
LMS_TEST_DATABASE_URL is set) and is killed with SIGKILL while its transaction is open:

- deterministically, with tests/support/paused_lms.py: an `lms` whose import stops, transaction open, after
  writing a given number of rows (the app's IMPORT_ROWS_WRITTEN setting; nothing in the product reads the
  environment for it);
- and with no hook at all, at arbitrary moments after the import took the force's write lock.

Every row of every table is compared before and after; SQLite's integrity check must pass; and the same file then
imports completely, so the kill was not of an import that could never have worked.
"""

from __future__ import annotations

import io
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from lms import create_app
from lms.extensions import db
from lms.imports.service import run_import
from lms.models import Base, ImportBatch, LearningRecord, Person
from tests.support.app import fresh_database_url
from tests.support.files import P, all_modules, learning, roster

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIG_ROWS = 60_000
PEOPLE = 5_000
TITLES = [
    "OIC module 1: introduction to organised immigration crime",
    "OIC module 2: legislation and powers",
    "OIC module 3: incident types and the investigative mindset",
    "OIC module 4: inland case study",
]
HEADERS = ["Staff number", "Email", "First name", "Last name", "Organisation", "Course", "Status", "Date completed"]


# --- files --------------------------------------------------------------------------------------------------------


def fast_xlsx(rows: list[list]) -> bytes:
    """A minimal .xlsx (inline strings, one sheet) written directly: openpyxl takes ~10 s for 60,000 rows."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    sheet = [f'{head}<worksheet xmlns="{ns}"><sheetData>']
    for r, row in enumerate(rows, 1):
        cells = "".join(f'<c r="{letters[i]}{r}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
                        for i, v in enumerate(row))
        sheet.append(f'<row r="{r}">{cells}</row>')
    sheet.append("</sheetData></worksheet>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
                    'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                    'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                    '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        zf.writestr("_rels/.rels", f'{head}<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                    f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", f'{head}<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets><sheet '
                    'name="Completions" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", f'{head}<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                    f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        zf.writestr("xl/worksheets/sheet1.xml", "".join(sheet))
    return buf.getvalue()


def completions(people: range, rows: int | None = None, start: date = date(2024, 1, 1)) -> bytes:
    """College Learn rows for staff numbers in `people` (some not on the roster: unmatched), cycling modules."""
    out: list[list] = [HEADERS]
    learners = list(people)
    total = rows if rows is not None else len(learners) * 4
    for n in range(total):
        i = learners[(n // 4) % len(learners)]
        day = start + timedelta(days=n % 500)
        out.append([f"K{i:06}", f"p{i}@kent.police.invalid", f"Fore{i}", f"Sur{i}", "Kent Police", TITLES[n % 4],
                    "Completed", day.strftime("%d/%m/%Y")])
    return fast_xlsx(out)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("atomicity-files")
    made = {
        "roster.csv": roster([P(f"K{i:06}", f"Fore{i}", f"Sur{i}", mail=f"p{i}@kent.police.invalid")
                              for i in range(PEOPLE)]),
        "BIG.xlsx": completions(range(PEOPLE + 500), BIG_ROWS),
        "first.xlsx": completions(range(0, 500)),
        "second.xlsx": completions(range(250, 750), start=date(2024, 3, 1)),
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in made}


# --- a database of its own, and a subprocess that imports into it -------------------------------------------------


class Live:
    def __init__(self, url: str, folder: Path):
        self.url = url
        self.folder = folder
        self.engine = create_engine(url, poolclass=NullPool)

    @property
    def sqlite_path(self) -> Path | None:
        parsed = make_url(self.url)
        return Path(parsed.database) if parsed.get_backend_name() == "sqlite" else None

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
        env.update(LMS_DATABASE_URL=self.url, LMS_INSTANCE_PATH=str(self.folder / "instance"),
                   LMS_SECRET_KEY="atomicity", PYTHONUNBUFFERED="1", **extra)
        return env

    def start(self, *args: str, pause_after_rows: int | None = None, pause_seconds: float = 600) -> subprocess.Popen:
        """`lms ARGS` in its own process; with `pause_after_rows`, an import that stops mid-write."""
        if pause_after_rows is None:
            script = Path(sys.executable).with_name("lms")
            command = [str(script)] if script.exists() else [sys.executable, "-c", "from lms.cli import main; main()"]
        else:
            command = [sys.executable, "-m", "tests.support.paused_lms", str(pause_after_rows), str(pause_seconds)]
        return subprocess.Popen([*command, *args], env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, cwd=ROOT)

    def state(self) -> dict[str, list[tuple]]:
        """Every row of every table."""
        out = {}
        with self.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key))]
        return out

    def count(self, model) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(model))

    def batches(self) -> list[tuple[int, str]]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(select(ImportBatch.id, ImportBatch.status).order_by(ImportBatch.id))]

    def assert_intact(self) -> None:
        if self.sqlite_path is not None:
            conn = sqlite3.connect(self.sqlite_path)
            try:
                assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            finally:
                conn.close()
        else:
            # The server ended the killed client's transaction: nothing is left open on this database.
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with self.engine.connect() as conn:
                    open_ = conn.scalar(text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"))
                if open_ == 0:
                    return
                time.sleep(0.1)
            raise AssertionError("a transaction of the killed import is still open")

    def writer_active(self) -> bool:
        """Is an import holding the write lock (SQLite) or inserting records (PostgreSQL) right now?"""
        if self.sqlite_path is not None:
            conn = sqlite3.connect(self.sqlite_path, timeout=0, isolation_level=None)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:
                return True
            finally:
                conn.close()
        with self.engine.connect() as conn:
            return bool(conn.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND xact_start IS NOT NULL AND query ILIKE 'INSERT INTO learning_record%'")))


@pytest.fixture
def live(tmp_path, files):
    """Kent with a roster of 5,000 and one small committed College Learn batch, in a database of its own."""
    url = fresh_database_url(tmp_path, "atomic")
    engine = create_engine(url, poolclass=NullPool)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": str(tmp_path / "instance"),
                      "UPLOAD_DIR": str(tmp_path / "instance" / "uploads"), "SECRET_KEY": "atomicity",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        from lms.forces.reference import load_reference_data

        load_reference_data()
        run_import("roster", files["roster.csv"].read_bytes(), "roster.csv", "kent", None)
        run_import("college-learn", learning(all_modules(P("K000001", "Fore1", "Sur1"), date(2025, 1, 6))),
                   "earlier.xlsx", "kent", None)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    handle = Live(url, tmp_path)
    yield handle
    handle.engine.dispose()


class Lines:
    """Collect a process's stderr lines in a thread, so a test can wait for one without blocking forever."""

    def __init__(self, proc: subprocess.Popen):
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.thread = threading.Thread(target=self._pump, args=(proc.stderr,), daemon=True)
        self.thread.start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.queue.put(line)

    def wait_for(self, marker: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if marker in line:
                return line
        raise AssertionError(f"no {marker!r} within {timeout} s; stderr so far: {''.join(self.seen)[-2000:]}")


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()


def run_to_end(proc: subprocess.Popen, timeout: float = 240) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


# --- killed mid-import --------------------------------------------------------------------------------------------


def test_an_import_killed_while_writing_rows_leaves_the_database_exactly_as_before(live, files):
    before = live.state()
    records_before = live.count(LearningRecord)

    proc = live.start("import", "college-learn", str(files["BIG.xlsx"]), "--force", "kent",
                      pause_after_rows=30000)
    line = Lines(proc).wait_for("LMS_TEST_PAUSED", timeout=180)
    assert "after 30000 rows" in line
    assert live.writer_active() or live.sqlite_path is None  # SQLite: the write lock is held, transaction open
    kill(proc)

    assert proc.returncode == -signal.SIGKILL
    live.assert_intact()
    assert live.state() == before

    # The same command, left alone, imports every row: the kill really was of a working import.
    code, out, err = run_to_end(live.start("import", "college-learn", str(files["BIG.xlsx"]), "--force", "kent"))
    assert code == 0, err
    assert "committed" in out
    assert live.count(LearningRecord) == records_before + BIG_ROWS
    assert live.batches()[-1][1] == "committed"
    live.assert_intact()


@pytest.mark.parametrize("delay", [0.0, 0.4])
def test_an_import_killed_at_an_arbitrary_moment_with_no_hook_changes_nothing_or_everything(live, files, delay):
    before = live.state()
    records_before = live.count(LearningRecord)

    proc = live.start("import", "college-learn", str(files["BIG.xlsx"]), "--force", "kent")
    deadline = time.monotonic() + 180
    while not live.writer_active():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.01)
    time.sleep(delay)
    finished = proc.poll() is not None
    kill(proc)

    live.assert_intact()
    after = live.state()
    if finished:  # it committed before the kill: then all of it is there
        assert live.count(LearningRecord) == records_before + BIG_ROWS
    else:
        assert after == before


def test_a_killed_import_does_not_block_the_next_one_for_the_force(live, files):
    proc = live.start("import", "college-learn", str(files["BIG.xlsx"]), "--force", "kent",
                      pause_after_rows=5000)
    Lines(proc).wait_for("LMS_TEST_PAUSED", timeout=180)
    kill(proc)

    # A lock the dead process still held would make this wait for ever (PostgreSQL) or fail with "database is
    # locked" after the busy timeout (SQLite).
    code, _out, err = run_to_end(live.start("import", "college-learn", str(files["first.xlsx"]), "--force", "kent"))

    assert code == 0, err
    assert live.batches()[-1][1] == "committed"


# --- two imports for one force at once ----------------------------------------------------------------------------


def test_two_imports_for_the_same_force_at_once_run_one_after_the_other(live, files):
    records_before = live.count(LearningRecord)
    batches_before = len(live.batches())

    first = live.start("import", "college-learn", str(files["first.xlsx"]), "--force", "kent", "--json",
                       pause_after_rows=1000, pause_seconds=6)
    first_lines = Lines(first)
    first_lines.wait_for("LMS_TEST_PAUSED", timeout=120)
    second = live.start("import", "college-learn", str(files["second.xlsx"]), "--force", "kent", "--json")

    # The first holds its force while paused; the second waits for it rather than failing or interleaving.
    first_out = first.communicate(timeout=240)[0]
    second_out, second_err = second.communicate(timeout=240)
    first_done_at = time.monotonic()

    import json

    assert first.returncode == 0
    assert second.returncode == 0, second_err
    a, b = json.loads(first_out), json.loads(second_out)
    assert a["status"] == b["status"] == "committed"
    assert b["id"] > a["id"]
    assert live.count(LearningRecord) == records_before + a["rows"] + b["rows"] == records_before + 2000 + 2000
    assert len(live.batches()) == batches_before + 2
    # The second was planned after the first committed: people 250-499 were already complete.
    assert a["new_completions"] == 500 * 4 - 4  # K000001 completed all four modules before
    assert b["new_completions"] == 250 * 4
    assert first_done_at  # both finished; the order is shown by the figures above
    live.assert_intact()


@pytest.fixture
def paused_apply(app):
    """Make the first import of this app to write rows wait (transaction open) until released."""
    paused, release = threading.Event(), threading.Event()
    state = {"done": False}

    def pause(written: int) -> None:
        if not state["done"]:
            state["done"] = True
            paused.set()
            release.wait(30)

    app.config["IMPORT_ROWS_WRITTEN"] = pause
    return paused, release


def test_two_identical_rosters_at_once_create_each_person_once(app, paused_apply):
    paused, release = paused_apply
    people = [P(f"E{n:04}", f"Fore{n}", f"Sur{n}", force="essex") for n in range(300)]
    data = roster(people)
    results: dict[str, dict] = {}
    errors: list[BaseException] = []

    def go(label: str, payload: bytes) -> None:
        with app.app_context():
            try:
                outcome = run_import("roster", payload, f"{label}.csv", "essex", None)
                db.session.commit()
                results[label] = outcome.summary
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                db.session.rollback()
            finally:
                db.session.remove()

    first = threading.Thread(target=go, args=("first", data))
    first.start()
    assert paused.wait(30)
    # Different bytes (a trailing newline), so it is not recognised as the same file.
    second = threading.Thread(target=go, args=("second", data + b"\n"))
    second.start()
    time.sleep(1.0)
    assert second.is_alive()  # waiting for the first to finish with essex
    release.set()
    first.join(60)
    second.join(60)

    assert errors == []
    assert results["first"]["people_added"] == 300
    assert results["second"]["people_added"] == 0 and results["second"]["leavers"] == 0
    db.session.expire_all()
    staff = list(db.session.scalars(select(Person.staff_key).where(Person.force_id == _force_id("essex"))))
    assert len(staff) == len(set(staff)) == 300


def _force_id(code: str) -> int:
    from lms.models import Force

    return db.session.scalar(select(Force.id).where(Force.code == code))
