"""Where uploads' original files are kept: in the database (`StoredUpload`), under names nobody chooses, served at
no URL, so any instance of the service can commit a preview another made and a backup holds them; and the blank
templates offered for each kind of file.

Files stored before the originals moved into the database (revision 0007) are still read from UPLOAD_DIR.
"""

from __future__ import annotations

import secrets
import unicodedata
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import delete, insert, select

from importers.templates import template_xlsx
from lms.extensions import db
from lms.imports.errors import ImportRefused
from lms.models import KINDS, ImportBatch, StoredUpload

MAX_FILENAME = 255


def clean_filename(filename: str | None) -> str:
    """The uploaded file's name as stored and shown: its last path part (old browsers send the whole path), without
    control characters (PostgreSQL cannot store NUL), at most 255 characters with the extension kept."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs")).strip()
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and 0 < len(ext) <= 10 else ""
        name = (stem if ext else name)[: MAX_FILENAME - len(ext) - 1].rstrip() + ("." + ext if ext else "")
    return name or "upload"


def store_file(data: bytes) -> str:
    """Keep an upload's original bytes in the caller's transaction; returns the stored name. Flushes."""
    # A generated name: the original is evidence, not content, and what the uploader called it decides nothing.
    # A Core insert, so the session's identity map does not hold a second copy of the bytes until the commit.
    name = secrets.token_hex(16) + ".upload"
    db.session.execute(insert(StoredUpload).values(name=name, data=data, size_bytes=len(data)))
    return name


def stored_file(batch: ImportBatch) -> bytes:
    """The original bytes of a batch's file: from the database, or from UPLOAD_DIR for a file stored there before
    the upgrade. ImportRefused (409) when neither has it."""
    name = batch.stored_name
    data = db.session.scalar(select(StoredUpload.data).where(StoredUpload.name == name)) if name else None
    if data is not None:
        return data
    legacy = _legacy_path(name)
    if legacy is not None and legacy.is_file():
        return legacy.read_bytes()
    raise ImportRefused(f"The original file of batch {batch.id} is no longer kept: upload the file again", 409)


def discard_file(name: str | None) -> None:
    """Delete a stored original (a cancelled preview's), wherever it is kept. Flushes."""
    if not name:
        return
    db.session.execute(delete(StoredUpload).where(StoredUpload.name == name))
    legacy = _legacy_path(name)
    if legacy is not None:
        legacy.unlink(missing_ok=True)


def _legacy_path(name: str | None) -> Path | None:
    """Where a file stored before revision 0007 lies; None for a name that is not one of ours (never a path out of
    the folder, whatever the column holds)."""
    if not name or PurePosixPath(name).name != name or "\\" in name or name.startswith("."):
        return None
    return Path(current_app.config["UPLOAD_DIR"]) / name


def template_file(kind: str) -> bytes | None:
    """A blank .xlsx with the canonical headings of `kind`; None for a kind that does not exist."""
    return template_xlsx(kind) if kind in KINDS else None
