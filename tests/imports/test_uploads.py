"""Uploads: the size limit, content sniffing, where originals are kept, and HTML escaping of what files contain."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms import create_app
from lms.accounts.auth import issue_token
from lms.config import from_environment
from lms.extensions import db
from lms.imports.service import run_import
from lms.models import ImportBatch, Person, StoredUpload
from tests.support.app import PASSWORD
from tests.support.files import LEARN_HEADERS, ROSTER_HEADERS, P, all_modules, csv_bytes, learning, roster, xlsx_bytes

D = date(2025, 6, 1)
PEOPLE = [P("K001", "Ava", "Stone"), P("K002", "Ben", "Marsh", "investigator")]


def multipart(fields: dict, name: str, data: bytes, url: str, client, **kw):
    """POST a multipart form built in memory: the test client would spool a large body to a temporary file that it
    never closes when the app refuses the request unread (a ResourceWarning)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart({**fields, "file": FileStorage(io.BytesIO(data), filename=name)})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}", **kw)


def upload(client, kind: str, data: bytes, name: str, force: str = "kent"):
    return multipart({"kind": kind, "force": force}, name, data, "/upload", client)


def batch_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(ImportBatch))


def stored_files(app) -> list[str]:
    """Every original kept: in the database, and any file in UPLOAD_DIR (originals are no longer written there)."""
    folder = Path(app.config["UPLOAD_DIR"])
    on_disk = [p.name for p in folder.iterdir()] if folder.exists() else []
    with app.app_context():
        in_database = list(db.session.scalars(select(StoredUpload.name)))
        db.session.remove()
    return sorted(in_database + on_disk)


# --- size limit ---------------------------------------------------------------------------------------------------


@pytest.fixture
def small_limit(app, database_url, tmp_path, monkeypatch):
    """An app whose upload limit comes from LMS_MAX_UPLOAD_MB=1, on the shared test database."""
    monkeypatch.setenv("LMS_MAX_UPLOAD_MB", "1")
    small = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_DIR": str(tmp_path / "small"),
        "UPLOAD_DIR": str(tmp_path / "small" / "uploads"), "SECRET_KEY": "small", "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "BACKGROUND_IMPORT_BYTES": 10 * 1024 * 1024,
    })
    yield small
    with small.app_context():
        db.engine.dispose()


