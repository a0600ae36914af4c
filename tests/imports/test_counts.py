"""Counts that say what they count (rows read vs records found, records vs people, other courses never accepted),
plurals, each kind saying only what applies to it, a refused file's page, and the leavers check on the web."""

from __future__ import annotations

import html
import io
import re
from datetime import date

from lms.cli import cli
from lms.extensions import db
from lms.imports.service import run_import
from lms.models import Person
from tests.support.files import MODULE_TITLES, P, all_modules, csv_bytes, hydra, learning, roster

D = date(2025, 6, 1)
PEOPLE = [P("K001", "Ava", "Stone"), P("K002", "Ben", "Marsh", "investigator"), P("K003", "Cal", "Reed")]
CONTRACT_KEYS = {"id", "kind", "force", "status", "filename", "sha256", "duplicate_of", "rows", "accepted",
                 "skipped_other_courses", "matched", "unmatched", "new_completions", "people_added", "people_updated",
                 "leavers", "errors", "warnings", "error_count"}


def wide_export(people: list[P]) -> bytes:
    """A row per learner, a status and a date column per module (Moodle's completion report)."""
    headers = ["Staff number", "First name", "Last name"]
    for code in MODULE_TITLES:
        headers += [f"OIC module {code[1]}", f"OIC module {code[1]} date completed"]
    rows = [[p.staff, p.first, p.last, *["Completed", D.strftime("%d/%m/%Y")] * 4] for p in people]
    return csv_bytes(headers, rows)


def page_text(response) -> str:
    return html.unescape(" ".join(response.get_data(as_text=True).split()))


def shown(page: str, key: str) -> str:
    match = re.search(re.escape(key) + r"\s*</dt>\s*<dd[^>]*>\s*(.*?)\s*</dd>", page, re.DOTALL)
    return re.sub(r"<[^>]+>", " ", match.group(1)).split("  ")[0].strip() if match else ""


