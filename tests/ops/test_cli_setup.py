"""The set-up commands of `lms` (CONTRACT.md): exit codes 0 / 1 (message on stderr) / 2 (usage), and league-table."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms.cli import cli
from lms.models import Force, User


def invoke(runner, *args: str, input: str | None = None):
    return runner.invoke(cli, list(args), input=input)


# --- create-user -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "role", "force", "region"),
    [
        (["--role", "admin"], "admin", None, None),
        (["--role", "national"], "national", None, None),
        (["--role", "regional", "--region", "south east"], "regional", None, "South East"),
        (["--role", "force_lead", "--force", "Kent"], "force_lead", "kent", None),
    ],
)
def test_create_user_for_each_role(runner, db, args, role, force, region):
    result = invoke(runner, "create-user", "New.User@Example.com", *args, "--password-stdin",
                    input="a long and unusual passphrase\n")

    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "new.user@example.com"))
    assert user.role == role
    assert (user.force.code if user.force else None) == force
    assert (user.region.name if user.region else None) == region
    assert user.password_hash.startswith("scrypt:")


def test_create_user_without_a_password_cannot_sign_in_yet(runner, db, client):
    result = invoke(runner, "create-user", "later@example.com", "--role", "national")

    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.password_hash).where(User.email == "later@example.com")) is None
    response = client.post("/sign-in", data={"email": "later@example.com", "password": ""})
    assert response.status_code == 400


def test_create_user_with_a_bad_role_is_a_usage_error(runner, db):
    result = invoke(runner, "create-user", "x@example.com", "--role", "superuser")

    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.stderr
    assert db.session.scalar(select(User).where(User.email == "x@example.com")) is None


def test_create_user_without_a_role_is_a_usage_error(runner):
    result = invoke(runner, "create-user", "x@example.com")

    assert result.exit_code == 2
    assert "Missing option '--role'" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "force_lead"], "A force_lead needs --force CODE"),
        (["--role", "force_lead", "--force", "atlantis"], "No force with code 'atlantis'"),
        (["--role", "regional"], "A regional user needs --region NAME"),
        (["--role", "regional", "--region", "Mordor"], "No region called 'Mordor'"),
    ],
)
def test_create_user_refusals(runner, db, args, message):
    result = invoke(runner, "create-user", "x@example.com", *args)

    assert result.exit_code == 1
    assert message in result.stderr
    assert db.session.scalar(select(User).where(User.email == "x@example.com")) is None


def test_create_user_twice_is_refused(runner):
    assert invoke(runner, "create-user", "twice@example.com", "--role", "admin").exit_code == 0

    result = invoke(runner, "create-user", "TWICE@example.com", "--role", "admin")

    assert result.exit_code == 1
    assert "already exists" in result.stderr


# --- set-force ---------------------------------------------------------------------------------------------------


def test_set_force(runner, db):
    result = invoke(runner, "set-force", "kent", "--chief-name", "Chief Constable Tim Smith",
                    "--chief-email", "CC@Kent.Police.UK", "--personal-reminders", "on")

    assert result.exit_code == 0, result.output
    kent = db.session.scalar(select(Force).where(Force.code == "kent"))
    db.session.refresh(kent)
    assert (kent.chief_name, kent.chief_email, kent.personal_reminders) == (
        "Chief Constable Tim Smith", "cc@kent.police.uk", True)

    assert invoke(runner, "set-force", "kent", "--personal-reminders", "off").exit_code == 0
    db.session.refresh(kent)
    assert kent.personal_reminders is False
    assert kent.chief_email == "cc@kent.police.uk"  # options not given are left alone


def test_set_force_with_an_unknown_code_is_refused(runner):
    result = invoke(runner, "set-force", "atlantis", "--chief-email", "cc@example.com")

    assert result.exit_code == 1
    assert "No force with code 'atlantis'" in result.stderr
    assert result.stdout == ""


def test_set_force_with_a_bad_email_changes_nothing(runner, db):
    result = invoke(runner, "set-force", "kent", "--chief-name", "Someone", "--chief-email", "not-an-email")

    assert result.exit_code == 1
    assert "email address" in result.stderr
    kent = db.session.scalar(select(Force).where(Force.code == "kent"))
    db.session.refresh(kent)
    assert (kent.chief_name, kent.chief_email) == (None, None)


def test_set_force_with_a_bad_switch_is_a_usage_error(runner):
    assert invoke(runner, "set-force", "kent", "--personal-reminders", "maybe").exit_code == 2


# --- league-table ------------------------------------------------------------------------------------------------


@pytest.fixture
def api_table(client, create_user):
    """The league table as the API returns it, to an admin signed in through the browser session."""
    from tests.support.app import sign_in

    admin = create_user("admin", email="cli.admin@example.com")
    sign_in(client, admin.email)
    return client.get("/api/v1/league-table").get_json()


def test_league_table_json_is_the_api_object(runner, api_table):
    result = invoke(runner, "league-table", "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == api_table
    assert len(api_table["forces"]) == 43


def test_league_table_json_as_of_a_date(runner, client, api_table):
    result = invoke(runner, "league-table", "--format", "json", "--as-of", "2026-03-31")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == client.get("/api/v1/league-table?as_of=2026-03-31").get_json()
    assert json.loads(result.stdout)["as_of"] == "2026-03-31"


def test_league_table_csv(runner, api_table):
    result = invoke(runner, "league-table", "--format", "csv")

    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == [f"League table as of {api_table['as_of']}", "Deadline 2026-04-30"]
    header, body = rows[1], rows[2:]
    assert header[:4] == ["Rank", "Force", "Code", "Region"]
    assert [row[2] for row in body] == [f["code"] for f in api_table["forces"]]
    kent = next(row for row in body if row[2] == "kent")
    assert kent[header.index("Rank")] == ""
    assert kent[header.index("Overall %")] == ""
    assert kent[header.index("Region")] == "Eastern"


def test_league_table_text(runner, api_table):
    result = invoke(runner, "league-table")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"League table as of {api_table['as_of']} (deadline 2026-04-30)"
    force_lines = [line for line in lines[3:] if line.strip()]
    assert len(force_lines) == 43
    assert [line[6:48].rstrip() for line in force_lines] == [f["name"] for f in api_table["forces"]]


def test_league_table_xlsx(runner, tmp_path, api_table):
    target = tmp_path / "league.xlsx"

    result = invoke(runner, "league-table", "--format", "xlsx", "--output", str(target), "--as-of", "2026-02-28")

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    workbook = load_workbook(target, read_only=True)
    try:
        rows = list(workbook.active.iter_rows(values_only=True))
    finally:
        workbook.close()
    assert "2026-02-28" in rows[0][0]
    assert "2026-04-30" in rows[1][0]
    assert rows[3][:4] == ("Rank", "Force", "Code", "Region")
    body = [row for row in rows[4:] if any(v is not None for v in row)]
    assert len(body) == 43
    assert {row[2] for row in body} == {f["code"] for f in api_table["forces"]}


def test_league_table_xlsx_needs_an_output_file(runner):
    result = invoke(runner, "league-table", "--format", "xlsx")

    assert result.exit_code == 1
    assert "--output" in result.stderr


def test_league_table_to_a_file(runner, tmp_path, api_table):
    target = tmp_path / "league.json"

    result = invoke(runner, "league-table", "--format", "json", "--output", str(target))

    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text()) == api_table


@pytest.mark.parametrize("args", [["--format", "pdf"], ["--as-of", "31/03/2026"]])
def test_league_table_usage_errors(runner, args):
    assert invoke(runner, "league-table", *args).exit_code == 2


def test_lms_import_offers_exactly_the_kinds_of_file_the_readers_know():
    from importers.base import KINDS
    from lms.imports.cli import import_file

    (kind,) = [p for p in import_file.params if p.name == "kind"]
    assert tuple(kind.type.choices) == KINDS
