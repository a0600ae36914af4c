"""The import worker: background previews claimed from the database by whichever process is free.

A web request stores a large upload as a "processing" batch (lms.imports.background.start_preview) and returns. A
worker claims it with one conditional UPDATE (`... WHERE status = 'processing' AND claimed_at IS NULL`), so exactly
one worker reads it however many instances of the service run, and beats the batch's heartbeat while it works. The
workers are `lms work-imports`, the loop beside `lms run-scheduler`, or (LMS_IMPORT_WORKER=thread, the default) a
thread of the web process that took the upload.

A batch whose heartbeat stops (its worker was killed, its machine restarted) is marked "failed" once
IMPORT_TIMEOUT_SECONDS have passed, and one no worker claims within IMPORT_QUEUE_TIMEOUT_SECONDS likewise, each
with a message saying what to do; the lead may try again (lms.imports.background.retry_preview) or cancel.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from lms.audit import service as audit
from lms.core.transaction import committing
from lms.extensions import db
from lms.imports.service import run_import
from lms.imports.storage import stored_file
from lms.models import ImportBatch, utcnow

log = logging.getLogger(__name__)

ACTOR = "import worker"
STOPPED = ("The worker reading this file stopped before it finished (nothing was heard from it for {seconds:g} "
           "seconds), so nothing was imported. Try again, or cancel the upload.")
NEVER_STARTED = ("No import worker started reading this file within {minutes:g} minutes, so nothing was imported. "
                 "Try again; if it happens again, ask the service owner to check that `lms work-imports` (or "
                 "`lms run-scheduler`) is running.")
BROKEN = ("Something went wrong while reading this file, so nothing was imported. Try again; if it fails again, "
          "check that the file opens in Excel, or cancel the upload.")


class Superseded(Exception):
    """The batch stopped being this worker's while it read the file (marked failed, tried again elsewhere)."""


def heartbeat_seconds(config) -> float:
    """How often a worker says it is alive: often enough that a few missed beats never reach the timeout."""
    return max(0.05, min(10.0, float(config["IMPORT_TIMEOUT_SECONDS"]) / 4))


def new_token() -> str:
    """Who claimed a batch, unique per claim: the machine and process (for the operator), and a random part."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(6)}"


def _waiting(batch_id: int):
    return and_(ImportBatch.id == batch_id, ImportBatch.status == "processing", ImportBatch.claimed_at.is_(None))


def claim(batch_id: int | None = None) -> tuple[int, str] | None:
    """Claim a waiting batch (this one, or the oldest waiting): (its id, the claim's token), or None when none waits
    or another worker was quicker. Flushes: the caller commits straight away, so other workers see the claim."""
    if batch_id is not None:
        candidates = [batch_id]
    else:
        candidates = list(db.session.scalars(
            select(ImportBatch.id).where(ImportBatch.status == "processing", ImportBatch.claimed_at.is_(None))
            .order_by(ImportBatch.id).limit(10)))
    now = utcnow()
    for candidate in candidates:
        token = new_token()
        # The WHERE is checked again under the row's lock: of two workers racing, one updates a row, one none.
        result = db.session.execute(update(ImportBatch).where(_waiting(candidate))
                                    .values(claimed_at=now, claimed_by=token, heartbeat_at=now)
                                    .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            return candidate, token
    return None


class Heartbeat:
    """A thread that writes the batch's heartbeat_at every few seconds, each beat its own short transaction, for
    as long as the claim is this worker's. It dies with its process: that is how a killed worker is noticed."""

    def __init__(self, engine: Engine, batch_id: int, token: str, every: float):
        self.engine, self.batch_id, self.token, self.every = engine, batch_id, token, every
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, name=f"heartbeat-{batch_id}", daemon=True)

    def beat(self, **values) -> None:
        """Say this worker is alive (and, with values, how far it got)."""
        with self.engine.begin() as conn:
            conn.execute(update(ImportBatch)
                         .where(ImportBatch.id == self.batch_id, ImportBatch.claimed_by == self.token)
                         .values(heartbeat_at=utcnow(), **values))

    def run(self) -> None:
        while not self.done.wait(self.every):
            try:
                self.beat()
            except SQLAlchemyError as exc:  # a lock wait at the end of the preview: the next beat tries again
                log.warning("Heartbeat of batch %s missed: %s", self.batch_id, type(exc).__name__)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.done.set()
        self.thread.join(timeout=30)


def work(app: Flask, batch_id: int, token: str) -> str | None:
    """Preview a claimed batch in an app context of its own, beating its heartbeat; the batch's status after (None
    when it stopped being this worker's). Commits: a worker is a boundary."""
    with app.app_context():
        try:
            with Heartbeat(db.engine, batch_id, token, heartbeat_seconds(app.config)) as heart:
                return _preview(batch_id, token, heart)
        except Superseded:
            log.warning("Batch %s was taken from this worker (%s) before it finished", batch_id, token)
            return None
        except Exception:  # noqa: BLE001 - a worker must always leave the batch in a final state
            log.exception("Background preview of batch %s failed", batch_id)
            db.session.rollback()
            return _give_up(batch_id, token)
        finally:
            db.session.remove()


