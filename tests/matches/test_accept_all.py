"""Accept all suggestions at or above N% similarity: a list to check, then one confirmation that matches exactly
those learners (never one with two people equally close), audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.extensions import db
from lms.forces.service import get_force
from lms.matches import suggestions
from lms.models import AuditEvent


def staff_of(proposals) -> set[str]:
    return {p.learner.staff_number for p in proposals.accepted}


def test_proposals_are_the_learners_with_one_suggestion_at_or_above_the_similarity(world):
    kent = get_force("kent")
    at_90 = suggestions.proposals(kent, 90)
    assert staff_of(at_90) == {"X101"}  # Ava Stones -> Ava Stone; Bem Marsh is not quite that close
    assert at_90.accepted[0].person.staff_number == "K001"
    assert {w.staff_number for w in at_90.ambiguous} == {"X103"}  # Eve Harte: two Eve Harts, equally close
    assert staff_of(suggestions.proposals(kent, 85)) == {"X101", "X102"}
    assert staff_of(suggestions.proposals(kent, 100)) == set()
    assert all(p.score >= 85 for p in suggestions.proposals(kent, 85).accepted)


def test_the_similarity_must_be_a_whole_number_from_60_to_100():
    assert suggestions.minimum_from(None) == 90 and suggestions.minimum_from("") == 90
    assert suggestions.minimum_from("75") == 75 and suggestions.minimum_from(" 80% ") == 80
    for bad in ("abc", "59", "101", "9.5", "-90"):
        try:
            suggestions.minimum_from(bad)
        except suggestions.ServiceError as exc:
            assert "from 60 to 100" in str(exc)
        else:
            raise AssertionError(bad)


def test_the_lead_checks_the_list_then_one_post_matches_exactly_those(world, signed_in):
    client, lead = signed_in("force_lead", force="kent")
    unmatched = client.get("/forces/kent/unmatched").get_data(as_text=True)
    assert 'action="/forces/kent/unmatched/accept-all"' in unmatched and 'name="minimum" type="text" value="90"' in \
        unmatched.replace('inputmode="numeric" ', "").replace('spellcheck="false" ', "")

    page = client.get("/forces/kent/unmatched/accept-all?minimum=90").get_data(as_text=True)
    table = page.split('id="accept-table"')[1].split("</table>")[0]
    rows = table.split('<tr class="govuk-table__row">')[2:]
    assert len(rows) == 1 and "Ava Stones" in rows[0] and "Ava Stone<br>" in rows[0] and "K001" in rows[0]
    assert "Bem Marsh" not in table and "Zed Quinn" not in table
    assert "Choose for these learners yourself" in page and "Eve Harte" in page.split("Choose for these")[1]
    assert "Match all 1 learner" in page
    choices = [c.replace("&amp;", "&") for c in re.findall(r'name="choice" value="([^"]+)"', page)]
    assert len(choices) == 1

    before = world.kent_figures()["elearning"]["complete"]
    page = client.post("/forces/kent/unmatched/accept-all", data={"minimum": "90", "choice": choices},
                       follow_redirects=True).get_data(as_text=True)
    assert "Matched 1 learner (4 records) to the people suggested" in page
    assert world.waiting_staff() == {"X102", "X103", "X104"}
    assert world.kent_figures()["elearning"]["complete"] == before + 1
    whole = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "unmatched.accepted_all")).all()
    assert len(whole) == 1 and whole[0].user_id == lead.id
    assert whole[0].details == {"minimum": 90, "learners": 1, "records": 4}
    each = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "unmatched.confirmed")).all()
    assert len(each) == 1 and each[0].details["via"] == "accept all"
    # The decision is remembered like any other, with the similarity it was made at.
    decisions = client.get("/forces/kent/decisions").get_data(as_text=True)
    assert "Ava Stones" in decisions and re.search(r"Names 9\d% similar", decisions)


def test_a_lower_similarity_takes_in_more_and_a_pair_no_longer_proposed_is_left_alone(world, signed_in):
    client, _ = signed_in("force_lead", force="kent")
    page = client.get("/forces/kent/unmatched/accept-all?minimum=85").get_data(as_text=True)
    assert "Match all 2 learners" in page
    zed_to_ava = f"{world.person('K001').id} {world.key('zed')}"  # never proposed: Zed Quinn is like nobody
    client.post("/forces/kent/unmatched/accept-all", data={"minimum": "85", "choice": [zed_to_ava]})
    assert world.waiting_staff() == {"X101", "X102", "X103", "X104"}
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("unmatched.%"))).all()


def test_a_similarity_that_is_not_a_number_is_an_error_on_the_field(world, signed_in):
    client, _ = signed_in("force_lead", force="kent")
    response = client.get("/forces/kent/unmatched/accept-all?minimum=lots")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "<title>Error: " in page
    assert 'href="#minimum"' in page and "Enter a similarity from 60 to 100, like 90" in page
    assert "govuk-error-message" in page and 'id="accept-table"' not in page
    response = client.post("/forces/kent/unmatched/accept-all", data={"minimum": "250", "choice": []})
    assert response.status_code == 400 and world.waiting_staff() == {"X101", "X102", "X103", "X104"}


def test_nothing_close_enough_says_so(world, signed_in):
    client, _ = signed_in("force_lead", force="kent")
    page = client.get("/forces/kent/unmatched/accept-all?minimum=100").get_data(as_text=True)
    assert "No learner has exactly one suggested person at or above 100% similarity" in page
    assert 'name="choice"' not in page
