"""A preview that says who and what: the people a roster adds, makes leavers and updates (old -> new), records
matched by name only (flagged), unmatched learners; each list paged on the page and downloadable as CSV."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

from lms.extensions import db
from lms.imports.service import commit_preview, run_import
from lms.models import ImportBatch
from tests.support.files import ROSTER_HEADERS, P, all_modules, csv_bytes, learning, roster

D = date(2025, 6, 1)
AVA, BEN, CAL = P("K001", "Ava", "Stone"), P("K002", "Ben", "Marsh", "investigator"), P("K003", "Cal", "Reed")


def roster_with(people: list[tuple[P, str]]) -> bytes:
    """A roster where each person has the given rank."""
    return csv_bytes(ROSTER_HEADERS, [[p.staff, p.first, p.last, p.email, rank, "Officer", p.department, p.category]
                                      for p, rank in people])


def commit(kind: str, data: bytes, force: str = "kent"):
    outcome = run_import(kind, data, "file.csv" if kind != "college-learn" else "export.xlsx", force, None)
    db.session.commit()
    return outcome


def upload(client, kind: str, data: bytes, name: str):
    response = client.post("/upload", data={"kind": kind, "force": "kent", "file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location, int(response.location.rsplit("/", 1)[1])


def text_of(response) -> str:
    return html.unescape(" ".join(response.get_data(as_text=True).split()))


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_a_roster_preview_names_who_is_added_who_leaves_and_what_changes(signed_in):
    commit("roster", roster_with([(AVA, "Constable"), (BEN, "Constable")]))
    client, _ = signed_in("force_lead", force="kent")
    dee = P("K004", "Dee", "Hart")
    url, batch_id = upload(client, "roster", roster_with([(AVA, "Sergeant"), (dee, "Constable")]), "roster.csv")
    page = text_of(client.get(url))

    assert "People added (1)" in page and "Dee Hart" in page and "K004" in page
    assert "Leavers (1)" in page and "Ben Marsh" in page
    assert "People updated (1)" in page and "Ava Stone" in page and "Rank: Constable → Sergeant" in page

    rows = csv_rows(client.get(f"/imports/{batch_id}/lists/updated.csv"))
    assert rows[0] == ["Name", "Staff number", "Changes"]
    assert rows[1] == ["Ava Stone", "K001", "Rank: Constable → Sergeant"]
    assert csv_rows(client.get(f"/imports/{batch_id}/lists/leavers.csv"))[1][:2] == ["Ben Marsh", "K002"]
    assert client.get(f"/imports/{batch_id}/lists/by_name.csv").status_code == 404  # not a roster's list

    # Committed, the batch page still names them: what it did.
    client.post(f"/imports/{batch_id}/commit", data={"confirm_leavers": "yes"})
    assert "Rank: Constable → Sergeant" in text_of(client.get(url))


def test_a_leaver_coming_back_and_a_new_requirement_are_shown_old_to_new(app):
    commit("roster", roster([AVA, BEN]))
    commit("roster", roster([AVA]))  # Ben leaves
    changed = P("K001", "Ava", "Stone", "investigator")
    outcome = run_import("roster", roster([changed, BEN]), "r.csv", "kent", None, mode="preview")
    db.session.commit()
    from lms.imports import details

    lists = details.load(outcome.batch)
    by_name = {i["name"]: i["changes"] for i in lists["updated"]}
    assert {"field": "On the roster", "old": "No", "new": "Yes"} in by_name["Ben Marsh"]
    assert {"field": "Role category", "old": "frontline", "new": "investigator"} in by_name["Ava Stone"]
    assert {"field": "Hydra required", "old": "No", "new": "Yes"} in by_name["Ava Stone"]
    assert outcome.summary["lists"] == {"added": 0, "leavers": 0, "updated": 2}


def test_each_list_is_paged_and_the_url_says_which_list_and_page(signed_in):
    client, _ = signed_in("force_lead", force="kent")
    people = [P(f"K{i:04}", "Ann", f"Lee{i:03}") for i in range(120)]
    url, batch_id = upload(client, "roster", roster(people), "roster.csv")
    first = text_of(client.get(url))
    assert "People added (120)" in first and "Ann Lee000" in first and "Ann Lee049" in first
    assert "Ann Lee050" not in first
    assert f"/imports/{batch_id}?list=added&amp;page=3" in client.get(url).get_data(as_text=True)
    third = text_of(client.get(f"{url}?list=added&page=3"))
    assert "Ann Lee100" in third and "Ann Lee119" in third and "Ann Lee099" not in third
    assert "page 3 of 3" in third
    assert text_of(client.get(f"{url}?list=added&page=99")).count("Ann Lee1") == 20  # past the end: the last page
    rows = csv_rows(client.get(f"/imports/{batch_id}/lists/added.csv"))
    assert len(rows) == 121 and rows[1][:2] == ["Ann Lee000", "K0000"] and rows[1][5] == "E-learning"


def test_the_csv_is_safe_against_formula_injection(signed_in):
    client, _ = signed_in("force_lead", force="kent")
    evil = P("K009", "=HYPERLINK(\"http://x.invalid\")", "Doe", mail="evil@kent.police.invalid")
    _url, batch_id = upload(client, "roster", roster([AVA, evil]), "roster.csv")
    names = [r[0] for r in csv_rows(client.get(f"/imports/{batch_id}/lists/added.csv"))[1:]]
    assert "Ava Stone" in names
    assert not any(n.startswith("=") for n in names) and any("HYPERLINK" in n for n in names)


def test_name_matches_are_flagged_with_the_person_and_the_records_own_identity(signed_in):
    commit("roster", roster([AVA, BEN]))
    client, _ = signed_in("force_lead", force="kent")
    # Ava's record has no staff number and an email the roster does not know: matched by her unique name only.
    by_name = P("", "Ava", "Stone", mail="ava.s@other.invalid")
    stranger = P("X900", "Zed", "Quill")
    data = learning([*all_modules(by_name, D), *all_modules(BEN, D), *all_modules(stranger, D)])
    url, batch_id = upload(client, "college-learn", data, "export.xlsx")
    page = text_of(client.get(url))

    assert "Matched by name only: check these (4)" in page
    flagged = re.search(r'id="list-by_name".*?</details>', page, re.DOTALL).group(0)
    assert "no staff number" in flagged and "ava.s@other.invalid" in flagged and "K001" in flagged
    assert "Ben Marsh" not in flagged
    assert "Not matched to anyone (1)" in page and "Zed Quill" in page
    rows = csv_rows(client.get(f"/imports/{batch_id}/lists/by_name.csv"))
    assert rows[0][-2:] == ["Matched to", "Their staff number"]
    assert {tuple(r[4:]) for r in rows[1:]} == {("Ava Stone", "K001")} and len(rows) == 5
    assert {(r[0], r[1], r[2]) for r in rows[1:]} == {("Ava Stone", "", "ava.s@other.invalid")}
    unmatched = csv_rows(client.get(f"/imports/{batch_id}/lists/unmatched.csv"))
    assert unmatched[1:] == [["Zed Quill", "X900", stranger.email, "4"]]  # one line per learner, with its records


def test_the_lists_are_stored_apart_from_the_summary_and_loaded_only_when_asked(app):
    commit("roster", roster([AVA]))
    outcome = run_import("roster", roster([AVA, BEN, CAL]), "r.csv", "kent", None, mode="preview")
    db.session.commit()
    db.session.expire_all()
    batch = db.session.get(ImportBatch, outcome.batch.id)
    assert "preview_details" not in batch.__dict__  # deferred: not loaded with the batch
    assert "Ben Marsh" not in str(batch.summary) and batch.summary["lists"]["added"] == 2
    assert batch.preview_details[:2] == b"\x1f\x8b"  # gzip
    committed = commit_preview(batch, None)
    db.session.commit()
    assert committed.summary["lists"]["added"] == 2


def test_rows_sent_to_another_force_never_appear_in_the_lists(signed_in):
    from tests.support.files import HYDRA_HEADERS

    manager = P("K008", "Ivy", "Dale", "manager")
    commit("roster", roster([manager]))
    surrey_manager = P("S008", "Jo", "Finch", "manager", force="surrey")
    commit("roster", roster([surrey_manager]), "surrey")
    stranger = P("S999", "Kit", "Unseen", force="surrey")
    rows = [[D.strftime("%d/%m/%Y"), "HYD-1", "HQ", "Trainer", p.staff, p.first, p.last, p.email, force, "Attended"]
            for p, force in ((manager, "Kent Police"), (surrey_manager, "Surrey Police"), (stranger, "Surrey Police"))]
    client, _ = signed_in("force_lead", force="kent")
    url, batch_id = upload(client, "hydra", csv_bytes(HYDRA_HEADERS, rows), "register.csv")
    page = text_of(client.get(url))
    summary = db.session.get(ImportBatch, batch_id).summary
    assert summary["sent_to_other_forces"] == {"surrey": 2}
    assert (summary["records"], summary["matched_people"], summary["unmatched"]) == (1, 1, 0)
    assert "Jo Finch" not in page and "Kit Unseen" not in page and "S999" not in page
    assert csv_rows(client.get(f"/imports/{batch_id}/lists/unmatched.csv")) == [
        ["Name in the file", "Staff number in the file", "Email in the file", "Records"]]
