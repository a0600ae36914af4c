"""`lms league-table`: the national league table as text, CSV, JSON or .xlsx."""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from lms.core.cli import fail


@click.command("league-table")
@with_appcontext
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date of the figures (YYYY-MM-DD).")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json", "xlsx"]), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="Write to this file instead of stdout.")
def league_table(as_of, fmt: str, output: str | None) -> None:
    """Print or save the national league table (json is the API's league-table object)."""
    from lms.reports import exports, figures

    day: date | None = as_of.date() if as_of else None
    table = figures.league_table(day)
    data = exports.render_table(table, fmt)
    if fmt == "xlsx" and not output:
        fail("--format xlsx needs --output FILE")
    if output:
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(output, mode) as fh:
            fh.write(data)
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(data, nl=not data.endswith("\n"))
