"""Uploads: choose a file, preview, commit or cancel, history, rollback, templates."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from lms import policy
from lms.core.forms import ConfirmForm
from lms.core.transaction import committing
from lms.forces import service as forces
from lms.forces.service import ForceError
from lms.imports import background, batches, counts, details, mappings, remap, timeline
from lms.imports.forms import UploadForm
from lms.imports.progress import progress_message
from lms.imports.service import (
    ImportRefused,
    cancel_preview,
    commit_preview,
    error_report_csv,
    get_batch,
    rollback,
    summary_of,
    upload_choices,
)
from lms.imports.storage import template_file

if TYPE_CHECKING:
    from lms.models import Force, ImportBatch

bp = Blueprint("imports", __name__)

MAX_ERRORS_SHOWN = 500

# Which part of the help explains the fix for an error in a column.
HELP_ANCHORS = {
    "date completed": "dates", "session date": "dates", "exempt until": "dates", "role category": "relevance",
    "e-learning required": "relevance", "hydra required": "relevance", "force": "force", "organisation": "force",
    "staff number": "duplicates",
}


def _help_link(error: dict, kind: str) -> str:
    anchor = HELP_ANCHORS.get((error.get("column") or "").strip().lower(), kind)
    return url_for("help.index") + "#" + anchor


def _user():
    return current_user._get_current_object()


def _confirmed_batch(batch_id: int) -> ImportBatch:
    """The batch a confirmed POST acts on (400 without the form's CSRF token)."""
    item = _batch_or_404(batch_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return item


def _settled_batch(batch_id: int) -> ImportBatch:
    """The batch, marked failed first if it is a background preview whose worker stopped or never started."""
    item = _batch_or_404(batch_id)
    if item.status == "processing":
        with committing():
            background.expire_if_stale(item)
    return item


def _batch_or_404(batch_id: int) -> ImportBatch:
    try:
        return get_batch(batch_id, _user())
    except ImportRefused:
        abort(404)


@bp.route("/upload", methods=["GET", "POST"])
@policy.role_required(policy.ADMIN, policy.FORCE_LEAD, policy.REGIONAL)
def upload():
    """Choose the kind of file, the force and the file; the preview follows."""
    form = UploadForm()
    form.force.choices = upload_choices(_user())
    if request.method == "GET":
        if current_user.role == policy.REGIONAL:
            form.kind.data = "hydra"
        if current_user.force:
            form.force.data = current_user.force.code
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            with committing():
                batch = background.start_preview(form.kind.data, upload_file.read(), upload_file.filename,
                                                 form.force.data, _user())
        except ImportRefused as exc:
            form.file.errors.append(exc.message)
        else:
            background.run_pending(batch)
            return redirect(url_for("imports.batch", batch_id=batch.id))
    status = 400 if form.errors else 200
    return render_template("imports/upload.html", form=form), status


@bp.route("/imports/<int:batch_id>")
@policy.signed_in
def batch(batch_id: int):
    """A batch: its progress while processing, its preview, or what it did (`list` and `page`: a page of one of the
    lists of people it names)."""
    item = _settled_batch(batch_id)
    if item.status == "processing":
        return render_template("imports/processing.html", batch=item,
                               message=progress_message(item.progress_rows or 0, item.progress_total or 0))
    if item.status == "mapping":
        return redirect(url_for("imports.columns", batch_id=item.id))
    return _batch_page(item)


def _batch_page(item: ImportBatch, confirm_errors: list[dict] | None = None, status: int = 200):
    """The batch page; `confirm_errors`: a commit refused for want of a ticked confirmation (error summary + inline)."""
    summary = summary_of(item)
    row_errors = [{**e, "help": _help_link(e, item.kind)}
                  for e in summary.get("errors", []) if e.get("row") is not None]
    file_errors = [{"text": e["message"], "href": url_for("help.index") + "#" + item.kind}
                   for e in summary.get("errors", []) if e.get("row") is None]
    shown = row_errors[:MAX_ERRORS_SHOWN]
    lists = []
    if summary.get("lists") and item.status in ("preview", "committed", "rolled_back"):
        lists = details.pages_of(item, request.args.get("list"), request.args.get("page", 1, type=int))
    return render_template("imports/batch.html", batch=item, summary=summary, form=ConfirmForm(),
                           row_errors=shown, file_errors=file_errors, lists=lists,
                           confirm_errors=confirm_errors or [], effect_text=counts.effect_text,
                           more_errors=max(summary.get("error_count", len(row_errors)) - len(shown), 0),
                           timeline=timeline.batch_timeline(item)), status


@bp.route("/imports/<int:batch_id>/lists/<name>.csv")
@policy.signed_in
def list_csv(batch_id: int, name: str):
    """One list of the people a batch names (added, leavers, updated, matched by name, not matched) as CSV."""
    item = _settled_batch(batch_id)
    if name not in details.lists_for(item.kind):
        abort(404)
    return Response(details.list_csv(item, name), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="batch-{item.id}-{name.replace("_", "-")}.csv"'})


@bp.route("/imports/<int:batch_id>/errors.csv")
@policy.signed_in
def error_report(batch_id: int):
    """Every row error of a batch as a CSV file: the page and the API list only the first ones."""
    item = _settled_batch(batch_id)
    return Response(error_report_csv(item), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="batch-{item.id}-errors.csv"'})


@bp.route("/imports/<int:batch_id>/progress")
@policy.signed_in
def progress(batch_id: int):
    """Rows read so far, for the progress bar (ready, and no more polling, once the preview is ready or failed)."""
    item = _settled_batch(batch_id)
    ready = item.status != "processing"
    total = item.progress_total or 0
    done = item.progress_rows or 0
    message = "Ready" if ready else progress_message(done, total)
    if item.status == "failed":
        message = (item.summary or {}).get("message") or "The preview failed"
    return jsonify({"status": item.status, "done": done, "total": total, "ready": ready, "message": message,
                    "url": url_for("imports.batch", batch_id=item.id)})


@bp.post("/imports/<int:batch_id>/commit")
@policy.signed_in
def commit(batch_id: int):
    """Commit a previewed batch in one transaction; without a confirmation it needs, the page says which box to tick."""
    item = _confirmed_batch(batch_id)
    try:
        with committing():
            outcome = commit_preview(item, _user(), confirm_leavers=request.form.get("confirm_leavers") == "yes",
                                     confirm_force=request.form.get("confirm_force") == "yes")
    except ImportRefused as exc:
        flash(exc.message, "error")
        return redirect(url_for("imports.batch", batch_id=batch_id))
    if outcome.refused:
        needed = CONFIRMATIONS.get(outcome.summary.get("refusal"))
        if needed is not None and item.status == "preview":
            field, text = needed
            force = item.force.name + "'s" if item.force else "the right"
            message = text.format_map({**outcome.summary, "force": force})
            return _batch_page(item, [{"text": message, "href": "#" + field, "field": field}], 400)
        flash(outcome.summary.get("message", "The file was refused"), "error")
        return redirect(url_for("imports.batch", batch_id=batch_id))
    flash(counts.committed_message(batch_id, outcome.summary), "success")
    return redirect(url_for("imports.batch", batch_id=batch_id))


# A commit refused for want of a confirmation: the box to tick, and what the error says (never the CLI's flags).
CONFIRMATIONS = {
    "leavers": ("confirm_leavers", "Tick the box to confirm this is the full roster: it makes {leavers} of "
                                   "{leavers_active_before} active people leavers"),
    "force": ("confirm_force", "Tick the box to confirm this is {force} file"),
}


@bp.post("/imports/<int:batch_id>/cancel")
@policy.signed_in
def cancel(batch_id: int):
    """Discard a preview: nothing was applied."""
    item = _confirmed_batch(batch_id)
    try:
        with committing():
            cancel_preview(item, _user())
    except ImportRefused as exc:
        flash(exc.message, "error")
        return redirect(url_for("imports.batch", batch_id=batch_id))
    flash(f"Batch {batch_id} cancelled: nothing was imported", "success")
    return redirect(url_for("imports.upload"))


@bp.post("/imports/<int:batch_id>/retry")
@policy.signed_in
def retry(batch_id: int):
    """Try a failed background preview again, from the file already uploaded."""
    item = _confirmed_batch(batch_id)
    try:
        with committing():
            background.retry_preview(item, _user())
    except ImportRefused as exc:
        flash(exc.message, "error")
    else:
        background.run_pending(item)
    return redirect(url_for("imports.batch", batch_id=batch_id))


@bp.route("/imports/<int:batch_id>/rollback", methods=["GET", "POST"])
@policy.signed_in
def rollback_batch(batch_id: int):
    """Ask, then undo a committed batch; a roster that must wait for a later one says which to undo first."""
    item = _batch_or_404(batch_id)
    form = ConfirmForm()
    refused, status = None, 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            with committing():
                rollback(item, _user())
        except ImportRefused as exc:
            refused, status = exc.message, exc.status
        else:
            flash(f"Batch {batch_id} rolled back: the figures are as they were before it", "success")
            return redirect(url_for("imports.batch", batch_id=batch_id))
    blocker = batches.rollback_blocker(item)
    return render_template("imports/rollback.html", batch=item, summary=summary_of(item), form=form, refused=refused,
                           blocker=blocker, blocked=batches.blocked_message(blocker) if blocker else None,
                           blocker_link=blocker is not None and policy.can_manage_batch(_user(), blocker)), status


@bp.route("/forces/<code>/imports")
@policy.signed_in
def history(code: str):
    """Every batch uploaded for a force, newest first: for its own leads and admins, who can act on them."""
    force = _visible_force(code)
    if not policy.sees_people(_user(), force):
        abort(403)
    column_maps, value_maps = mappings.force_mappings(force)
    return render_template("imports/history.html", force=force, batches=batches.force_history(force),
                           column_maps=column_maps, value_maps=value_maps)


@bp.route("/imports")
@policy.role_required(policy.ADMIN, policy.FORCE_LEAD, policy.REGIONAL)
def my_uploads():
    """The files this user uploaded, newest first (and, for admins, the mappings of all-forces files)."""
    column_maps, value_maps = mappings.force_mappings(None) if policy.is_admin(_user()) else ([], [])
    return render_template("imports/history.html", force=None, batches=batches.uploads_by(_user()),
                           column_maps=column_maps, value_maps=value_maps)


@bp.route("/imports/<int:batch_id>/columns", methods=["GET", "POST"])
@policy.signed_in
def columns(batch_id: int):
    """Say which of the file's headings is which field, then see the preview with that mapping."""
    item = _batch_or_404(batch_id)
    unresolved = remap.mapping_fields(item)
    if item.status not in ("mapping", "preview") or not unresolved:
        return redirect(url_for("imports.batch", batch_id=batch_id))
    fields = unresolved["fields"]
    tried = (item.summary or {}).get("column_map") or (item.options or {}).get("column_map") or {}
    chosen = {f["name"]: tried.get(f["name"], "") for f in fields}
    # What the lead must choose, linked to the first field the file lacks (the reader's full message is on the page).
    first = next((f["name"] for f in fields if f["missing"] or f["candidates"]), None)
    errors = [{"text": f"Choose which heading of your file is the {first} column", "field": first,
               "href": _field_anchor(fields, first)}] if item.status == "mapping" and first else []
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        chosen = {f["name"]: request.form.get(f"field-{i}", "") for i, f in enumerate(fields)}
        try:
            with committing():
                outcome = remap.map_columns(item, chosen, _user())
        except ImportRefused as exc:
            errors = [{"text": exc.message, "href": _field_anchor(fields, exc.field), "field": exc.field}]
            return render_template("imports/columns.html", batch=item, unresolved=unresolved, fields=fields,
                                   chosen=chosen, errors=errors, form=ConfirmForm()), 400
        if outcome.batch is not None and outcome.batch.status == "preview":
            flash("Column mapping saved: files with these headings will be read this way from now on", "success")
        elif outcome.batch is not None and outcome.batch.status == "mapping":
            return redirect(url_for("imports.columns", batch_id=batch_id))  # shows why it still cannot be read
        return redirect(url_for("imports.batch", batch_id=batch_id))
    return render_template("imports/columns.html", batch=item, unresolved=unresolved, fields=fields, chosen=chosen,
                           errors=errors, form=ConfirmForm())


def _field_anchor(fields: list[dict], name: str | None) -> str:
    index = next((i for i, f in enumerate(fields) if f["name"] == name), 0)
    return f"#field-{index}"


@bp.post("/imports/<int:batch_id>/values")
@policy.signed_in
def values(batch_id: int):
    """Say what the status or attendance values the service did not know mean; the preview is worked out again."""
    item = _confirmed_batch(batch_id)
    unknown = (item.summary or {}).get("unknown_values") or []
    choices = {u["value"]: request.form.get(f"value-{i}", "") for i, u in enumerate(unknown)}
    try:
        with committing():
            remap.map_values(item, choices, _user())
    except ImportRefused as exc:
        flash(exc.message, "error")
    else:
        flash("Values saved: they will be read this way in every file of this kind for this force", "success")
    return redirect(url_for("imports.batch", batch_id=batch_id))


@bp.route("/forces/<code>/mappings/delete", methods=["GET", "POST"])
@policy.signed_in
def delete_mapping(code: str):
    """Ask, then forget a remembered column or value mapping (`what`: columns or values; `mapping`: its id)."""
    force = _mapping_owner(code)
    back = url_for("imports.history", code=code) if force else url_for("imports.my_uploads")
    what = request.values.get("what", "columns")
    mapping = mappings.find_mapping(force, what, request.values.get("mapping", type=int))
    if mapping is None:
        flash("That mapping has already been deleted", "success")
        return redirect(back)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        with committing():
            message = mappings.delete_mapping(mapping, _user())
        flash(message, "success")
        return redirect(back)
    return render_template("imports/delete_mapping.html", force=force, what=what, mapping=mapping, form=form,
                           back=back)


def _mapping_owner(code: str) -> Force | None:
    """The force whose mappings these are (None: all-forces files, admins only); 403/404 for anyone else."""
    if code == "all":
        if not policy.is_admin(_user()):
            abort(403)
        return None
    force = _visible_force(code)
    if not policy.sees_people(_user(), force):
        abort(403)
    return force


def _visible_force(code: str) -> Force:
    try:
        force = forces.get_force(code)
    except ForceError:
        abort(404)
    if not policy.sees_force(_user(), force):
        abort(404)
    return force


@bp.route("/templates/<kind>.xlsx")
def template(kind: str):
    """A blank spreadsheet with the canonical headers for a kind of file."""
    data = template_file(kind)
    if data is None:
        abort(404)
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"{kind}-template.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
