"""A chief constable's signed read-only link: it opens for its own force only, until it expires or an admin
withdraws it; a changed character breaks it; it shows figures, never a person; every use is in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.briefings import links
from lms.extensions import db
from lms.models import AuditEvent, ChiefLink, utcnow
from tests.support.emails import force, load_scenario

NAMES = ("Ada", "Testperson", "Notaperson", "Fictional", "Placeholder", "Notreal", "Invented", "kent.invalid",
         "S0000")


@pytest.fixture
def scenario(app):
    return load_scenario()


def new_link(code: str = "kent", **kwargs) -> tuple[ChiefLink, str]:
    link = links.issue_link(force(code), **kwargs)
    db.session.commit()
    return link, links.token_of(link)


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_a_valid_link_shows_the_force_and_the_national_table_with_no_account(client, scenario):
    link, token = new_link(period="2026-12")
    response = client.get(f"/chief/kent/{token}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Kent Police" in page and "Essex Police" in page and "Wiltshire Police" in page
    status = page.split('id="status"')[1].split("</dd>")[0]
    assert "Behind" in status and "overdue since 30 April 2026" in status  # 62.5%, after the deadline
    assert "5 of 8" in page  # Kent overall, as an aggregate
    assert 'id="national-table"' in page
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    (used,) = events("chief_link.used")
    assert used.force_id == force("kent").id and used.target == f"chief link {link.id}" and used.user_id is None
    assert db.session.get(ChiefLink, link.id).uses == 1


def test_the_page_shows_no_person(client, scenario):
    _, token = new_link()
    page = client.get(f"/chief/kent/{token}").get_data(as_text=True)
    for name in NAMES:
        assert name not in page, name


def test_a_link_expires_after_45_days_by_default(client, scenario):
    link, token = new_link(now=utcnow() - timedelta(days=46))
    assert link.expires_at - link.created_at == timedelta(days=45)
    response = client.get(f"/chief/kent/{token}")
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)
    assert "Kent Police" not in response.get_data(as_text=True)
    (refused,) = events("chief_link.refused")
    assert refused.details["outcome"] == "expired" and refused.force_id == force("kent").id


def test_a_link_an_admin_withdrew_stops_at_once(client, scenario, signed_in):
    link, token = new_link()
    assert client.get(f"/chief/kent/{token}").status_code == 200
    admin_client, admin = signed_in("admin")
    listing = admin_client.get("/admin/chief-links").get_data(as_text=True)
    assert f'id="link-{link.id}"' in listing and "Working" in listing
    response = admin_client.post(f"/admin/chief-links/{link.id}/revoke")
    assert response.status_code == 302
    admin_client.post("/sign-out")
    response = client.get(f"/chief/kent/{token}")
    assert response.status_code == 410
    assert "withdrawn" in response.get_data(as_text=True)
    (revoked,) = events("chief_link.revoked")
    assert revoked.user_id == admin.id
    assert [e.details["outcome"] for e in events("chief_link.refused")] == ["revoked"]


def test_another_forces_link_does_not_open_this_force(client, scenario):
    _, token = new_link("kent")
    response = client.get(f"/chief/surrey/{token}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Surrey Police" not in page and "Kent Police" not in page
    assert [e.details["outcome"] for e in events("chief_link.refused")] == ["other_force"]


@pytest.mark.parametrize("change", ["flip_signature", "flip_payload", "truncate", "garbage"])
def test_a_tampered_link_is_refused(client, scenario, change):
    link, token = new_link()
    payload, signature = token.rsplit(".", 1)
    swap = {"a": "b", "b": "a"}
    tampered = {
        "flip_signature": f"{payload}.{signature[:-1]}{swap.get(signature[-1], 'a')}",
        "flip_payload": f"{payload[:-1]}{swap.get(payload[-1], 'a')}.{signature}",
        "truncate": token[:-4],
        "garbage": "not-a-token",
    }[change]
    response = client.get(f"/chief/kent/{tampered}")
    assert response.status_code == 404
    assert "This link is not valid" in response.get_data(as_text=True)
    assert [e.details["outcome"] for e in events("chief_link.refused")] == ["tampered"]
    assert db.session.get(ChiefLink, link.id).uses == 0


def test_a_re_created_link_row_does_not_accept_an_old_token(client, scenario):
    # The nonce is signed into the token: a token whose id now names another row is not that row's token.
    link, token = new_link()
    db.session.delete(db.session.get(ChiefLink, link.id))
    db.session.commit()
    other = ChiefLink(id=link.id, force_id=force("kent").id, nonce="different", created_at=utcnow(),
                      expires_at=utcnow() + timedelta(days=45), uses=0)
    db.session.add(other)
    db.session.commit()
    assert client.get(f"/chief/kent/{token}").status_code == 404
    assert [e.details["outcome"] for e in events("chief_link.refused")] == ["unknown"]


def test_an_admin_can_make_and_withdraw_a_link_from_the_command_line(client, scenario, runner):
    made = runner.invoke(args=["lms", "chief-link", "kent", "--days", "7"])
    assert made.exit_code == 0, made.output
    url = made.stdout.strip()
    assert url.startswith("http://127.0.0.1:5000/chief/kent/")
    path = url.removeprefix("http://127.0.0.1:5000")
    assert client.get(path).status_code == 200
    (link,) = db.session.scalars(select(ChiefLink)).all()
    assert link.expires_at - link.created_at == timedelta(days=7)
    assert [e.target for e in events("chief_link.created")] == [f"chief link {link.id}"]

    assert runner.invoke(args=["lms", "revoke-chief-link", str(link.id)]).exit_code == 0
    assert client.get(path).status_code == 410
    refused = runner.invoke(args=["lms", "chief-link", "atlantis"])
    assert refused.exit_code == 1 and "atlantis" in refused.stderr
    assert runner.invoke(args=["lms", "revoke-chief-link", "999"]).exit_code == 1


def test_next_steps_name_the_biggest_gap_and_the_role_most_of_it_is_in():
    from lms.briefings.service import next_steps

    def counts(relevant, complete):
        return {"relevant": relevant, "complete": complete}

    entry = {"elearning": counts(40, 20), "hydra": counts(20, 8), "overall": counts(50, 10),
             "modules": {"M1": 38, "M2": 35, "M3": 26, "M4": 30}}
    roles = [{"name": "investigator", "hydra": counts(14, 5)}, {"name": "manager", "hydra": counts(6, 3)}]
    assert next_steps(entry, {"M3": "Incident types"}, by_role=roles) == [
        "14 people still need module 3 (Incident types)",
        "12 people have not attended a Hydra session, 9 of them in the investigator role category",
    ]
    # No majority, or only merged small groups: no role named.
    even = [{"name": "investigator", "hydra": counts(10, 4)}, {"name": "manager", "hydra": counts(10, 4)}]
    assert next_steps(entry, {}, by_role=even)[1] == "12 people have not attended a Hydra session"
    assert next_steps({**entry, "hydra": counts(20, 20)}, {}, limit=1) == ["14 people still need module 3"]
