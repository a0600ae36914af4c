"""`lms import`, `lms rollback`, and `lms work-imports` (the background preview worker)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.core.cli import fail


def _print_summary(summary: dict, as_json: bool) -> None:
    """The summary as JSON (CONTRACT.md's keys), or as text whose counts say what they count."""
    from lms.core.text import count_of
    from lms.imports.counts import lines

    if as_json:
        click.echo(json.dumps(summary, indent=2, default=str))
        return
    out = sys.stdout
    head = f"Batch {summary['id']}" if summary.get("id") else "Dry run"
    click.echo(f"{head}: {summary['kind']} for {summary['force']}, {summary['status']}", file=out)
    if summary.get("message"):
        click.echo(summary["message"], err=True)
    refused = summary.get("status") == "refused"
    if not refused or summary.get("refusal") not in (None, "file"):
        for line in lines(summary):  # a file refused whole read nothing: no table of zeros
            click.echo(f"  {line}")
    errors = [e for e in summary.get("errors", []) if e.get("row") is not None]
    if errors:
        click.echo(f"  {count_of(len(errors), 'row')} skipped:")
        for e in errors[:200]:
            click.echo(f"    row {e['row']}, {e['column'] or 'file'}: {e['message']}")
        if len(errors) > 200:
            click.echo(f"    … and {len(errors) - 200} more (use --json for all)")
    _print_mapping(summary)
    for w in summary.get("warnings", [])[:50]:
        where = f"row {w['row']}, {w['column']}: " if w.get("row") else ""
        click.echo(f"  warning: {where}{w['message']}")


@click.command("import")
@with_appcontext
# The kinds of importers.base.KINDS, spelt out so that `lms --help` need not load the readers (a test checks).
@click.argument("kind", type=click.Choice(["roster", "college-learn", "hydra"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", "force_code", required=True, help="Force code, or 'all' to route rows by their Force column.")
@click.option("--dry-run", is_flag=True, help="Show what would change; commit nothing.")
@click.option("--strict", is_flag=True, help="Commit nothing if any row has an error (exit 1).")
@click.option("--confirm-leavers", is_flag=True, help="Allow a roster that makes over half the force leavers.")
@click.option("--confirm-force", is_flag=True,
              help="Allow a file that looks like another force's (few of its staff numbers known to the force, or a "
                   "force column naming another force for most rows).")
@click.option("--map", "map_items", multiple=True, metavar='"FIELD=HEADING"',
              help='The file\'s heading for a field, by its canonical name: --map "Staff number=User ID Number" '
                   "(repeatable; remembered for the force and these headings).")
@click.option("--json", "as_json", is_flag=True, help="Print the import summary as JSON (also when refused).")
@click.option("--as", "as_email", help="Import as this user (their permissions apply).")
def import_file(kind: str, file: Path, force_code: str, dry_run: bool, strict: bool, confirm_leavers: bool,
                confirm_force: bool, map_items: tuple[str, ...], as_json: bool, as_email: str | None) -> None:
    """Import a roster, College Learn export or Hydra register; commits valid rows and lists skipped ones.

    A file whose headings the service cannot place is refused with the fields to map; say which heading is which
    with --map. A mapping remembered for the force and that set of headings applies without --map.
    """
    from lms.accounts.service import user_by_email
    from lms.core.transaction import committing
    from lms.imports.mappings import parse_map_items
    from lms.imports.service import ImportRefused, run_import

    user = None
    if as_email:
        user = user_by_email(as_email)
        if user is None:
            fail(f"No user with the email {as_email}")
    try:
        column_map = parse_map_items(map_items) if map_items else None
        with committing():
            outcome = run_import(kind, file.read_bytes(), file.name, force_code, user,
                                 mode="dry_run" if dry_run else "commit", strict=strict,
                                 confirm_leavers=confirm_leavers, confirm_force=confirm_force,
                                 progress=_progress_bar(as_json),
                                 column_map=column_map)
    except ImportRefused as exc:
        if as_json:
            click.echo(json.dumps({"error": exc.message, "details": []}))
        fail(exc.message)
    _print_summary(outcome.summary, as_json)
    if outcome.refused:
        raise SystemExit(1)


def _print_mapping(summary: dict) -> None:
    """The columns the file was read with, its unknown values, and what to map when its headings were unclear."""
    if summary.get("column_map"):
        how = "remembered mapping" if summary.get("mapping") == "remembered" else "mapping"
        pairs = "; ".join(f"{name} = {heading}" for name, heading in summary["column_map"].items())
        click.echo(f"  Columns read with the {how}: {pairs}")
    for u in summary.get("unknown_values") or []:
        click.echo(f"  value not recognised, counted as not complete: '{u['value']}' in {u['rows']} rows")
    unresolved = summary.get("unresolved")
    if unresolved:
        click.echo("  Headings in the file: " + ", ".join(unresolved.get("headers") or []), err=True)
        click.echo('  Say which heading is which with --map "FIELD=HEADING", for example --map "'
                   f'{(unresolved.get("missing") or ["Staff number"])[0]}=<heading in the file>"', err=True)


def _progress_bar(quiet: bool):
    """A progress bar on a terminal; nothing when piped or printing JSON."""
    if quiet or not sys.stderr.isatty():
        return None
    state = {"bar": None}

    def update(done: int, total: int) -> None:
        if state["bar"] is None:
            state["bar"] = click.progressbar(length=total, label="Reading and matching rows", file=sys.stderr)
            state["bar"].__enter__()
        bar = state["bar"]
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    return update


@click.command("rollback")
@with_appcontext
@click.argument("batch_id", type=int)
def rollback_batch(batch_id: int) -> None:
    """Undo a committed batch: the figures return exactly to what they were."""
    from lms.core.transaction import committing
    from lms.imports.service import ImportRefused, get_batch, rollback

    try:
        with committing():
            rollback(get_batch(batch_id, None), None)
    except ImportRefused as exc:
        fail(exc.message)
    click.echo(f"Batch {batch_id} rolled back")


@click.command("work-imports")
@with_appcontext
@click.option("--once", is_flag=True, help="Preview the files waiting now, then exit.")
@click.option("--poll", "poll_seconds", type=click.FloatRange(min=0.05), default=1.0, show_default=True,
              help="Seconds between looks for waiting files.")
def work_imports(once: bool, poll_seconds: float) -> None:
    """Preview uploaded files in the background (LMS_IMPORT_WORKER=process), until SIGTERM or Ctrl-C.

    Any number may run, on any machine that reaches the database: each file is claimed by one of them. A preview
    whose worker stopped is marked failed after LMS_IMPORT_TIMEOUT seconds; its lead can try again. SIGTERM lets the
    file being read finish first.
    """
    import logging
    import signal
    import threading

    from flask import current_app

    from lms.imports import worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if once:
        done = worker.work_once(app)
        click.echo(f"Previewed {done} waiting {'file' if done == 1 else 'files'}")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        worker.run_forever(app, stop, poll_seconds)
    except KeyboardInterrupt:
        stop.set()
