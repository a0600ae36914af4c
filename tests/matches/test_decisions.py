"""The decisions page: every remembered decision with who, when and from which batch; undo sends the records back
to the queue (or to whichever rule now matches them) and the figures follow."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.extensions import db
from lms.forces.service import get_force
from lms.imports.service import run_import
from lms.matches import decisions, queue
from lms.models import AuditEvent, MatchDecision
from tests.matches.conftest import KENT, LEARNERS, hidden_key
from tests.support.files import P, roster

WHEN = re.compile(r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December)"
                  r" \d{4}, \d{2}:\d{2} (GMT|BST)")


def decide(client, staff: str, choice: str):
    page = client.get("/forces/kent/unmatched").get_data(as_text=True)
    return client.post("/forces/kent/unmatched", data={"identity_key": hidden_key(page, staff), "person_id": choice},
                       follow_redirects=True)


def test_decisions_are_listed_with_who_when_and_the_batch(world, signed_in):
    client, lead = signed_in("force_lead", force="kent")
    dana = world.person("K004")
    assert "Matched 4 records" in decide(client, "X104", str(dana.id)).get_data(as_text=True)
    assert "Dismissed 4 records" in decide(client, "X102", "dismiss").get_data(as_text=True)

    page = client.get("/forces/kent/decisions").get_data(as_text=True)
    assert "Showing 1–2 of 2 decisions" in page
    cards = page.split('class="govuk-summary-card"')[1:]
    assert len(cards) == 2
    newest, oldest = cards  # newest first: the dismissal came second
    assert "Bem Marsh" in newest and "X102" in newest and "Dismissed" in newest
    assert "Zed Quinn" in oldest and "X104" in oldest and "x104@college.invalid" in oldest
    assert "Matched to" in oldest and f'href="/forces/kent/people/{dana.id}"' in oldest and "Dana Whitlock" in oldest
    for card in cards:
        assert lead.email in card
        assert WHEN.search(card), card
        assert f'href="/imports/{world.batch_id}"' in card and "kent-learn.xlsx" in card
        assert "4 records from College Learn" in card
        assert re.search(r'href="/forces/kent/decisions/\d+/undo"', card)
    # Reached from the unmatched page and the force page.
    assert 'href="/forces/kent/decisions"' in client.get("/forces/kent/unmatched").get_data(as_text=True)
    assert 'href="/forces/kent/decisions"' in client.get("/forces/kent").get_data(as_text=True)


def test_undo_puts_the_records_back_in_the_queue_and_the_figures_drop(world, signed_in):
    client, lead = signed_in("force_lead", force="kent")
    before = world.kent_figures()["elearning"]["complete"]
    decide(client, "X104", str(world.person("K004").id))
    assert world.kent_figures()["elearning"]["complete"] == before + 1
    assert "X104" not in world.waiting_staff()
    decision_id = db.session.scalar(select(MatchDecision.id))

    page = client.get(f"/forces/kent/decisions/{decision_id}/undo").get_data(as_text=True)
    assert "Are you sure you want to undo the decision about Zed Quinn?" in page
    assert "Dana Whitlock (K004)" in page
    assert db.session.get(MatchDecision, decision_id) is not None  # the question changes nothing

    response = client.post(f"/forces/kent/decisions/{decision_id}/undo", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "4 records of Zed Quinn are back in the unmatched queue" in page
    assert "No decisions have been made" in page
    db.session.expire_all()
    assert db.session.get(MatchDecision, decision_id) is None
    assert "X104" in world.waiting_staff()
    assert world.kent_figures()["elearning"]["complete"] == before  # the pages' figures (snapshots)
    assert world.kent_figures(use_snapshots=False)["elearning"]["complete"] == before  # and computed afresh
    assert "Zed Quinn" in client.get("/forces/kent/unmatched").get_data(as_text=True)
    undone = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "unmatched.undone")).all()
    assert len(undone) == 1 and undone[0].user_id == lead.id and undone[0].details["decision"] == "confirmed"


def test_undoing_a_dismissal_returns_the_learner_to_the_queue(world, signed_in):
    client, _ = signed_in("force_lead", force="kent")
    decide(client, "X103", "dismiss")
    assert "X103" not in world.waiting_staff()
    decision_id = db.session.scalar(select(MatchDecision.id))
    page = client.get(f"/forces/kent/decisions/{decision_id}/undo").get_data(as_text=True)
    assert "were dismissed" in page
    client.post(f"/forces/kent/decisions/{decision_id}/undo")
    assert "X103" in world.waiting_staff()


def test_after_undo_the_records_follow_whichever_rule_matches_them_now(world, signed_in):
    """Zed Quinn was tied to Dana Whitlock; then a roster brings the real Zed Quinn. The confirmed decision still
    wins until it is undone; then the staff number matches the joiner, who gets the credit."""
    client, _ = signed_in("force_lead", force="kent")
    decide(client, "X104", str(world.person("K004").id))
    zed = LEARNERS["zed"]
    assert not run_import("roster", roster([*KENT, P(zed.staff, zed.first, zed.last)]), "kent-roster-2.csv", "kent",
                          None).refused
    db.session.commit()
    joiner = world.person(zed.staff)
    assert queue.learner(get_force("kent"), world_key(zed.staff)).records == 4
    decision_id = db.session.scalar(select(MatchDecision.id))
    page = client.post(f"/forces/kent/decisions/{decision_id}/undo", follow_redirects=True).get_data(as_text=True)
    assert "now match by the usual rules" in page
    assert "X104" not in world.waiting_staff()
    people = client.get(f"/forces/kent/people/{joiner.id}").get_data(as_text=True)
    assert "Zed Quinn" in people
    entry = world.kent_figures()
    assert entry["elearning"]["complete"] == 1  # the joiner's four modules, and no longer Dana's


def world_key(staff: str) -> str:
    from lms.models import LearningRecord

    return db.session.scalar(select(LearningRecord.identity_key).where(LearningRecord.staff_number == staff).limit(1))


def test_decisions_are_paged_newest_first(world, signed_in):
    client, _ = signed_in("force_lead", force="kent")
    kent = get_force("kent")
    for n in range(30):
        queue.dismiss(kent, f"s:gone{n:02d}|e:|n:gone learner {n:02d}", None)
    db.session.commit()
    first = client.get("/forces/kent/decisions").get_data(as_text=True)
    assert "Showing 1–25 of 30 decisions" in first and first.count('class="govuk-summary-card"') == 25
    assert 'href="/forces/kent/decisions?page=2"' in first
    second = client.get("/forces/kent/decisions?page=2").get_data(as_text=True)
    assert "Showing 26–30 of 30 decisions" in second and second.count('class="govuk-summary-card"') == 5
    assert "Gone Learner 00" in second and "Gone Learner 29" in first  # newest first
    lines, paging = decisions.page_of(kent, 2)
    assert paging.pages == 2 and len(lines) == 5


def test_no_one_reaches_another_forces_decisions(world, signed_in, create_user):
    surrey = get_force("surrey")
    queue.dismiss(surrey, "s:s999|e:|n:someone else", None)
    db.session.commit()
    surrey_decision = db.session.scalar(select(MatchDecision.id).where(MatchDecision.force_id == surrey.id))
    client, _ = signed_in("force_lead", force="kent")
    assert client.get(f"/forces/kent/decisions/{surrey_decision}/undo").status_code == 404
    assert client.post(f"/forces/kent/decisions/{surrey_decision}/undo").status_code == 404
    assert client.get("/forces/surrey/decisions").status_code == 404
    assert db.session.get(MatchDecision, surrey_decision) is not None
