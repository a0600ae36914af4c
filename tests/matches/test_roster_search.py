"""Confirming a learner from a search of the whole roster: the service, the page without JavaScript, the JSON the
autocomplete reads, and the errors that name the learner. Another force's people never appear."""

from __future__ import annotations

import re

from lms.extensions import db
from lms.forces.service import get_force
from lms.imports.service import run_import
from lms.matches import roster as roster_search
from tests.matches.conftest import KENT, hidden_key
from tests.support.files import P, roster


def test_the_search_finds_active_people_of_the_force_only(world):
    kent = get_force("kent")
    found = roster_search.search(kent, "whitlock")
    assert [p.staff_number for p in found] == ["K004"]  # Surrey's Dana Whitlock (S001) is never found
    assert [p.staff_number for p in roster_search.search(kent, "ava ston")] == ["K001"]
    assert [p.staff_number for p in roster_search.search(kent, "k004")] == ["K004"]
    assert [p.staff_number for p in roster_search.search(kent, "Dana.Whitlock@kent")] == ["K004"]
    assert [p.staff_number for p in roster_search.search(kent, "eve hart")] == ["K005", "K006"]
    assert roster_search.search(kent, "") == [] and roster_search.search(kent, " -- ") == []
    assert [p.staff_number for p in roster_search.search(get_force("surrey"), "whitlock")] == ["S001"]
    # Cara leaves: she is no longer offered.
    assert not run_import("roster", roster([p for p in KENT if p.staff != "K003"]), "r2.csv", "kent", None).refused
    db.session.commit()
    assert roster_search.search(kent, "lind") == []


def test_the_search_lists_at_most_twenty(app):
    many = [P(f"K{n:03d}", f"Sam{chr(65 + n % 26)}", "Smith") for n in range(30)]
    assert not run_import("roster", roster(many), "smiths.csv", "kent", None).refused
    db.session.commit()
    assert len(roster_search.search(get_force("kent"), "smith")) == 20


def test_without_javascript_the_search_lists_people_to_choose_and_confirming_credits_them(world, signed_in):
    client, _ = signed_in("force_lead", force="kent")
    page = client.get("/forces/kent/unmatched").get_data(as_text=True)
    dana = world.person("K004")
    key = hidden_key(page, "X104")
    assert "Dana Whitlock" not in page  # Zed Quinn's name suggests nobody
    # The no-JavaScript search is a GET form of its own for that learner.
    assert re.search(r'<form method="get" id="find-\d+" action="/forces/kent/unmatched#learner-\d+">', page)

    response = client.get("/forces/kent/unmatched", query_string={"learner": key, "q": "whitlock"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    block = next(b for b in page.split('<div id="learner-')[1:] if " X104 " in b.split("</legend>")[0])
    assert f'value="{dana.id}"' in block and "Dana Whitlock (K004)" in block and "found by your search" in block
    assert "1 other person on your roster matches “whitlock”" in block
    assert world.person("S001", "surrey").full_name == "Dana Whitlock"
    assert f'value="{world.person("S001", "surrey").id}"' not in page

    before = world.kent_figures()["elearning"]["complete"]
    page = client.post("/forces/kent/unmatched", data={"identity_key": key, "person_id": str(dana.id)},
                       follow_redirects=True).get_data(as_text=True)
    assert "Matched 4 records" in page
    assert world.kent_figures()["elearning"]["complete"] == before + 1
    assert "X104" not in world.waiting_staff()
    person = client.get(f"/forces/kent/people/{dana.id}").get_data(as_text=True)
    assert "everything required is done" in person and "confirmed by a lead" in person  # the records count for her


def test_a_search_that_finds_nobody_says_so(world, signed_in):
    client, _ = signed_in("force_lead", force="kent")
    key = hidden_key(client.get("/forces/kent/unmatched").get_data(as_text=True), "X104")
    page = client.get("/forces/kent/unmatched", query_string={"learner": key, "q": "nobodyknown"}).get_data(
        as_text=True)
    assert "No one else on your roster matches “nobodyknown”" in page


def test_the_autocomplete_json_lists_this_forces_people_only(world, signed_in):
    client, _ = signed_in("force_lead", force="kent")
    response = client.get("/forces/kent/unmatched/people.json?q=whitlock")
    assert response.status_code == 200 and response.is_json
    people = response.get_json()["people"]
    assert [(p["name"], p["staff_number"]) for p in people] == [("Dana Whitlock", "K004")]
    assert people[0]["label"] == "Dana Whitlock (K004)" and people[0]["id"] == world.person("K004").id
    assert client.get("/forces/kent/unmatched/people.json?q=").get_json() == {"people": []}
    assert client.get("/forces/surrey/unmatched/people.json?q=whitlock").status_code == 404


def test_the_autocomplete_json_is_for_the_forces_leads_and_admins(world, signed_in, client):
    assert client.get("/forces/kent/unmatched/people.json?q=whitlock").status_code == 302  # sign in first
    national, _ = signed_in("national")
    assert national.get("/forces/kent/unmatched/people.json?q=whitlock").status_code == 403


def test_choosing_nobody_is_an_error_that_names_the_learner(world, signed_in):
    client, _ = signed_in("force_lead", force="kent")
    page = client.get("/forces/kent/unmatched").get_data(as_text=True)
    key = hidden_key(page, "X104")
    response = client.post("/forces/kent/unmatched", data={"identity_key": key})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: " in page
    summary = page.split('class="govuk-error-summary"')[1].split("</div>\n</div>")[0]
    message = "Choose a person for Zed Quinn, or dismiss their records"
    assert message in summary
    href = re.search(r'href="#(person-\d+)"', summary).group(1)
    assert f'id="{href}"' in page  # the link reaches the learner's first radio
    block = next(b for b in page.split('<div id="learner-')[1:] if " X104 " in b.split("</legend>")[0])
    assert "govuk-error-message" in block and message in block
    assert "govuk-notification-banner" not in page
    assert "X104" in world.waiting_staff()


def test_a_person_of_another_force_is_refused_and_changes_nothing(world, signed_in):
    client, _ = signed_in("force_lead", force="kent")
    key = hidden_key(client.get("/forces/kent/unmatched").get_data(as_text=True), "X104")
    before = world.kent_figures()
    response = client.post("/forces/kent/unmatched",
                           data={"identity_key": key, "person_id": str(world.person("S001", "surrey").id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose a person from Kent Police&#39;s roster for Zed Quinn, or dismiss their records" in page
    assert world.kent_figures() == before and "X104" in world.waiting_staff()


def test_a_learner_no_longer_waiting_is_refused_and_nothing_is_remembered(world, signed_in):
    from sqlalchemy import func, select

    from lms.models import MatchDecision

    client, _ = signed_in("force_lead", force="kent")
    page = client.get("/forces/kent/unmatched").get_data(as_text=True)
    key = hidden_key(page, "X104")
    assert client.post("/forces/kent/unmatched", data={"identity_key": key, "person_id": "dismiss"}).status_code == 302
    for stale in (key, "s:made-up|e:|n:nobody at all"):  # decided in another tab; an identity no upload carried
        response = client.post("/forces/kent/unmatched",
                               data={"identity_key": stale, "person_id": str(world.person("K004").id)})
        assert response.status_code == 400
        assert "Nothing is waiting for that learner any more" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MatchDecision)) == 1  # the one dismissal
