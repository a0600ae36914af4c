"""Every kind of bad input, through the CLI and the web: a clear message, no traceback, nothing changed."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.cli import cli
from lms.extensions import db
from lms.models import HydraAttendance, LearningRecord, Person
from tests.support.files import (
    HYDRA_HEADERS,
    LEARN_HEADERS,
    MODULE_TITLES,
    ROSTER_HEADERS,
    P,
    csv_bytes,
    roster,
)

GOOD = P("K1", "Ann", "Lee")
FUTURE = (date.today() + timedelta(days=10)).strftime("%d/%m/%Y")


def zip_bomb() -> bytes:
    """An .xlsx-named zip declaring ~300 MB of zeros in a few hundred KB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                fh.write(chunk)
    return buf.getvalue()


def ole2() -> bytes:
    """The compound-document signature an encrypted .xlsx (or a .xls) starts with."""
    return bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 2048 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512


def learn_row(**over) -> list:
    row = {"Staff number": "K1", "Email": "ann.lee@kent.police.invalid", "First name": "Ann", "Last name": "Lee",
           "Organisation": "Kent Police", "Course": MODULE_TITLES["M1"], "Status": "Completed",
           "Date completed": "03/03/2025"}
    row.update(over)
    return [row[h] for h in LEARN_HEADERS]


# (id, kind, filename, bytes, words the message must contain, refused as a whole?)
REFUSED = [
    ("empty", "roster", "r.csv", b"", "empty"),
    ("header-only", "roster", "r.csv", csv_bytes(ROSTER_HEADERS, []), "no data"),
    ("no-header", "roster", "r.csv", b"foo,bar\n1,2\n3,4\n", "Staff number"),
    ("wrong-kind", "roster", "h.csv", csv_bytes(HYDRA_HEADERS, [["01/02/2025", "R", "V", "F", "K1", "Ann", "Lee",
                                                                  "a@kent.police.invalid", "Kent", "Yes"]]),
     "Hydra register"),
    ("roster-without-relevance", "roster", "r.csv",
     csv_bytes(["Staff number", "Forename", "Surname"], [["K1", "Ann", "Lee"]]), "Role category"),
    ("xls", "roster", "r.xls", ole2(), ".xls"),
    ("encrypted", "roster", "r.xlsx", ole2(), "password"),
    ("text-named-xlsx", "roster", "r.xlsx", b"this is just some text\nnot a workbook\n", "xlsx"),
    ("random-bytes-csv", "roster", "r.csv", os.urandom(4096) + b"\x00\xff\xfe", "CSV"),
    ("zip-bomb", "college-learn", "c.xlsx", None, "large"),
]

ROW_ERRORS = [
    ("impossible-date", "college-learn", "c.csv",
     csv_bytes(LEARN_HEADERS, [learn_row(**{"Date completed": "31/02/2025"})]), 2, "Date completed", "31/02/2025"),
    ("future-date", "college-learn", "c.csv", csv_bytes(LEARN_HEADERS, [learn_row(**{"Date completed": FUTURE})]),
     2, "Date completed", FUTURE),
    ("before-2020", "college-learn", "c.csv", csv_bytes(LEARN_HEADERS, [learn_row(**{"Date completed": "01/06/2019"})]),
     2, "Date completed", "2020"),
    ("unknown-force", "college-learn", "c.csv", csv_bytes(LEARN_HEADERS, [learn_row(Organisation="Narnia Police")]),
     2, "Organisation", "Narnia"),
    ("completed-no-date", "college-learn", "c.csv", csv_bytes(LEARN_HEADERS, [learn_row(**{"Date completed": ""})]),
     2, "Date completed", "date"),
    ("duplicate-staff-numbers", "roster", "r.csv", roster([GOOD, P("K1", "Bo", "Chan")]), 3, "Staff number", "row 2"),
]


def _bytes(data):
    return zip_bomb() if data is None else data


def _state() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Person, LearningRecord,
                                                                                   HydraAttendance))


@pytest.fixture
def seeded(app):
    from lms.imports.service import run_import

    run_import("roster", roster([GOOD]), "r.csv", "kent", None)
    db.session.commit()
    return _state()


@pytest.mark.parametrize(("kind", "name", "data", "words"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_cli_refuses_bad_files_clearly_and_changes_nothing(runner, seeded, tmp_path, kind, name, data, words):
    path = tmp_path / name
    path.write_bytes(_bytes(data))
    result = runner.invoke(cli, ["import", kind, str(path), "--force", "kent"])
    output = result.output + (result.stderr if hasattr(result, "stderr") else "")
    assert result.exit_code == 1, output
    assert "Traceback" not in output and result.exception is None or isinstance(result.exception, SystemExit)
    assert words.lower() in output.lower()
    assert _state() == seeded


@pytest.mark.parametrize(("kind", "name", "data", "words"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_json_summary_of_a_refused_file(runner, seeded, tmp_path, kind, name, data, words):
    import json

    path = tmp_path / name
    path.write_bytes(_bytes(data))
    result = runner.invoke(cli, ["import", kind, str(path), "--force", "kent", "--json"])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["status"] == "refused" and words.lower() in summary["errors"][0]["message"].lower()


@pytest.mark.parametrize(("kind", "name", "data", "row", "column", "words"), [r[1:] for r in ROW_ERRORS],
                         ids=[r[0] for r in ROW_ERRORS])
def test_cli_names_the_row_and_column_of_bad_rows(runner, seeded, tmp_path, kind, name, data, row, column, words):
    import json

    path = tmp_path / name
    path.write_bytes(data)
    result = runner.invoke(cli, ["import", kind, str(path), "--force", "kent", "--json", "--strict"])
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    errors = [e for e in summary["errors"] if e["row"] is not None]
    assert any(e["row"] == row and e["column"] == column and words.lower() in e["message"].lower()
               for e in errors), errors
    assert _state() == seeded


@pytest.mark.parametrize(("kind", "name", "data", "words"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_web_upload_of_a_bad_file_shows_the_reason(signed_in, seeded, kind, name, data, words):
    client, _user = signed_in("force_lead", force="kent")
    response = client.post("/upload", data={"kind": kind, "force": "kent", "file": (io.BytesIO(_bytes(data)), name)},
                           content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    assert "govuk-error-summary" in page and words.lower() in page.lower()
    assert "Traceback" not in page
    assert _state() == seeded


@pytest.mark.parametrize(("kind", "name", "data", "row", "column", "words"), [r[1:] for r in ROW_ERRORS],
                         ids=[r[0] for r in ROW_ERRORS])
def test_web_preview_lists_bad_rows(signed_in, seeded, kind, name, data, row, column, words):
    client, _user = signed_in("force_lead", force="kent")
    response = client.post("/upload", data={"kind": kind, "force": "kent", "file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="row-errors"' in page and f">{row}<" in page and column in page
    assert _state() == seeded


def test_formula_looking_names_are_stored_as_text_and_rendered_inert(runner, app, tmp_path):
    people = [P("K1", "=HYPERLINK(\"http://x.invalid\")", "Lee"), P("K2", "<script>alert(1)</script>", "Chan")]
    path = tmp_path / "r.csv"
    path.write_bytes(roster(people))
    result = runner.invoke(cli, ["import", "roster", str(path), "--force", "kent", "--json"])
    assert result.exit_code == 0, result.output
    import json

    summary = json.loads(result.stdout)
    assert any("formula" in w["message"] for w in summary["warnings"])
    names = set(db.session.scalars(select(Person.forename)))
    assert '=HYPERLINK("http://x.invalid")' in names
