"""Imports as JSON (CONTRACT.md): run one, read its summary, roll it back. Same permissions as the pages."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from lms.accounts.api import api_blueprint, error
from lms.core.transaction import committing
from lms.imports import service as imports
from lms.imports.mappings import parse_map_json
from lms.imports.service import ImportRefused

bp = api_blueprint("imports_api", __name__)


def _flag(name: str) -> bool:
    return (request.form.get(name) or "").strip().lower() in {"1", "true", "yes", "on"}


@bp.post("/imports")
def create_import():
    """Run an import (multipart: kind, force, file, optional dry_run=true, strict=true, confirm_leavers=true,
    confirm_force=true, and map: a JSON object of canonical column name -> the file's heading)."""
    upload = request.files.get("file")
    missing = [name for name in ("kind", "force") if not request.form.get(name)]
    if upload is None or not upload.filename:
        missing.append("file")
    if missing:
        return error("Missing fields: " + ", ".join(missing), 400, [f"Send {m} as a multipart form field"
                                                                  for m in missing])
    dry_run = _flag("dry_run")
    try:
        column_map = parse_map_json(request.form.get("map")) if "map" in request.form else None
        with committing():
            outcome = imports.run_import(request.form["kind"], upload.read(), upload.filename, request.form["force"],
                                         current_user._get_current_object(), mode="dry_run" if dry_run else "commit",
                                         strict=_flag("strict"), confirm_leavers=_flag("confirm_leavers"),
                                         confirm_force=_flag("confirm_force"),
                                         column_map=column_map)
    except ImportRefused as exc:
        return error(exc.message, exc.status)
    if outcome.refused:
        return jsonify(outcome.summary), 422
    return jsonify(outcome.summary), 200 if dry_run else 201


@bp.get("/imports/<int:batch_id>")
def get_import(batch_id: int):
    """The summary of an import batch."""
    try:
        batch = imports.get_batch(batch_id, current_user._get_current_object())
    except ImportRefused as exc:
        return error(exc.message, exc.status)
    return jsonify(imports.summary_of(batch))


@bp.post("/imports/<int:batch_id>/rollback")
def rollback_import(batch_id: int):
    """Undo a committed batch."""
    try:
        with committing():
            batch = imports.get_batch(batch_id, current_user._get_current_object())
            summary = imports.rollback(batch, current_user._get_current_object())
    except ImportRefused as exc:
        return error(exc.message, exc.status)
    return jsonify(summary)
