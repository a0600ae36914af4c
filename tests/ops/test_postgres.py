"""PostgreSQL-only behaviour (skipped on SQLite): query plans after bulk imports, and the row lock on a force.

Run with LMS_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test (as .ci/run does).
"""

from __future__ import annotations

import os
import threading
import time
from datetime import date

import pytest
from sqlalchemy import event, select, text

from lms.extensions import db
from lms.imports import apply as import_apply
from lms.imports import service as imports
from lms.imports.service import run_import
from lms.models import Force
from tests.support.files import P, learning, roster

pytestmark = pytest.mark.skipif(
    not (os.environ.get("LMS_TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="PostgreSQL only: set LMS_TEST_DATABASE_URL",
)

PEOPLE = [P(f"K{n:05}", f"Fore{n}", f"Sur{n}") for n in range(1500)]


def big_learning(rows: int) -> bytes:
    codes = ["M1", "M2", "M3", "M4"]
    return learning([(PEOPLE[(n // 4) % len(PEOPLE)], codes[n % 4], "Completed", date(2025, 5, 1 + n % 28))
                     for n in range(rows)])


def test_the_figures_after_a_large_import_are_planned_from_fresh_statistics(app, monkeypatch):
    """A force's first big upload: without ANALYZE in the transaction the figures query re-aggregated every record
    once per person (a nested loop; 40 s for 5,000 people and 60,000 records) while the force was locked."""
    run_import("roster", roster(PEOPLE), "roster.csv", "kent", None)
    db.session.commit()
    seen: dict = {}
    real_refresh = imports.refresh_snapshots

    def spy(**kwargs):
        captured: list = []

        def capture(conn, cursor, statement, parameters, context, executemany):
            if "GROUP BY person.force_id" in statement and "learning_record" in statement and not captured:
                captured.append((statement, parameters))

        connection = db.session.connection()
        event.listen(connection, "before_cursor_execute", capture)
        try:
            result = real_refresh(**kwargs)
        finally:
            event.remove(connection, "before_cursor_execute", capture)
        seen["reltuples"] = db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'learning_record'"))
        statement, parameters = captured[0]
        seen["plan"] = "\n".join(r[0] for r in connection.exec_driver_sql("EXPLAIN " + statement, parameters))
        return result

    monkeypatch.setattr(imports, "refresh_snapshots", spy)
    rows = 6000
    assert rows >= import_apply.ANALYZE_AFTER_ROWS

    outcome = run_import("college-learn", big_learning(rows), "big.xlsx", "kent", None)
    db.session.commit()

    assert outcome.summary["status"] == "committed" and outcome.summary["rows"] == rows
    assert seen["reltuples"] >= rows * 0.9  # the transaction's own rows are in the statistics
    assert "Nested Loop" not in seen["plan"], seen["plan"]


def test_a_small_import_does_not_analyze(app, monkeypatch):
    calls: list = []
    monkeypatch.setattr(import_apply, "_refresh_statistics", lambda models: calls.append(models))
    run_import("roster", roster(PEOPLE[:10]), "roster.csv", "kent", None)
    db.session.commit()
    assert calls == []


def test_an_import_waits_for_the_force_row_lock_and_then_sees_the_committed_data(app):
    """The lock _lock_forces takes is a real row lock: a transaction holding kent's row makes an import wait."""
    run_import("roster", roster(PEOPLE[:20]), "roster.csv", "kent", None)
    db.session.commit()
    kent_id = db.session.scalar(select(Force.id).where(Force.code == "kent"))
    holder = db.engine.connect()
    tx = holder.begin()
    holder.execute(text("SELECT id FROM force WHERE id = :id FOR UPDATE"), {"id": kent_id})
    done: dict = {}

    def other() -> None:
        with app.app_context():
            started = time.monotonic()
            outcome = run_import("college-learn", big_learning(40), "c.xlsx", "kent", None)
            db.session.commit()
            done["waited"] = time.monotonic() - started
            done["summary"] = outcome.summary
            db.session.remove()

    thread = threading.Thread(target=other)
    thread.start()
    time.sleep(1.5)
    assert thread.is_alive()  # blocked on kent's row
    tx.commit()
    holder.close()
    thread.join(60)

    assert done["summary"]["status"] == "committed"
    assert done["waited"] >= 1.4


def test_imports_for_different_forces_do_not_wait_for_each_other(app):
    kent_id = db.session.scalar(select(Force.id).where(Force.code == "kent"))
    holder = db.engine.connect()
    tx = holder.begin()
    holder.execute(text("SELECT id FROM force WHERE id = :id FOR UPDATE"), {"id": kent_id})
    try:
        started = time.monotonic()
        essex = [P("E001", "Eve", "Ash", force="essex")]
        outcome = run_import("roster", roster(essex), "roster.csv", "essex", None)
        db.session.commit()
        assert outcome.summary["status"] == "committed"
        assert time.monotonic() - started < 10
    finally:
        tx.rollback()
        holder.close()