def upload(client, kind: str, data: bytes, name: str):
    return client.post("/upload", data={"kind": kind, "force": "kent", "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def api(client, token: str, kind: str, data: bytes, name: str, **fields):
    return client.post("/api/v1/imports", headers={"Authorization": f"Bearer {token}"},
                       content_type="multipart/form-data",
                       data={"kind": kind, "force": "kent", "file": (io.BytesIO(data), name), **fields})


def lead_token(create_user) -> str:
    from lms.accounts.auth import issue_token

    token = issue_token(create_user("force_lead", force="kent"))
    db.session.commit()
    return token


def test_rows_read_records_found_and_people_are_kept_apart(app, create_user, client):
    token = lead_token(create_user)
    assert api(client, token, "roster", roster(PEOPLE), "r.csv").status_code == 201
    wide = api(client, token, "college-learn", wide_export(PEOPLE[:2]), "wide.csv").get_json()
    assert set(wide) >= CONTRACT_KEYS | {"records", "matched_people", "lists", "effect"}
    assert (wide["rows"], wide["accepted"], wide["records"]) == (2, 2, 8)  # a wide row holds a record per module
    assert (wide["matched"], wide["matched_people"], wide["new_completions"]) == (8, 2, 8)

    long = learning([*all_modules(PEOPLE[2], D)], other_courses=3)
    summary = api(client, token, "college-learn", long, "long.xlsx").get_json()
    # Rows for other courses are skipped, never accepted.
    assert (summary["rows"], summary["accepted"], summary["skipped_other_courses"]) == (7, 4, 3)
    assert client.get(f"/api/v1/imports/{summary['id']}",
                      headers={"Authorization": f"Bearer {token}"}).get_json()["records"] == 4


def test_the_page_says_records_and_people_and_the_cli_says_the_same(signed_in, runner, tmp_path):
    run_import("roster", roster(PEOPLE), "r.csv", "kent", None)
    db.session.commit()
    client, _ = signed_in("force_lead", force="kent")
    response = upload(client, "college-learn", wide_export(PEOPLE[:2]), "wide.csv")
    page = client.get(response.location).get_data(as_text=True)
    assert shown(page, "Rows read") == "2" and shown(page, "Records found") == "8"
    assert shown(page, "Matched to people") == "8 records, 2 people"
    assert shown(page, "Not matched (waiting for you)") == "0 records"

    path = tmp_path / "wide.csv"
    path.write_bytes(wide_export(PEOPLE[:1]))
    out = runner.invoke(cli, ["import", "college-learn", str(path), "--force", "kent", "--dry-run"]).output
    assert "Rows read 1; rows accepted 1; records found 4" in out
    assert "Matched to people: 4 records, 1 person; not matched: 0 records" in out
    assert "New: 4 new module completions" in out
    assert "Effect on the figures: Kent Police: overall 0.0% → 33.3%" in out
    assert "people added" not in out.lower() and "leavers" not in out


def test_plurals_and_each_kind_says_only_what_applies(signed_in):
    run_import("roster", roster(PEOPLE), "r.csv", "kent", None)
    db.session.commit()
    client, _ = signed_in("force_lead", force="kent")
    response = upload(client, "roster", roster(PEOPLE[:2]), "r.csv")  # Cal leaves
    done = page_text(client.post(response.location + "/commit", follow_redirects=True))
    assert "0 people added, 0 people updated, 1 leaver" in done and "1 leavers" not in done

    manager = P("K005", "Dee", "Hart", "manager")
    run_import("roster", roster([*PEOPLE[:2], manager]), "r.csv", "kent", None)
    db.session.commit()
    response = upload(client, "hydra", hydra([(manager, D, "Attended")]), "register.csv")
    done = page_text(client.post(response.location + "/commit", follow_redirects=True))
    assert "1 person attending Hydra for the first time" in done and "matched to people: 1 record, 1 person" in done
    assert "people added" not in done and "leaver" not in done.lower()
    assert "Matched 1 records" not in done


def test_a_refused_file_says_why_and_what_to_do_not_a_table_of_zeros(signed_in):
    client, _ = signed_in("force_lead", force="kent")
    response = upload(client, "roster", b"PK\x03\x04 a damaged workbook", "roster.xlsx")
    page = client.get(response.location).get_data(as_text=True)
    text = page_text(client.get(response.location))
    assert "refused, nothing was imported" in text and "What to do" in text
    assert 'href="/upload"' in page and 'href="/help/#roster"' in page
    assert "Rows read" not in text and "Rows accepted" not in text


def test_a_refused_file_never_says_the_same_file_was_already_imported(app, create_user, client, signed_in):
    token = lead_token(create_user)
    bad = roster([*PEOPLE, P("K004", "Dee", "Hart", "astronaut")])  # an unknown role category: a row error
    first = api(client, token, "roster", bad, "r.csv").get_json()
    assert first["status"] == "committed" and first["error_count"] == 1
    again = api(client, token, "roster", bad, "r.csv", strict="true")
    summary = again.get_json()
    assert again.status_code == 422 and summary["status"] == "refused"
    assert set(summary) >= CONTRACT_KEYS and summary["duplicate_of"] == first["id"]  # the key keeps its meaning
    assert not any("already" in w["message"] for w in summary["warnings"])
    # A file refused first and then uploaded again is not "already imported": only committed batches count.
    empty = api(client, token, "hydra", b"", "empty.csv").get_json()
    assert empty["status"] == "refused"
    assert api(client, token, "hydra", b"", "empty.csv").get_json()["duplicate_of"] is None

    admin, _ = signed_in("admin")
    text = page_text(admin.get(f"/imports/{summary['id']}"))
    assert "refused" in text and "already" not in text


def test_the_leavers_check_asks_a_web_user_to_tick_the_box(signed_in, create_user, client):
    run_import("roster", roster(PEOPLE), "r.csv", "kent", None)
    db.session.commit()
    token = lead_token(create_user)
    refused = api(client, token, "roster", roster(PEOPLE[:1]), "r.csv").get_json()
    assert refused["status"] == "refused" and "--confirm-leavers" in refused["message"]  # the CLI/API wording stays

    lead, _ = signed_in("force_lead", force="kent")
    response = upload(lead, "roster", roster(PEOPLE[:1]), "r.csv")
    preview = page_text(lead.get(response.location))
    assert "This roster would make 2 people leavers of the 3 active now" in preview
    unticked = lead.post(response.location + "/commit")
    text = page_text(unticked)
    assert unticked.status_code == 400 and "There is a problem" in text
    assert 'href="#confirm_leavers"' in text and 'id="confirm_leavers-error"' in text
    assert "Tick the box to confirm this is the full roster: it makes 2 of 3 active people leavers" in text
    assert "--confirm-leavers" not in text
    assert db.session.query(Person).filter(Person.active).count() == 3
    ticked = page_text(lead.post(response.location + "/commit", data={"confirm_leavers": "yes"},
                                 follow_redirects=True))
    assert "2 leavers" in ticked and db.session.query(Person).filter(Person.active).count() == 1


def test_the_cli_text_counts_rows_with_errors_as_rows_and_says_only_what_applies(runner, tmp_path, app):
    run_import("roster", roster(PEOPLE), "r.csv", "kent", None)
    db.session.commit()
    # Two rows with errors (an unknown role category each), one of them with two bad cells.
    bad = csv_bytes(["Staff number", "Forename", "Surname", "Email", "Role category", "Exempt until"],
                    [[p.staff, p.first, p.last, p.email, "frontline", ""] for p in PEOPLE]
                    + [["K008", "Eve", "Lamb", "e@kent.police.invalid", "astronaut", "31/02/2025"],
                       ["K009", "Fay", "Moss", "f@kent.police.invalid", "astronaut", ""]])
    path = tmp_path / "roster.csv"
    path.write_bytes(bad)
    out = runner.invoke(cli, ["import", "roster", str(path), "--force", "kent", "--dry-run"]).output
    assert "Rows read 5; rows accepted 3; rows with errors 2 (skipped)" in out
    assert "People added 0; people updated 3; leavers 0" in out  # Rank, Role and Department left blank
    assert "records found" not in out and "Matched to people" not in out
