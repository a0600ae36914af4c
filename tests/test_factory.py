"""The application factory: overrides, no side effects, blueprints, assets, error pages and headers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect

from lms import STATIC, create_app
from lms.extensions import db
from tests.support.app import fresh_database_url, sign_in


def _bare_app(tmp_path: Path, url: str, **extra):
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_DIR": str(tmp_path / "instance"),
            "SECRET_KEY": "factory-secret",
            **extra,
        }
    )


def test_config_overrides_win_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_DEADLINE", "2026-04-30")
    monkeypatch.setenv("LMS_MAX_UPLOAD_MB", "50")
    app = _bare_app(tmp_path, "sqlite:///" + str(tmp_path / "x.db"), DEADLINE=date(2027, 1, 31), MAX_UPLOAD_MB=3)

    assert app.config["TESTING"] is True
    assert app.config["DEADLINE"] == date(2027, 1, 31)
    assert app.config["SECRET_KEY"] == "factory-secret"
    # The upload limit is derived from the overridden setting, not the environment's.
    assert app.config["MAX_CONTENT_LENGTH"] == 3 * 1024 * 1024
    assert app.instance_path == str((tmp_path / "instance").resolve())


def test_creating_the_app_creates_no_database_and_no_tables(tmp_path):
    url = fresh_database_url(tmp_path, "factory")
    app = _bare_app(tmp_path, url)
    if url.startswith("sqlite"):
        assert not (tmp_path / "factory.db").exists(), "create_app must not create the database file"
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_blueprints_and_cli_are_registered(app):
    assert {"accounts", "reports", "imports", "forces", "audit", "scheduler", "emails", "help", "reports_api",
            "imports_api", "briefings", "api_docs", "matches", "pending"} == set(app.blueprints)
    assert "lms" in app.cli.commands
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    assert {"/sign-in", "/sign-out", "/", "/api/v1/league-table", "/api/v1/forces/<code>"} <= rules


def test_sign_in_page_is_a_gov_uk_page(client):
    response = client.get("/sign-in")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert 'class="govuk-template' in html
    assert "govuk-frontend.min.css" in html
    assert "OIC training compliance" in html
    assert "govuk-phase-banner" in html
    assert "govuk-footer" in html
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html


def test_gov_uk_assets_are_served(client):
    if not (STATIC / "govuk" / "assets" / "images" / "favicon.ico").exists():
        pytest.skip("static/govuk is not there: `make assets` copies GOV.UK Frontend from node_modules")
    with client.get("/assets/images/favicon.ico") as response:
        assert response.status_code == 200
        assert response.mimetype in {"image/vnd.microsoft.icon", "image/x-icon"}
        assert len(response.data) > 0
    with client.get("/static/govuk/govuk-frontend.min.css") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"


def test_missing_asset_is_a_404(client):
    with client.get("/assets/images/no-such-file.png") as response:
        assert response.status_code == 404


def test_404_page_is_gov_uk_styled(client):
    response = client.get("/no-such-page")
    html = response.get_data(as_text=True)

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<title>Page not found – OIC training compliance</title>" in html
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert 'class="govuk-template' in html
    assert "govuk-footer" in html


def test_api_404_is_json(client):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "details"}
    assert body["error"] == "Page not found"
    assert isinstance(body["details"], list)


def test_405_on_a_page_is_gov_uk_styled(client):
    response = client.delete("/sign-in")

    assert response.status_code == 405
    assert "There is a problem with your request" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_the_500_page_without_details(app, client):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("kaboom")

    response = client.get("/boom-for-test")
    html = response.get_data(as_text=True)

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "kaboom" not in html
    assert "Traceback" not in html


def test_security_headers_on_every_page(client):
    response = client.get("/sign-in")
    headers = response.headers

    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    # Over plain http (the default base URL) HSTS would be meaningless.
    assert "Strict-Transport-Security" not in headers
    # Inline scripts only with this response's nonce.
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)


def test_signed_in_pages_are_not_cached(client, create_user):
    user = create_user("admin", email="cache@example.com")
    sign_in(client, user.email)

    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_hsts_when_served_over_https(tmp_path, database_url):
    app = _bare_app(tmp_path, database_url, BASE_URL="https://oic.example.police.uk")
    response = app.test_client().get("/sign-in")

    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