def big_roster(size: int) -> bytes:
    people = [P(f"K{n:06}", f"Fore{n}", f"Sur{n}") for n in range(size // 100)]  # about 100 bytes a row
    return roster(people)


def test_an_upload_over_the_limit_gets_a_gov_uk_413_page_that_says_the_limit(small_limit, create_user):
    lead = create_user("force_lead", force="kent")
    client = small_limit.test_client()
    client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    data = big_roster(1_200_000)
    assert len(data) > 1024 * 1024

    response = upload(client, "roster", data, "roster.csv")

    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert 'class="govuk-template' in html and "govuk-heading-l" in html
    assert "The file is too large" in html
    assert "smaller than 1 MB" in html
    assert response.headers["X-Frame-Options"] == "DENY"
    assert batch_count() == 0 and stored_files(small_limit) == []


def test_an_api_upload_over_the_limit_gets_a_json_413(small_limit, create_user):
    lead = create_user("force_lead", force="kent")
    token = issue_token(lead)
    db.session.commit()
    client = small_limit.test_client()

    response = multipart({"kind": "roster", "force": "kent"}, "roster.csv", big_roster(1_200_000),
                         "/api/v1/imports", client, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 413
    assert response.is_json
    body = response.get_json()
    assert body["error"] == "The file is too large"
    assert isinstance(body["details"], list)
    assert batch_count() == 0 and stored_files(small_limit) == []


def test_an_upload_under_the_limit_is_accepted(small_limit, create_user):
    lead = create_user("force_lead", force="kent")
    client = small_limit.test_client()
    client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    data = big_roster(900_000)
    assert len(data) < 1024 * 1024 - 2048

    response = upload(client, "roster", data, "roster.csv")

    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert batch_count() == 1


def test_the_limit_defaults_to_50_mb(monkeypatch, tmp_path):
    monkeypatch.delenv("LMS_MAX_UPLOAD_MB", raising=False)
    assert from_environment(tmp_path)["MAX_UPLOAD_MB"] == 50


# --- content, not the name, decides how a file is read ------------------------------------------------------------


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


ROSTER_ROWS = [[p.staff, p.first, p.last, p.email, "Constable", "Officer", "Response", p.category] for p in PEOPLE]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("roster.xlsx", csv_bytes(ROSTER_HEADERS, ROSTER_ROWS)),  # a CSV named .xlsx
        ("roster.csv", xlsx_bytes(ROSTER_HEADERS, ROSTER_ROWS)),  # a workbook named .csv
        ("roster", xlsx_bytes(ROSTER_HEADERS, ROSTER_ROWS)),  # no extension at all
        ("roster.txt", csv_bytes(ROSTER_HEADERS, ROSTER_ROWS, delimiter=";")),
        ("ROSTER.XLSX", xlsx_bytes(ROSTER_HEADERS, ROSTER_ROWS)),
    ],
    ids=["csv-named-xlsx", "xlsx-named-csv", "xlsx-no-extension", "semicolon-csv-named-txt", "xlsx-upper-case"],
)
def test_a_readable_file_is_read_by_its_content_whatever_its_name(app, name, data):
    outcome = run_import("roster", data, name, "kent", None, mode="dry_run")

    assert outcome.summary["status"] == "preview", outcome.summary["errors"]
    assert outcome.summary["rows"] == 2 and outcome.summary["people_added"] == 2


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("roster.xlsx", b"<html><body><table><tr><td>Staff number</td></tr></table></body></html>", "web page"),
        ("roster.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "not a text file"),
        ("roster.xlsx", docx_bytes(), "Word document"),
        ("roster.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
        ("roster.xlsx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 600, "not an Excel workbook"),
        ("roster.xlsx", b"PK\x03\x04 this is not really a zip", "damaged"),
    ],
    ids=["html-named-xlsx", "png-named-csv", "docx-named-xlsx", "xls-named-csv", "exe-named-xlsx", "broken-zip"],
)
def test_a_file_that_is_not_what_it_claims_is_refused_clearly_and_not_stored(signed_in, app, name, data, words):
    client, _ = signed_in("force_lead", force="kent")

    response = upload(client, "roster", data, name)

    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert words in page, page
    batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))
    assert batch.status == "refused" and batch.stored_name is None
    assert stored_files(app) == []
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


# --- originals are kept out of reach ------------------------------------------------------------------------------


def test_originals_are_stored_privately_under_generated_names_and_never_served(signed_in, app):
    client, _ = signed_in("force_lead", force="kent")
    data = roster(PEOPLE)

    response = upload(client, "roster", data, "../../../static/evil.csv")

    assert response.status_code == 302
    batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))
    assert re.fullmatch(r"[0-9a-f]{32}\.upload", batch.stored_name)
    # In the database, so any instance can commit the preview and a backup holds it; nothing on the server's disk.
    stored = db.session.get(StoredUpload, batch.stored_name)
    assert stored.data == data and stored.size_bytes == len(data)
    folder = Path(app.config["UPLOAD_DIR"])
    assert not folder.exists() or list(folder.iterdir()) == []
    assert stored_files(app) == [batch.stored_name]  # the name typed made nothing of its own
    static = Path(app.static_folder).resolve()
    assert not folder.resolve().is_relative_to(static)
    for url in (f"/static/{batch.stored_name}", f"/assets/{batch.stored_name}", f"/uploads/{batch.stored_name}",
                f"/static/../instance/uploads/{batch.stored_name}", f"/assets/../../{batch.stored_name}",
                "/static/evil.csv"):
        answer = client.get(url)
        answer.close()
        assert answer.status_code == 404, url


