"""The unmatched page in pages of 50 learners: the count, the pagination, and a decision made on page 2 returns to
page 2."""

from __future__ import annotations

from lms.extensions import db
from lms.imports.service import run_import
from tests.matches.conftest import DONE, hidden_key
from tests.support.files import P, learning


def test_the_queue_is_paged_and_a_decision_returns_to_its_page(world, signed_in):
    # 51 more learners, Aaberg01..Aaberg51: sorted by surname they come first, before the world's four.
    more = [P(f"Y{n:03d}", "Visitor", f"Aaberg{n:02d}", mail=f"y{n:03d}@college.invalid") for n in range(1, 52)]
    assert not run_import("college-learn", learning([(p, "M1", "Completed", DONE) for p in more]), "more.xlsx",
                          "kent", None).refused
    db.session.commit()
    client, _ = signed_in("force_lead", force="kent")
    first = client.get("/forces/kent/unmatched").get_data(as_text=True)
    assert "55 learners in your uploads" in first and "Showing 1–50 of 55 learners" in first
    assert first.count('name="identity_key"') == 50 and "Aaberg50" in first and "Aaberg51" not in first
    assert 'href="/forces/kent/unmatched?page=2"' in first
    second = client.get("/forces/kent/unmatched?page=2").get_data(as_text=True)
    assert "Showing 51–55 of 55 learners" in second and second.count('name="identity_key"') == 5
    assert "Aaberg51" in second and "Zed Quinn" in second
    assert client.get("/forces/kent/unmatched?page=9").get_data(as_text=True).count('name="identity_key"') == 5

    response = client.post("/forces/kent/unmatched?page=2",
                           data={"identity_key": hidden_key(second, "X104"), "person_id": "dismiss"})
    assert response.status_code == 302 and response.location.endswith("/forces/kent/unmatched?page=2")
    assert "X104" not in world.waiting_staff()
