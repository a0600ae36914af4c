"""Rolling back a roster that must wait for a later one: the page says which batch to undo first, instead of asking
"Are you sure?"; the POST, the API and the command line refuse with the same words and change nothing."""

from __future__ import annotations

import re
from datetime import date

from lms.cli import cli
from lms.extensions import db
from lms.imports.service import run_import
from lms.reports.figures import league_table
from tests.support.files import P, all_modules, learning, roster

D = date(2025, 6, 2)
PEOPLE = [P("K001", "Ava", "Stone"), P("K002", "Ben", "Marsh", "investigator"), P("K003", "Cara", "Hill", "manager")]


def commit(kind: str, data: bytes, user=None) -> int:
    outcome = run_import(kind, data, {"roster": "roster.csv", "college-learn": "export.xlsx"}[kind], "kent", user,
                         confirm_leavers=True, confirm_force=True)
    db.session.commit()
    assert outcome.summary["status"] == "committed"
    return outcome.batch.id


def active_people() -> int:
    return next(f for f in league_table()["forces"] if f["code"] == "kent")["overall"]["relevant"]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_an_earlier_roster_names_the_batch_to_undo_first_instead_of_asking(signed_in):
    client, lead = signed_in("force_lead", force="kent")
    first = commit("roster", roster(PEOPLE), lead)
    commit("college-learn", learning(all_modules(PEOPLE[0], D)), lead)
    second = commit("roster", roster(PEOPLE[:2]), lead)
    assert active_people() == 2

    page = client.get(f"/imports/{first}/rollback")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"Batch {first} cannot be rolled back yet" in text_of(html)
    assert f"Roster batch {second} was committed after this one for the same force: roll that back first" in html
    assert f'href="/imports/{second}/rollback"' in html
    assert "Are you sure" not in html and 'id="confirm-rollback"' not in html

    # Posting anyway is refused with the same words, and nothing changes.
    refused = client.post(f"/imports/{first}/rollback")
    assert refused.status_code == 409
    assert f"Roster batch {second} was committed after this one" in refused.get_data(as_text=True)
    assert active_people() == 2

    # Following the link: the later roster asks "Are you sure?" and rolls back; then the first one may go too.
    later = client.get(f"/imports/{second}/rollback").get_data(as_text=True)
    assert "Are you sure you want to roll back batch" in later and 'id="confirm-rollback"' in later
    assert client.post(f"/imports/{second}/rollback").status_code == 302
    assert active_people() == 3
    assert "Are you sure" in client.get(f"/imports/{first}/rollback").get_data(as_text=True)
    assert client.post(f"/imports/{first}/rollback").status_code == 302
    assert active_people() == 0


def test_the_newest_later_roster_is_the_one_named(signed_in):
    client, lead = signed_in("force_lead", force="kent")
    first = commit("roster", roster(PEOPLE), lead)
    commit("roster", roster(PEOPLE[:2]), lead)
    third = commit("roster", roster(PEOPLE), lead)
    html = client.get(f"/imports/{first}/rollback").get_data(as_text=True)
    assert f"Roster batch {third} was committed" in html and f'href="/imports/{third}/rollback"' in html


def test_exports_never_wait_for_a_later_roster(signed_in):
    client, lead = signed_in("force_lead", force="kent")
    commit("roster", roster(PEOPLE), lead)
    export = commit("college-learn", learning(all_modules(PEOPLE[0], D)), lead)
    commit("roster", roster(PEOPLE[:2]), lead)
    assert "Are you sure" in client.get(f"/imports/{export}/rollback").get_data(as_text=True)
    assert client.post(f"/imports/{export}/rollback").status_code == 302


def test_a_batch_already_rolled_back_says_so_without_a_button(signed_in):
    client, lead = signed_in("force_lead", force="kent")
    batch = commit("roster", roster(PEOPLE), lead)
    client.post(f"/imports/{batch}/rollback")
    html = client.get(f"/imports/{batch}/rollback").get_data(as_text=True)
    assert f"Batch {batch} cannot be rolled back" in html and "rolled back" in text_of(html)
    assert 'id="confirm-rollback"' not in html


def test_the_api_and_the_command_line_refuse_with_the_same_message(app, create_user, client, runner):
    from lms.accounts.auth import issue_token

    lead = create_user("force_lead", force="kent")
    token = issue_token(lead)
    db.session.commit()
    first = commit("roster", roster(PEOPLE), lead)
    second = commit("roster", roster(PEOPLE[:2]), lead)
    message = f"Roster batch {second} was committed after this one for the same force: roll that back first"

    response = client.post(f"/api/v1/imports/{first}/rollback", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 409 and response.get_json()["error"].startswith(message)
    result = runner.invoke(cli, ["rollback", str(first)])
    assert result.exit_code == 1 and message in result.output
    assert active_people() == 2
    assert runner.invoke(cli, ["rollback", str(second)]).exit_code == 0
    assert client.post(f"/api/v1/imports/{first}/rollback",
                       headers={"Authorization": f"Bearer {token}"}).get_json()["status"] == "rolled_back"
