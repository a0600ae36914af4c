"""A training lead's upload journey in the browser-facing pages, and the JSON API for imports."""

from __future__ import annotations

import io
import re
import threading
import time
from datetime import date

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import ImportBatch, LearningRecord
from lms.reports.figures import league_table
from tests.support.files import P, all_modules, learning, roster

D = date(2025, 6, 1)
PEOPLE = [P("K001", "Ava", "Stone"), P("K002", "Ben", "Marsh", "investigator")]


def upload(client, kind: str, data: bytes, name: str, force: str = "kent"):
    return client.post("/upload", data={"kind": kind, "force": force, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def kent() -> dict:
    return next(f for f in league_table(use_snapshots=False)["forces"] if f["code"] == "kent")


def test_upload_preview_commit_unmatched_and_rollback(signed_in):
    client, _ = signed_in("force_lead", force="kent")
    assert 'name="kind"' in client.get("/upload").get_data(as_text=True)
    response = upload(client, "roster", roster(PEOPLE), "roster.csv")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Check what this file will change" in page and "People added" in page
    assert kent()["overall"]["relevant"] == 0  # nothing until committed
    batch_id = int(response.location.rsplit("/", 1)[1])
    page = client.post(f"/imports/{batch_id}/commit", follow_redirects=True).get_data(as_text=True)
    assert "committed" in page and kent()["overall"]["relevant"] == 2

    stranger = P("X9", "Avaa", "Stonne")
    response = upload(client, "college-learn", learning(all_modules(stranger, D)), "export.xlsx")
    batch_id = int(response.location.rsplit("/", 1)[1])
    client.post(f"/imports/{batch_id}/commit")
    page = client.get("/forces/kent/unmatched").get_data(as_text=True)
    assert "Avaa Stonne" in page and "Ava Stone" in page  # the likely person is offered
    key = re.search(r'name="identity_key" value="([^"]+)"', page).group(1)
    person_id = re.search(r'name="person_id"[^>]*value="(\d+)"', page).group(1)
    page = client.post("/forces/kent/unmatched", data={"identity_key": key.replace("&amp;", "&"),
                                                       "person_id": person_id},
                       follow_redirects=True).get_data(as_text=True)
    assert "Matched 4 records" in page and kent()["elearning"]["complete"] == 1

    assert "Are you sure" in client.get(f"/imports/{batch_id}/rollback").get_data(as_text=True)
    page = client.post(f"/imports/{batch_id}/rollback", follow_redirects=True).get_data(as_text=True)
    assert "rolled back" in page and kent()["elearning"]["complete"] == 0
    history = client.get("/forces/kent/imports").get_data(as_text=True)
    assert "export.xlsx" in history and "roster.csv" in history


def test_cancelled_preview_changes_nothing(signed_in):
    client, _ = signed_in("force_lead", force="kent")
    response = upload(client, "roster", roster(PEOPLE), "roster.csv")
    batch_id = int(response.location.rsplit("/", 1)[1])
    client.post(f"/imports/{batch_id}/cancel")
    assert db.session.get(ImportBatch, batch_id).status == "cancelled"
    assert kent()["overall"]["relevant"] == 0


def test_a_lead_cannot_upload_for_or_see_another_force(signed_in):
    client, _ = signed_in("force_lead", force="kent")
    response = upload(client, "roster", roster(PEOPLE), "roster.csv", force="surrey")
    assert response.status_code == 400  # surrey is not a choice for a Kent lead
    assert client.get("/forces/surrey/unmatched").status_code == 404
    assert client.get("/forces/surrey/imports").status_code == 404


def test_regional_users_upload_hydra_only(signed_in):
    client, _ = signed_in("regional", region="South East")
    page = client.get("/upload").get_data(as_text=True)
    assert "Surrey Police" in page and "Kent Police" not in page
    response = upload(client, "roster", roster(PEOPLE), "roster.csv", force="surrey")
    assert response.status_code == 400 and "not allowed" in response.get_data(as_text=True)


def test_a_large_file_is_read_in_the_background_with_progress(app, signed_in):
    app.config["BACKGROUND_IMPORT_BYTES"] = 1
    client, _ = signed_in("force_lead", force="kent")
    response = upload(client, "roster", roster([P(f"K{i:04}", "Ann", f"Lee{i}") for i in range(3000)]), "big.csv")
    batch_id = int(response.location.rsplit("/", 1)[1])
    first = client.get(f"/imports/{batch_id}")
    for _ in range(200):
        db.session.rollback()  # the test shares one session across requests: end its snapshot each poll
        state = client.get(f"/imports/{batch_id}/progress").get_json()
        if state["ready"]:
            break
        assert state["status"] == "processing"
        time.sleep(0.05)
    assert state["ready"] and state["url"].endswith(f"/imports/{batch_id}")
    for thread in threading.enumerate():
        if thread.name.startswith("import-"):
            thread.join(10)
    assert "Reading your file" in first.get_data(as_text=True) or first.status_code == 200
    db.session.expire_all()
    page = client.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert "Check what this file will change" in page and "3,000 people" in page


def test_api_imports_create_read_and_rollback(app, create_user, client):
    from lms.accounts.auth import issue_token

    user = create_user("force_lead", force="kent")
    token = issue_token(user)
    db.session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    response = client.post("/api/v1/imports", headers=auth, content_type="multipart/form-data",
                           data={"kind": "roster", "force": "kent", "file": (io.BytesIO(roster(PEOPLE)), "r.csv"),
                                 "dry_run": "true"})
    assert response.status_code == 200 and response.get_json()["status"] == "preview"
    response = client.post("/api/v1/imports", headers=auth, content_type="multipart/form-data",
                           data={"kind": "roster", "force": "kent", "file": (io.BytesIO(roster(PEOPLE)), "r.csv")})
    assert response.status_code == 201
    summary = response.get_json()
    assert set(summary) >= {"id", "kind", "force", "status", "filename", "sha256", "duplicate_of", "rows", "accepted",
                            "skipped_other_courses", "matched", "unmatched", "new_completions", "people_added",
                            "people_updated", "leavers", "errors", "warnings"}
    assert client.get(f"/api/v1/imports/{summary['id']}", headers=auth).get_json()["people_added"] == 2
    response = client.post("/api/v1/imports", headers=auth, content_type="multipart/form-data",
                           data={"kind": "roster", "force": "kent", "file": (io.BytesIO(b""), "r.csv")})
    assert response.status_code == 422 and response.get_json()["status"] == "refused"
    response = client.post("/api/v1/imports", headers=auth, content_type="multipart/form-data",
                           data={"kind": "roster", "force": "surrey", "file": (io.BytesIO(roster(PEOPLE)), "r.csv")})
    assert response.status_code == 404
    response = client.post(f"/api/v1/imports/{summary['id']}/rollback", headers=auth)
    assert response.status_code == 200 and response.get_json()["status"] == "rolled_back"
    assert client.post(f"/api/v1/imports/{summary['id']}/rollback", headers=auth).status_code == 409
    other = create_user("force_lead", force="surrey")
    other_token = issue_token(other)
    db.session.commit()
    response = client.get(f"/api/v1/imports/{summary['id']}", headers={"Authorization": f"Bearer {other_token}"})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(LearningRecord)) == 0


def test_templates_download_with_canonical_headers(client):
    from openpyxl import load_workbook

    response = client.get("/templates/roster.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    headers = [c.value for c in ws[1]]
    assert headers[:3] == ["Staff number", "Forename", "Surname"] and "Role category" in headers


def test_upload_history_is_for_those_who_can_act_on_it(signed_in, create_user, client):
    from lms.imports.service import run_import

    run_import("roster", roster(PEOPLE), "roster.csv", "kent", None)
    db.session.commit()
    national = create_user("national")
    from tests.support.app import sign_in

    sign_in(client, national.email)
    assert client.get("/forces/kent/imports").status_code == 403  # not "no files uploaded"
    client.post("/sign-out")
    lead_client, _ = signed_in("force_lead", force="kent")
    assert "roster.csv" in lead_client.get("/forces/kent/imports").get_data(as_text=True)


def test_a_coordinators_all_forces_register_is_listed_in_their_uploads(signed_in):
    from tests.support.files import hydra

    client, _ = signed_in("regional", region="South East")
    response = upload(client, "hydra", hydra([(PEOPLE[0], D, "Yes")]), "regional-register.csv", force="all")
    batch_id = int(response.location.rsplit("/", 1)[1])
    client.post(f"/imports/{batch_id}/commit")
    page = client.get("/imports").get_data(as_text=True)
    assert "regional-register.csv" in page and f"/imports/{batch_id}" in page


def test_admins_choose_a_force_with_unmatched_records(signed_in):
    from lms.imports.service import run_import

    run_import("college-learn", learning(all_modules(P("X1", "No", "Body"), D)), "c.xlsx", "kent", None)
    db.session.commit()
    client, _ = signed_in("admin")
    page = client.get("/unmatched").get_data(as_text=True)
    assert "Kent Police" in page and "/forces/kent/unmatched" in page
