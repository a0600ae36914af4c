"""API authentication (session or bearer token), tokens stored hashed, and the league-table object's shape."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from lms.cli import cli
from lms.models import ApiToken
from tests.support.app import sign_in

MODULE_CODES = {"M1", "M2", "M3", "M4"}
# "status": the band's words as the pages show them (lms.reports.status), e.g. "Behind, overdue since 30 April 2026".
FORCE_KEYS = {"code", "name", "region", "rank", "elearning", "hydra", "overall", "modules", "unmatched_records",
              "last_upload", "status"}


def new_token(runner, email: str) -> str:
    result = runner.invoke(cli, ["create-token", email])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def national(create_user):
    return create_user("national", email="msoicu@example.com")


def test_create_token_prints_a_token(runner, national):
    token = new_token(runner, national.email)

    assert token.startswith("lms_")
    assert len(token) >= 40
    assert "\n" not in token
    assert new_token(runner, national.email) != token


def test_create_token_for_an_unknown_user_is_refused(runner):
    result = runner.invoke(cli, ["create-token", "nobody@example.com"])

    assert result.exit_code == 1
    assert "No user with the email nobody@example.com" in result.stderr
    assert result.stdout == ""


def test_the_token_is_stored_hashed(runner, national, db):
    token = new_token(runner, national.email)

    rows = list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == national.id)))
    assert len(rows) == 1
    row = rows[0]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(getattr(row, column.key)) for column in ApiToken.__table__.columns]
    assert not any(token in value for value in stored)
    assert len(row.prefix) < len(token) // 2  # enough to recognise a token in a list, not to use it


def test_league_table_needs_credentials(client):
    response = client.get("/api/v1/league-table")

    assert response.status_code == 401
    body = response.get_json()
    assert set(body) == {"error", "details"}
    assert "Bearer" in body["error"]


@pytest.mark.parametrize(
    "header",
    ["Bearer lms_not-a-real-token", "Bearer ", "Basic bXNvaWN1OnBhc3N3b3Jk", "lms_not-a-real-token"],
)
def test_league_table_refuses_a_wrong_token(client, runner, national, header):
    new_token(runner, national.email)

    response = client.get("/api/v1/league-table", headers={"Authorization": header})

    assert response.status_code == 401
    assert set(response.get_json()) == {"error", "details"}


def test_a_token_of_a_deactivated_user_is_refused(client, runner, national, db):
    token = new_token(runner, national.email)
    national.active = False
    db.session.commit()

    assert client.get("/api/v1/league-table", headers=bearer(token)).status_code == 401


def test_a_revoked_token_is_refused(client, runner, national, db):
    token = new_token(runner, national.email)
    db.session.scalar(select(ApiToken).where(ApiToken.user_id == national.id)).revoked = True
    db.session.commit()

    assert client.get("/api/v1/league-table", headers=bearer(token)).status_code == 401


def test_the_right_token_works_and_is_recorded_as_used(client, runner, national, db):
    token = new_token(runner, national.email)

    response = client.get("/api/v1/league-table", headers=bearer(token))

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at).where(ApiToken.user_id == national.id)) is not None


def test_a_token_does_not_stay_signed_in_for_the_next_request(client, runner, national):
    token = new_token(runner, national.email)
    assert client.get("/api/v1/league-table", headers=bearer(token)).status_code == 200

    assert client.get("/api/v1/league-table").status_code == 401
    assert client.get("/").status_code == 302


def test_the_browser_session_works_too(client, national):
    sign_in(client, national.email)

    assert client.get("/api/v1/league-table").status_code == 200


def test_league_table_shape_before_any_import(client, runner, national, app, today):
    token = new_token(runner, national.email)

    table = client.get("/api/v1/league-table", headers=bearer(token)).get_json()

    assert set(table) == {"as_of", "deadline", "forces"}
    assert table["as_of"] == today.isoformat()
    assert table["deadline"] == "2026-04-30"
    forces = table["forces"]
    assert len(forces) == 43
    assert len({f["code"] for f in forces}) == 43
    # Unranked forces are listed by name.
    assert [f["name"] for f in forces] == sorted((f["name"] for f in forces), key=str.casefold)
    for force in forces:
        assert set(force) == FORCE_KEYS
        assert force["rank"] is None
        for package in ("elearning", "hydra", "overall"):
            assert force[package] == {"relevant": 0, "complete": 0, "percent": None, "overdue": 0, "not_yet_due": 0}
        assert force["modules"] == dict.fromkeys(MODULE_CODES, 0)
        assert force["unmatched_records"] == 0
        assert force["last_upload"] == {"roster": None, "college-learn": None, "hydra": None}
    kent = next(f for f in forces if f["code"] == "kent")
    assert (kent["name"], kent["region"]) == ("Kent Police", "Eastern")


def test_league_table_as_of_a_date(client, national):
    sign_in(client, national.email)

    table = client.get("/api/v1/league-table?as_of=2026-01-31").get_json()
    assert table["as_of"] == "2026-01-31"

    bad = client.get("/api/v1/league-table?as_of=31/01/2026")
    assert bad.status_code == 400
    body = bad.get_json()
    assert set(body) == {"error", "details"}
    assert "YYYY-MM-DD" in body["details"][0]


def test_a_force_lead_sees_their_own_force_and_not_another(client, runner, create_user):
    kent_lead = create_user("force_lead", email="kent.lead@example.com", force="kent")
    surrey_lead = create_user("force_lead", email="surrey.lead@example.com", force="surrey")
    kent_token, surrey_token = new_token(runner, kent_lead.email), new_token(runner, surrey_lead.email)

    own = client.get("/api/v1/forces/kent", headers=bearer(kent_token))
    assert own.status_code == 200
    assert own.get_json()["code"] == "kent"
    assert set(own.get_json()) == FORCE_KEYS

    other = client.get("/api/v1/forces/kent", headers=bearer(surrey_token))
    assert other.status_code == 404
    assert set(other.get_json()) == {"error", "details"}
    # "may not see" looks exactly like "does not exist"
    missing = client.get("/api/v1/forces/atlantis", headers=bearer(surrey_token))
    assert missing.status_code == 404
    assert other.get_json()["error"].replace("kent", "atlantis") == missing.get_json()["error"]


def test_regional_sees_the_forces_of_their_region_through_the_api(client, runner, create_user):
    serocu = create_user("regional", email="serocu@example.com", region="South East")
    token = new_token(runner, serocu.email)

    assert client.get("/api/v1/forces/surrey", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/forces/kent", headers=bearer(token)).status_code == 404


def test_force_object_needs_credentials(client):
    assert client.get("/api/v1/forces/kent").status_code == 401


def test_the_force_object_is_the_league_table_entry(client, runner, national):
    token = new_token(runner, national.email)
    table = client.get("/api/v1/league-table", headers=bearer(token)).get_json()

    entry = client.get("/api/v1/forces/durham", headers=bearer(token)).get_json()

    assert entry == next(f for f in table["forces"] if f["code"] == "durham")
