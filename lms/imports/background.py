"""Previews of large files run in a worker thread, so the request returns at once and shows progress."""

from __future__ import annotations

import hashlib
import threading

from flask import current_app
from sqlalchemy import update

from importers import FileRefused
from importers.guard import sniff
from lms.audit import service as audit
from lms.core.transaction import committing
from lms.extensions import db
from lms.imports.service import check_request, run_import
from lms.imports.storage import clean_filename, store_file, stored_file
from lms.models import ImportBatch, User

# Files up to this size are previewed within the request; larger ones in the background.
BACKGROUND_BYTES = 256 * 1024


def start_preview(kind: str, data: bytes, filename: str, force_code: str, user: User) -> ImportBatch:
    """Preview a small file now, or store a large one as a "processing" batch for run_pending. Flushes."""
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
    batch = ImportBatch(kind=kind, force_id=force.id if force else None, filename=filename[:255],
                        sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), uploaded_by_id=user.id,
                        status="processing", stored_name=store_file(data), options={})
    db.session.add(batch)
    db.session.flush()
    audit.record("import.uploaded", user, force_id=batch.force_id, target=f"batch {batch.id}", kind=kind,
                 filename=filename)
    return batch


def run_pending(batch: ImportBatch) -> threading.Thread | None:
    """Start the worker thread for a processing batch (after the request committed it)."""
    if batch is None or batch.status != "processing":
        return None
    app = current_app._get_current_object()
    thread = threading.Thread(target=_work, args=(app, batch.id), name=f"import-{batch.id}", daemon=True)
    thread.start()
    return thread


def _work(app, batch_id: int) -> None:
    with app.app_context():
        try:
            batch = db.session.get(ImportBatch, batch_id)
            user = batch.uploaded_by
            force_code = batch.force.code if batch.force else "all"
            data = stored_file(batch)

            def progress(done: int, total: int) -> None:
                # Its own short transaction, so the progress page sees it at once.
                with db.engine.begin() as conn:
                    conn.execute(update(ImportBatch).where(ImportBatch.id == batch_id)
                                 .values(progress_rows=done, progress_total=total))

            with committing():
                run_import(batch.kind, data, batch.filename, force_code, user, mode="preview", batch=batch,
                           progress=progress)
        except Exception:  # noqa: BLE001 - a worker must always leave the batch in a final state
            app.logger.exception("Background preview of batch %s failed", batch_id)
            with committing():
                batch = db.session.get(ImportBatch, batch_id)
                if batch is not None and batch.status == "processing":
                    batch.status = "refused"
                    batch.summary = {**(batch.summary or {}), "status": "refused",
                                     "message": "The file could not be processed. Nothing was imported; "
                                                "check it opens in Excel and upload it again."}
        finally:
            db.session.remove()
