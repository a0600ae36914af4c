"""Where uploads' original files are kept, under names nobody chooses, outside any served folder; and the
blank templates offered for each kind of file."""

from __future__ import annotations

import os
import secrets
import unicodedata
from pathlib import Path, PurePosixPath

from flask import current_app

from importers.templates import template_xlsx
from lms.models import KINDS, ImportBatch

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
    """Keep an upload's original bytes; returns the stored name."""
    # Generated names in a folder that is never served: the original is evidence, not content.
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = secrets.token_hex(16) + ".upload"
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return name


def stored_file(batch: ImportBatch) -> bytes:
    """The original bytes of a batch's file."""
    return (Path(current_app.config["UPLOAD_DIR"]) / batch.stored_name).read_bytes()


def template_file(kind: str) -> bytes | None:
    """A blank .xlsx with the canonical headings of `kind`; None for a kind that does not exist."""
    return template_xlsx(kind) if kind in KINDS else None