def test_the_default_upload_folder_is_in_the_instance_folder_not_a_served_one(tmp_path):
    settings = from_environment(tmp_path / "instance")
    upload_dir = Path(settings["UPLOAD_DIR"]).resolve()
    assert upload_dir.is_relative_to((tmp_path / "instance").resolve())
    repo = Path(__file__).resolve().parents[2]
    for served in (repo / "static", repo / "templates"):
        assert not upload_dir.is_relative_to(served.resolve())


# --- what a file says is shown as text, never run -----------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
FILE_NAME = "<img src=x onerror=alert(3)>.csv"  # a file name cannot hold "/": "</script>" would be a path


def assert_inert(html: str, where: str) -> None:
    assert "<script>alert(" not in html, where
    assert "<img src=x" not in html, where
    assert "onerror=alert" not in html or "&lt;img src=x onerror=alert" in html, where


def test_names_with_markup_render_inert_on_every_page_that_shows_them(signed_in, app):
    client, _ = signed_in("force_lead", force="kent")
    villain = P("K666", SCRIPT, IMG, mail="villain@kent.police.invalid")
    stranger = P("X999", SCRIPT, "Unmatched" + IMG, mail="stranger@kent.police.invalid")
    bad_category = csv_bytes(ROSTER_HEADERS, [["K777", "Eve", "Bad", "eve@kent.police.invalid", "Constable",
                                               "Officer", "Response", SCRIPT]])
    # A roster with the villain in it, and a row whose error message quotes the markup.
    data = roster([*PEOPLE, villain]) + bad_category.split(b"\n", 1)[1]
    response = upload(client, "roster", data, FILE_NAME)
    roster_batch = int(response.location.rsplit("/", 1)[1])
    preview = client.get(f"/imports/{roster_batch}").get_data(as_text=True)
    assert_inert(preview, "roster preview")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview  # the filename or the quoted value, as text
    client.post(f"/imports/{roster_batch}/commit")
    response = upload(client, "college-learn", learning(all_modules(stranger, D)), "export.xlsx")
    learning_batch = int(response.location.rsplit("/", 1)[1])
    client.post(f"/imports/{learning_batch}/commit")
    person_id = db.session.scalar(select(Person.id).where(Person.staff_number == "K666"))

    pages = {
        "batch": f"/imports/{roster_batch}",
        "learning batch": f"/imports/{learning_batch}",
        "history": "/forces/kent/imports",
        "force page": "/forces/kent",
        "people": "/forces/kent/people?show=all",
        "person": f"/forces/kent/people/{person_id}",
        "unmatched": "/forces/kent/unmatched",
        "rollback": f"/imports/{roster_batch}/rollback",
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        assert_inert(response.get_data(as_text=True), where)

    people_page = client.get(pages["people"]).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in people_page
    assert "&lt;img src=x onerror=alert(2)&gt;" in people_page
    unmatched_page = client.get(pages["unmatched"]).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in unmatched_page
    history = client.get(pages["history"]).get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(3)&gt;.csv" in history


def test_markup_in_names_is_inert_in_the_admin_audit_log(signed_in):
    client, _ = signed_in("admin")
    upload(client, "roster", roster(PEOPLE), FILE_NAME)

    html = client.get("/admin/audit").get_data(as_text=True)

    assert_inert(html, "audit")


def test_a_learning_row_with_markup_in_every_field_is_inert_in_the_batch_errors(signed_in):
    client, _ = signed_in("force_lead", force="kent")
    rows = [[SCRIPT, SCRIPT, SCRIPT, IMG, SCRIPT, SCRIPT, SCRIPT, SCRIPT]]
    response = upload(client, "college-learn", csv_bytes(LEARN_HEADERS, rows), "export.csv")

    html = client.get(response.location).get_data(as_text=True)

    assert_inert(html, "learning errors")
