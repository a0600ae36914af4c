"""A file that looks like another force's is flagged in the preview and committed only once someone confirms:
the preview's tick box, `lms import --confirm-force` or the API's `confirm_force=true` (CONTRACT.md)."""

from __future__ import annotations

import html
import io
from datetime import date

from sqlalchemy import func, select

from lms.cli import cli
from lms.models import LearningRecord, Person
from tests.support.files import P, all_modules, csv_bytes, learning, roster

KENT = [P(f"K{i:04}", "Kent", f"Person{i}") for i in range(20)]
ESSEX = [P(f"E{i:04}", "Essex", f"Person{i}", force="essex") for i in range(20)]
DONE = date(2025, 6, 1)


def import_file(runner, tmp_path, kind: str, data: bytes, *flags: str):
    path = tmp_path / ("upload.csv" if kind == "roster" else "upload.xlsx")
    path.write_bytes(data)
    return runner.invoke(cli, ["import", kind, str(path), "--force", "kent", *flags])


def essex_export() -> bytes:
    """Essex's College Learn export: every row's Organisation is Essex Police."""
    return learning([entry for p in ESSEX[:12] for entry in all_modules(p, DONE)])


def kent_people(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Person).where(Person.staff_number.like("E%")))


def test_another_forces_roster_is_refused_without_confirm_force(runner, tmp_path, db):
    assert import_file(runner, tmp_path, "roster", roster(KENT)).exit_code == 0
    essex_as_kent = roster([P(p.staff, p.first, p.last) for p in ESSEX])

    refused = import_file(runner, tmp_path, "roster", essex_as_kent, "--confirm-leavers")

    assert refused.exit_code == 1
    assert "Only 0 of the 20 staff numbers in this roster are on Kent Police's current roster of 20" in refused.stderr
    assert "--confirm-force" in refused.stderr
    assert kent_people(db) == 0
    confirmed = import_file(runner, tmp_path, "roster", essex_as_kent, "--confirm-leavers", "--confirm-force")
    assert confirmed.exit_code == 0, confirmed.output
    assert kent_people(db) == 20


def test_a_roster_that_mostly_matches_needs_no_confirmation(runner, tmp_path):
    assert import_file(runner, tmp_path, "roster", roster(KENT)).exit_code == 0
    next_month = roster(KENT[:18] + [P("K9001", "New", "Joiner"), P("K9002", "Another", "Joiner")])

    assert import_file(runner, tmp_path, "roster", next_month).exit_code == 0


def test_an_export_naming_another_force_is_refused_by_the_api_without_confirm_force(client, runner, create_user, db):
    user = create_user("admin", email="wrong.file@example.invalid")
    token = runner.invoke(cli, ["create-token", user.email]).stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}

    def post(**extra):
        return client.post("/api/v1/imports", headers=headers, data={
            "kind": "college-learn", "force": "kent", "file": (io.BytesIO(essex_export()), "essex.xlsx"), **extra})

    refused = post()
    assert refused.status_code == 422
    assert refused.get_json()["message"].startswith("Most rows (48 of 48) name Essex Police in the Organisation column")
    assert "confirm_force=true" in refused.get_json()["message"]
    confirmed = post(confirm_force="true")
    assert confirmed.status_code == 201
    assert confirmed.get_json()["accepted"] == 0  # every row is Essex's: listed as row errors, nothing credited
    assert db.session.scalar(select(func.count()).select_from(LearningRecord)) == 0


def test_the_preview_says_so_and_commits_only_with_the_box_ticked(signed_in, runner, tmp_path):
    import_file(runner, tmp_path, "roster", roster(KENT))
    client, _ = signed_in("force_lead", force="kent")
    upload = client.post("/upload", data={"kind": "college-learn", "force": "kent",
                                          "file": (io.BytesIO(essex_export()), "essex.xlsx")},
                         content_type="multipart/form-data")
    batch_url = upload.headers["Location"]

    page = html.unescape(" ".join(client.get(batch_url).get_data(as_text=True).split()))
    assert "Most rows (48 of 48) name Essex Police in the Organisation column, not Kent Police" in page
    assert "Yes, I have checked: this is Kent Police's file" in page

    unticked = client.post(batch_url + "/commit", follow_redirects=True)
    text = html.unescape(unticked.get_data(as_text=True))
    # The web user is told which box to tick (error summary + inline error), never the CLI's --confirm-force.
    assert unticked.status_code == 400 and "There is a problem" in text and 'href="#confirm_force"' in text
    assert 'id="confirm_force-error"' in text and "Tick the box to confirm this is Kent Police's file" in text
    assert "--confirm-force" not in text
    ticked = client.post(batch_url + "/commit", data={"confirm_force": "yes"}, follow_redirects=True)
    assert f"Batch {batch_url.rsplit('/', 1)[1]} committed" in ticked.get_data(as_text=True)


def test_a_regional_hydra_register_with_other_forces_delegates_is_not_flagged(runner, tmp_path):
    from tests.support.files import HYDRA_HEADERS

    rows = [[DONE.strftime("%d/%m/%Y"), "S1", "HQ", "Trainer", p.staff, p.first, p.last, p.email,
             "Essex Police", "Attended"] for p in ESSEX[:12]]

    result = import_file(runner, tmp_path, "hydra", csv_bytes(HYDRA_HEADERS, rows))

    assert "another force" not in result.output and "confirm-force" not in result.output
