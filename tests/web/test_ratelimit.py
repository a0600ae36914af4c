"""Rate limits: sign-in attempts per address, and the API per token (lms.web.ratelimit)."""

from __future__ import annotations

import pytest

from lms import create_app
from lms.extensions import db as _db
from lms.web import ratelimit
from tests.support.app import PASSWORD


@pytest.fixture
def limited(app, database_url, tmp_path):
    """An app with rate limits on (the test app has them off), on the same database as `app`."""
    limited = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_DIR": str(tmp_path / "limited-instance"),
            "UPLOAD_DIR": str(tmp_path / "limited-instance" / "uploads"),
            "SECRET_KEY": "limited-secret",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
        }
    )
    if "limiter" not in limited.extensions:  # until create_app wires it
        ratelimit.init_app(limited)
    yield limited
    with limited.app_context():
        _db.engine.dispose()


def attempt(client, email: str, password: str = "not-the-password", ip: str = "198.51.100.7"):
    return client.post("/sign-in", data={"email": email, "password": password},
                       environ_overrides={"REMOTE_ADDR": ip})


def test_the_test_app_has_no_rate_limits(app, client):
    assert app.config["RATELIMIT_ENABLED"] is False
    for _ in range(15):
        assert attempt(client, "nobody@example.invalid").status_code == 400


def test_the_eleventh_sign_in_attempt_in_a_minute_from_one_address_gets_a_429_page(limited):
    client = limited.test_client()
    for n in range(10):
        assert attempt(client, f"guess{n}@example.invalid").status_code == 400, n

    response = attempt(client, "guess10@example.invalid")

    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert 'class="govuk-template' in html and "govuk-heading-l" in html
    assert "Too many requests" in html and "Wait a minute" in html
    assert int(response.headers["Retry-After"]) > 0
    # Security headers are still there on the refusal.
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_limit_is_per_address_and_does_not_apply_to_reading_the_form(limited, create_user):
    user = create_user("national")
    client = limited.test_client()
    for n in range(11):
        attempt(client, f"guess{n}@example.invalid")
    assert attempt(client, user.email, PASSWORD).status_code == 429  # even the right password, from there
    assert client.get("/sign-in", environ_overrides={"REMOTE_ADDR": "198.51.100.7"}).status_code == 200

    other = limited.test_client()
    assert attempt(other, user.email, PASSWORD, ip="203.0.113.9").status_code == 302


def api_get(client, token: str, ip: str = "198.51.100.7"):
    return client.get("/api/v1/league-table", headers={"Authorization": f"Bearer {token}"},
                      environ_overrides={"REMOTE_ADDR": ip})


def test_the_api_is_limited_per_token_with_a_json_429(limited, runner, create_user):
    limited.config["RATELIMIT_API"] = "5 per minute"  # read at each request
    national = create_user("national")
    first = runner.invoke(args=["lms", "create-token", national.email]).output.strip()
    second = runner.invoke(args=["lms", "create-token", national.email]).output.strip()
    client = limited.test_client()
    for _ in range(5):
        assert api_get(client, first).status_code == 200

    response = api_get(client, first)

    assert response.status_code == 429
    assert response.is_json
    body = response.get_json()
    assert body["error"] == "Too many requests" and body["details"]
    assert int(response.headers["Retry-After"]) > 0
    # Another token is another budget, even from the same address.
    assert api_get(client, second).status_code == 200


def test_made_up_tokens_from_one_address_hit_the_address_ceiling(limited):
    limited.config["RATELIMIT_API_ADDRESS"] = "8 per minute"
    client = limited.test_client()
    codes = [api_get(client, f"lms_made_up_{n}").status_code for n in range(10)]

    assert codes[:8] == [401] * 8
    assert codes[8:] == [429, 429]


def test_limits_are_strings_flask_limiter_understands():
    from limits import parse

    for value in (ratelimit.SIGN_IN_LIMIT, ratelimit.API_LIMIT, ratelimit.API_ADDRESS_LIMIT):
        assert parse(value).amount > 0