def _preview(batch_id: int, token: str, heart: Heartbeat) -> str:
    batch = db.session.get(ImportBatch, batch_id)
    force_code = batch.force.code if batch.force else "all"
    data = stored_file(batch)

    def progress(done: int, total: int) -> None:
        # Its own short transaction, so the progress page sees it at once; a missed one only delays the bar.
        try:
            heart.beat(progress_rows=done, progress_total=total)
        except SQLAlchemyError as exc:
            log.warning("Progress of batch %s not recorded: %s", batch_id, type(exc).__name__)

    with committing():
        run_import(batch.kind, data, batch.filename, force_code, batch.uploaded_by, mode="preview", batch=batch,
                   progress=progress, column_map=(batch.options or {}).get("column_map"))
        # Still ours? Checked in the preview's own transaction: a batch failed or claimed again meanwhile is left
        # as the other side made it, and this preview is rolled back.
        still = db.session.execute(update(ImportBatch).where(ImportBatch.id == batch_id,
                                                             ImportBatch.claimed_by == token)
                                   .values(heartbeat_at=utcnow()).execution_options(synchronize_session=False))
        if still.rowcount != 1:
            raise Superseded(batch_id)
    return batch.status


def _give_up(batch_id: int, token: str) -> str | None:
    """An unexpected error: the batch becomes "failed" (if it is still this worker's), to try again or cancel."""
    with committing():
        batch = db.session.get(ImportBatch, batch_id)
        if batch is None or batch.status != "processing" or batch.claimed_by != token:
            return batch.status if batch is not None else None
        _fail(batch, BROKEN)
        return batch.status


def failed_summary(batch: ImportBatch, message: str) -> dict:
    """What a failed batch's page and API answer say (CONTRACT's summary, status "refused" there)."""
    return {"id": batch.id, "kind": batch.kind, "force": batch.force.code if batch.force else "all",
            "status": "failed", "filename": batch.filename, "sha256": batch.sha256, "duplicate_of": None,
            "rows": 0, "accepted": 0, "errors": [], "warnings": [], "message": message}


def _fail(batch: ImportBatch, message: str) -> None:
    batch.status = "failed"
    batch.claimed_by = None  # a worker still holding the old claim can no longer write to the batch
    batch.summary = failed_summary(batch, message)
    audit.record("import.failed", None, actor=ACTOR, force_id=batch.force_id, target=f"batch {batch.id}",
                 kind=batch.kind, reason=message)
    db.session.flush()


def expire_stale(batch: ImportBatch | None = None) -> list[int]:
    """Mark "failed" the previews whose worker stopped (claimed, no heartbeat for IMPORT_TIMEOUT_SECONDS) or that no
    worker started within IMPORT_QUEUE_TIMEOUT_SECONDS: only `batch`, or every one. Returns their ids. Flushes."""
    if batch is not None and batch.status != "processing":
        return []
    config = current_app.config
    now = utcnow()
    stopped = now - timedelta(seconds=float(config["IMPORT_TIMEOUT_SECONDS"]))
    queued = now - timedelta(seconds=float(config["IMPORT_QUEUE_TIMEOUT_SECONDS"]))
    last_sign = func.coalesce(ImportBatch.heartbeat_at, ImportBatch.created_at)
    stale = and_(ImportBatch.status == "processing",
                 or_(and_(ImportBatch.claimed_at.is_not(None), last_sign < stopped),
                     and_(ImportBatch.claimed_at.is_(None), last_sign < queued)))
    query = select(ImportBatch.id).where(stale).order_by(ImportBatch.id).limit(100)
    if batch is not None:
        query = query.where(ImportBatch.id == batch.id)
    failed = []
    for batch_id in list(db.session.scalars(query)):
        # Locked and read again: a heartbeat (or a finished preview) that came meanwhile wins.
        item = db.session.scalar(select(ImportBatch).where(ImportBatch.id == batch_id, stale)
                                 .with_for_update().execution_options(populate_existing=True))
        if item is None:
            continue
        if item.claimed_at is not None:
            _fail(item, STOPPED.format(seconds=float(config["IMPORT_TIMEOUT_SECONDS"])))
        else:
            _fail(item, NEVER_STARTED.format(minutes=round(float(config["IMPORT_QUEUE_TIMEOUT_SECONDS"]) / 60, 1)))
        failed.append(batch_id)
    return failed


def work_once(app: Flask, stop: threading.Event | None = None) -> int:
    """Fail the stale previews, then preview every waiting batch one after another (until `stop` is set); how many
    were previewed."""
    done = 0
    with app.app_context():
        try:
            with committing():
                expire_stale()
        finally:
            db.session.remove()
    while stop is None or not stop.is_set():
        with app.app_context():
            try:
                with committing():
                    claimed = claim()
            finally:
                db.session.remove()
        if claimed is None:
            return done
        work(app, *claimed)
        done += 1
    return done


def run_forever(app: Flask, stop: threading.Event, poll_seconds: float = 1.0) -> None:
    """Work until `stop` is set, looking for waiting batches every `poll_seconds`; a batch being read when `stop`
    is set is finished first. A database that is down is waited for, not given up on."""
    log.info("Import worker %s:%s started", socket.gethostname(), os.getpid())
    while not stop.is_set():
        try:
            work_once(app, stop)
        except SQLAlchemyError as exc:
            log.warning("Import worker cannot reach the database (%s); trying again", type(exc).__name__)
        stop.wait(poll_seconds)
    log.info("Import worker stopped")
