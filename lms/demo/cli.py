"""`lms demo`: realistic demo data for all 43 forces, imported through the real pipeline, and demo sign-ins."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.core.cli import fail

NOT_LOADED = "The database already has data; demo not loaded"


class _ServiceDefault:
    """An option default read from lms.demo.service when it is used (running, or `lms demo --help`).

    The service imports the whole import pipeline; reading its defaults lazily keeps `lms --help` fast.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self):
        from lms.demo import service

        return getattr(service, self.name)

    def __str__(self) -> str:  # what click shows as "[default: ...]"
        return str(self())


def _describe(data: dict[str, int]) -> str:
    parts = [f"{n:,} {what}" for what, n in data.items() if n]
    return ", ".join(parts) or "data"


@click.command("demo")
@with_appcontext
@click.option("--reset", is_flag=True,
              help="First delete all people, records, uploads, snapshots, emails, match decisions, audit events "
                   "and demo users (forces, reference data and other users are kept).")
@click.option("--if-empty", is_flag=True,
              help="Load only into an empty database (no people, uploads or users besides the demo's); "
                   "otherwise do nothing.")
@click.option("--scale", type=click.FloatRange(0.001, 2.0), default=_ServiceDefault("DEFAULT_SCALE"), show_default=True,
              help="Size against the national workforce: 1 gives ~60% of each force's officer FTE "
                   "(about 88,000 relevant personnel).")
@click.option("--seed", type=int, default=_ServiceDefault("DEFAULT_SEED"), show_default=True,
              help="The same seed gives the same data (on the same day); passwords are always new.")
def demo(reset: bool, if_empty: bool, scale: float, seed: int) -> None:
    """Load realistic demo data for all 43 forces and print demo sign-ins.

    Writes real roster, College Learn and Hydra register files to instance/demo/ and imports them through
    the same pipeline as uploads, then stores a year of monthly snapshots. Refuses when the database already
    has data, unless --reset (start again) or --if-empty (do nothing) is given.
    """
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from lms.accounts.auth import PasswordRejected
    from lms.accounts.service import UserError
    from lms.core.transaction import committing
    from lms.demo import service

    if reset and if_empty:
        raise click.UsageError("Use --reset or --if-empty, not both")
    try:
        if service.forces_loaded() == 0:
            fail("The database has no forces yet: run `lms init-db` first")
        data = service.existing_data()
    except (OperationalError, ProgrammingError):
        fail("The database has no tables yet: run `lms init-db` first")
    has_data = any(data.values())
    if has_data and if_empty:
        click.echo(NOT_LOADED)
        return
    if has_data and not reset:
        fail(f"The database already has data ({_describe(data)}): nothing was loaded. "
             "Run `lms demo --reset` to delete it and load the demo data instead.")
    stale_files = []
    if reset:
        stale_files = service.reset()
        click.echo("Deleted people, records, uploads, snapshots, emails, audit events and demo users")
    click.echo(f"Loading demo data for 43 forces (scale {scale:g}, seed {seed})...")
    try:
        with committing():
            result = service.load(scale=scale, seed=seed, log=lambda message: click.echo(f"  {message}"))
    except (service.DemoError, UserError, PasswordRejected) as exc:
        fail(str(exc))
    for path in stale_files:
        path.unlink(missing_ok=True)
    _report(result, current_app.config["BASE_URL"])


def _report(result, base_url: str) -> None:
    counts = result.counts
    click.echo(f"Loaded in {result.seconds:.1f} s: " + ", ".join(f"{n:,} {what}" for what, n in counts.items()))
    click.echo(f"  Stale data (last upload over 30 days ago): {', '.join(result.stale)}")
    click.echo(f"  No roster (unranked): {', '.join(result.without_roster)}")
    first, last = result.snapshot_dates[0], result.snapshot_dates[-1]
    click.echo(f"  Snapshots for {len(result.snapshot_dates)} dates, {first:%d/%m/%Y} to {last:%d/%m/%Y}")
    click.echo(f"  The files are in {result.folder}: try uploading one yourself")
    click.echo("")
    click.echo("Demo sign-ins (the passwords are shown only now):")
    click.echo(f"  {'role':<11} {'email':<36} password")
    for s in result.sign_ins:
        scope = f"  ({s.scope})" if s.scope else ""
        click.echo(f"  {s.role:<11} {s.email:<36} {s.password}{scope}")
    click.echo("")
    click.echo(f"Sign in at {base_url}")
