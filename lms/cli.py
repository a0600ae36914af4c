"""The `lms` command line (CONTRACT.md). Exit codes: 0 success, 1 refused or failed, 2 usage error.

The root group adds each feature's commands explicitly, in the manner of GOV.UK Notify's `setup_commands`:
nothing registers itself by being imported. Feature command modules import their services inside the command,
so `lms --help` starts without loading the app.
"""

from __future__ import annotations

from flask.cli import AppGroup, ScriptInfo

from lms.accounts import cli as accounts
from lms.briefings import cli as briefings
from lms.demo import cli as demo
from lms.emails import cli as emails
from lms.forces import cli as forces
from lms.imports import cli as imports
from lms.ops import cli as ops
from lms.reports import cli as reports
from lms.scheduler import cli as scheduler

cli = AppGroup("lms", help="OIC training compliance: set-up, imports, reports and emails.")

for command in (
    ops.init_db, accounts.create_user, accounts.create_token, forces.set_force, imports.import_file,
    imports.rollback_batch, imports.work_imports, reports.league_table, emails.send_league_tables,
    emails.send_reminders, scheduler.run_scheduler, demo.demo, ops.backup_database, ops.restore_database,
    briefings.chief_link, briefings.revoke_chief_link,
):
    cli.add_command(command)


def register_cli(app) -> None:
    """Attach the `lms` group to the Flask CLI (`flask --app wsgi lms ...`)."""
    app.cli.add_command(cli)


def main() -> None:
    """Console-script entry point: `lms ...`."""
    from lms import create_app

    cli.main(prog_name="lms", obj=ScriptInfo(create_app=lambda: create_app()))
