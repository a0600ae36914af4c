"""A file with thousands of bad rows: pages and the API list the first 1,000 errors with the full count, and every
error can be downloaded as a CSV report."""

from __future__ import annotations

import csv
import io

from lms.imports import service as imports
from lms.models import ImportBatch
from tests.support.files import ROSTER_HEADERS, csv_bytes

HEADERS = [*ROSTER_HEADERS, "Exempt until"]


def roster_with_bad_dates(good: int, bad: int) -> bytes:
    rows = [[f"K{i:05}", "Ada", f"Example{i}", f"ada{i}@kent.police.invalid", "PC", "Officer", "Response",
             "frontline", ""] for i in range(good)]
    rows += [[f"B{i:05}", "Bea", f"Example{i}", f"bea{i}@kent.police.invalid", "PC", "Officer", "Response",
              "frontline", "31/02/2027"] for i in range(bad)]
    return csv_bytes(HEADERS, rows)


def bearer(runner, create_user) -> dict:
    user = create_user("admin", email="api.errors@example.invalid")
    token = runner.invoke(args=["lms", "create-token", user.email]).stdout.strip()
    return {"Authorization": f"Bearer {token}"}


def test_an_api_dry_run_lists_the_first_thousand_errors_and_counts_them_all(client, runner, create_user):
    response = client.post("/api/v1/imports", headers=bearer(runner, create_user), data={
        "kind": "roster", "force": "kent", "dry_run": "true",
        "file": (io.BytesIO(roster_with_bad_dates(20, 1_500)), "roster.csv")})

    assert response.status_code == 200, response.get_json()
    summary = response.get_json()
    assert summary["error_count"] == 1_500
    assert len(summary["errors"]) == 1_000
    assert summary["errors"][0]["row"] == 22 and summary["errors"][0]["column"] == "Exempt until"
    assert len(response.data) < 250_000


def test_the_batch_page_shows_some_errors_and_offers_every_error_as_a_csv(signed_in, db):
    client, _ = signed_in("force_lead", force="kent")
    upload = client.post("/upload", data={"kind": "roster", "force": "kent",
                                          "file": (io.BytesIO(roster_with_bad_dates(20, 1_500)), "roster.csv")},
                         content_type="multipart/form-data")
    batch_url = upload.headers["Location"]

    page = client.get(batch_url).get_data(as_text=True)

    assert "… and 1,000 more errors not shown here." in page
    assert "Download every error (1,500) as a CSV file" in page
    report = client.get(batch_url + "/errors.csv")
    assert report.status_code == 200 and report.mimetype == "text/csv"
    assert 'filename="batch-' in report.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(report.data.decode("utf-8-sig"))))
    assert rows[0] == ["Row", "Column", "Message"]
    assert len(rows) == 1_501
    assert rows[-1][0] == "1521" and rows[-1][1] == "Exempt until"
    stored = db.session.get(ImportBatch, int(batch_url.rsplit("/", 1)[1]))
    assert len(stored.summary["errors"]) == 1_000


def test_another_forces_lead_cannot_download_the_report(signed_in, client, create_user):
    kent, _ = signed_in("force_lead", force="kent")
    upload = kent.post("/upload", data={"kind": "roster", "force": "kent",
                                        "file": (io.BytesIO(roster_with_bad_dates(5, 3)), "roster.csv")},
                       content_type="multipart/form-data")
    kent.post("/sign-out")
    signed_in("force_lead", force="surrey")

    assert client.get(upload.headers["Location"] + "/errors.csv").status_code == 404


def test_a_summary_stored_before_the_bound_is_cut_when_shown(app, db):
    errors = [{"row": n, "column": "Staff number", "message": "Enter the staff number"} for n in range(2, 3_002)]
    batch = ImportBatch(kind="roster", filename="old.csv", sha256="0" * 64, status="refused",
                        summary={"status": "refused", "errors": errors, "warnings": []})
    db.session.add(batch)
    db.session.commit()

    summary = imports.summary_of(batch)

    assert summary["error_count"] == 3_000 and len(summary["errors"]) == 1_000
