"""Previews of large files in the background, so the request returns at once and the page shows progress.

The request only stores the batch as "processing", with its file, in the database; a worker (lms.imports.worker)
reads it. With LMS_IMPORT_WORKER=thread (the default) the web process that took the upload starts that worker in a
thread of its own once the request has committed; with `process`, `lms work-imports` or `lms run-scheduler` on any
machine picks it up, so the preview survives a restart of the web server.
"""

from __future__ import annotations

import hashlib
import threading

from flask import current_app

from importers import FileRefused
from importers.guard import sniff
from lms.audit import service as audit
from lms.core.transaction import committing
from lms.extensions import db
from lms.imports import worker
from lms.imports.errors import ImportRefused
from lms.imports.service import check_request, run_import
from lms.imports.storage import clean_filename, store_file
from lms.models import ImportBatch, User, utcnow

# Files up to this size are previewed within the request; larger ones in the background.
BACKGROUND_BYTES = 256 * 1024


def start_preview(kind: str, data: bytes, filename: str, force_code: str, user: User) -> ImportBatch:
    """Preview a small file now, or store a large one as a "processing" batch for a worker. Flushes."""
    force = check_request(kind, force_code, user)
    filename = clean_filename(filename)
    threshold = current_app.config.get("BACKGROUND_IMPORT_BYTES", BACKGROUND_BYTES)
    try:
        sniff(data, filename)  # cheap: an unreadable file is refused before anything is stored
        readable = True
    except FileRefused:
        readable = False
    if len(data) <= threshold or not readable:
        outcome = run_import(kind, data, filename, force_code, user, mode="preview")
        return outcome.batch
    # heartbeat_at is when it was queued until a worker claims it (lms.imports.worker.expire_stale).
    batch = ImportBatch(kind=kind, force_id=force.id if force else None, filename=filename[:255],
                        sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), uploaded_by_id=user.id,
                        status="processing", stored_name=store_file(data), options={}, heartbeat_at=utcnow())
    db.session.add(batch)
    db.session.flush()
    audit.record("import.uploaded", user, force_id=batch.force_id, target=f"batch {batch.id}", kind=kind,
                 filename=filename)
    return batch


def run_pending(batch: ImportBatch | None) -> threading.Thread | None:
    """With LMS_IMPORT_WORKER=thread, claim a processing batch and read it in a thread of this process (after the
    request committed it); with `process`, nothing: a worker process claims it."""
    if batch is None or batch.status != "processing" or current_app.config.get("IMPORT_WORKER") == "process":
        return None
    app = current_app._get_current_object()
    thread = threading.Thread(target=_claim_and_work, args=(app, batch.id), name=f"import-{batch.id}", daemon=True)
    thread.start()
    return thread


def _claim_and_work(app, batch_id: int) -> None:
    with app.app_context():
        try:
            with committing():
                claimed = worker.claim(batch_id)
        finally:
            db.session.remove()
    if claimed is not None:  # else another worker was quicker
        worker.work(app, *claimed)


def expire_if_stale(batch: ImportBatch) -> ImportBatch:
    """The batch, marked "failed" first if it is a preview whose worker stopped or never started. Flushes."""
    worker.expire_stale(batch)
    return batch


def retry_preview(batch: ImportBatch, user: User | None) -> ImportBatch:
    """Queue a failed background preview again, from its stored file. Flushes; the caller commits, then calls
    run_pending."""
    if batch.status != "failed":
        raise ImportRefused(f"Batch {batch.id} is {batch.status.replace('_', ' ')}: only a preview that failed can "
                           "be tried again", 409)
    if not batch.stored_name:
        raise ImportRefused(f"The original file of batch {batch.id} is no longer kept: upload the file again", 409)
    batch.status = "processing"
    batch.claimed_at = batch.claimed_by = None
    batch.heartbeat_at = utcnow()
    batch.progress_rows = batch.progress_total = 0
    batch.summary = {}
    audit.record("import.retried", user, force_id=batch.force_id, target=f"batch {batch.id}", kind=batch.kind)
    db.session.flush()
    return batch
