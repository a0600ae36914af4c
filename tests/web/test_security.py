"""Web security: headers on every page, session cookie flags, CSRF on every state change, sign-in answers that
never reveal whether an email exists, and the lockout.

The CSRF and header sweeps are generated from the app's URL map, so a new route is covered without editing here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from lms import create_app
from lms.extensions import db
from lms.imports.service import run_import
from lms.models import ApiToken, AuditEvent, Base, ImportBatch, Person, User
from tests.support.app import PASSWORD
from tests.support.files import P, all_modules, learning, roster

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
SKIPPED_ENDPOINTS = {"static", "govuk_assets"}


def _make_app(database_url: str, tmp_path, label: str, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_DIR": str(tmp_path / label),
        "UPLOAD_DIR": str(tmp_path / label / "uploads"),
        "SECRET_KEY": f"{label}-secret",
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def make_app(app, database_url, tmp_path):
    """Factory: another app on the shared test database (which the `app` fixture cleaned and seeded); its
    connections are closed at the end of the test."""
    made = []

    def make(label: str, **overrides):
        made.append(_make_app(database_url, tmp_path, label, **overrides))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def sign_in_with_token(client, email: str, password: str = PASSWORD):
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})


def fingerprint() -> dict[str, list[tuple]]:
    """Every row of every table: equal fingerprints mean nothing in the database changed."""
    db.session.expire_all()
    out = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(row) for row in rows]
    return out


def dummy_values(rule, ids: dict[str, int]) -> dict:
    """Arguments for a rule: real ids where the test made the objects, plausible values otherwise."""
    from lms.scheduler.settings import JOBS

    values: dict = {"force": "kent"} if rule.endpoint.startswith("emails.preview") else {}
    for name, converter in rule._converters.items():
        if name in ids:
            values[name] = ids[name]
        elif name == "code" and rule.endpoint.startswith("forces.requirement"):
            values[name] = "M1"
        elif name == "job_id":
            values[name] = next(iter(JOBS))
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        elif name == "code":
            values[name] = "kent"
        elif name == "slug":
            values[name] = "eastern"
        elif name == "category":
            values[name] = "frontline"
        elif name == "kind":
            values[name] = "roster"
        else:
            values[name] = "x"
    return values


def routes(app, methods: set[str], ids: dict[str, int] | None = None) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule of the URL map that takes one of `methods`."""
    adapter = app.url_map.bind("localhost")
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) & methods):
            url = adapter.build(rule.endpoint, dummy_values(rule, ids or {}), method=method)
            out.append((rule.endpoint, method, url))
    return out


@pytest.fixture
def world(app, create_user):
    """Kent with a roster, a committed College Learn batch and an unmatched learner; an admin with a token."""
    people = [P("K001", "Ava", "Stone"), P("K002", "Ben", "Marsh", "investigator")]
    run_import("roster", roster(people), "roster.csv", "kent", None)
    outcome = run_import("college-learn", learning(all_modules(people[0], datetime(2025, 6, 1).date())
                                                   + all_modules(P("X9", "Unknown", "Learner"),
                                                                 datetime(2025, 6, 1).date())),
                         "export.xlsx", "kent", None)
    db.session.commit()
    admin = create_user("admin", email="admin@example.invalid")
    from lms.accounts.auth import issue_token

    token = issue_token(admin)
    db.session.commit()
    token_row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == admin.id))
    person = db.session.scalar(select(Person).where(Person.staff_number == "K001"))
    return {"admin": admin, "token": token,
            "ids": {"user_id": admin.id, "batch_id": outcome.batch.id, "person_id": person.id,
                    "token_id": token_row.id}}


# --- CSRF ---------------------------------------------------------------------------------------------------------


def test_every_state_changing_route_refuses_a_request_without_the_csrf_token(world, make_app):
    protected = make_app("csrf")
    client = protected.test_client()
    assert sign_in_with_token(client, world["admin"].email).status_code == 302
    targets = routes(protected, STATE_CHANGING, world["ids"])
    assert len(targets) >= 10  # the sweep really sees the app's routes
    before = fingerprint()

    form = {"confirm": "yes", "kind": "roster"}
    answers = {(endpoint, method): client.open(url, method=method, data=form).status_code
               for endpoint, method, url in targets}

    assert {key: code for key, code in answers.items() if code != 400} == {}
    assert fingerprint() == before
    assert client.get("/").status_code == 200  # still signed in: sign-out without the token did nothing


def test_a_wrong_csrf_token_is_refused_too(world, make_app):
    protected = make_app("csrf")
    client = protected.test_client()
    sign_in_with_token(client, world["admin"].email)
    before = fingerprint()
    batch_id = world["ids"]["batch_id"]

    response = client.post(f"/imports/{batch_id}/rollback", data={"csrf_token": "forged-token"})

    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)
    assert fingerprint() == before


def test_the_api_with_a_session_cookie_needs_the_csrf_token_but_with_a_bearer_token_does_not(world, make_app):
    protected = make_app("csrf")
    client = protected.test_client()
    sign_in_with_token(client, world["admin"].email)
    batch_id = world["ids"]["batch_id"]
    before = fingerprint()

    refused = client.post(f"/api/v1/imports/{batch_id}/rollback")
    assert refused.status_code == 400 and refused.is_json
    assert refused.get_json()["error"] == "CSRF token missing or invalid"
    assert fingerprint() == before

    # The page's token, sent as a header as a script would, is accepted.
    token = csrf_token(client.get("/upload").get_data(as_text=True))
    accepted = client.post(f"/api/v1/imports/{batch_id}/rollback", headers={"X-CSRFToken": token})
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "rolled_back"

    # A bearer token is not sent by browsers on their own, so it needs no CSRF token.
    bearer = protected.test_client()
    response = bearer.post("/api/v1/imports", headers={"Authorization": f"Bearer {world['token']}"},
                           data={"kind": "roster", "force": "kent",
                                 "file": (__import__("io").BytesIO(roster([P("K001", "Ava", "Stone")])), "r.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()


# --- headers on every page ----------------------------------------------------------------------------------------


def test_every_page_has_the_security_headers_a_strict_csp_and_changes_nothing(world, make_app):
    """Every GET route, as an admin: headers, scripts only with this response's nonce, and no GET writes."""
    web = make_app("pages", WTF_CSRF_ENABLED=False)
    client = web.test_client()
    client.post("/sign-in", data={"email": world["admin"].email, "password": PASSWORD})
    before = fingerprint()
    nonces: list[str] = []
    checked = 0

    for endpoint, _method, url in routes(web, {"GET"}, world["ids"]):
        if endpoint == "accounts.sign_out":
            continue
        response = client.get(url)
        response.close()
        if endpoint == "briefings.chief_page":
            # The one GET that writes, by design: every use of a chief constable's link is audited.
            db.session.remove()
            before = fingerprint()
        assert response.status_code < 500, (url, response.status_code)
        headers = response.headers
        assert headers["X-Frame-Options"] == "DENY", url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), url
        assert "Strict-Transport-Security" not in headers, url  # plain http here
        csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";") if part.strip())
        assert "'unsafe-inline'" not in csp.get("script-src", csp.get("default-src")), url
        assert "'unsafe-eval'" not in headers["Content-Security-Policy"], url
        assert csp["frame-ancestors"] == "'none'", url
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            nonce = re.search(r"'nonce-([^']+)'", csp.get("script-src", ""))
            scripts = re.findall(r"<script\b[^>]*>", html)
            for tag in scripts:
                assert nonce and f'nonce="{nonce.group(1)}"' in tag, (url, tag)
            if response.status_code == 200 and endpoint != "emails.preview_html":  # the email: no scripts at all
                assert nonce, url
                nonces.append(nonce.group(1))
            assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), url  # no inline event handlers
            assert "javascript:" not in html.lower(), url
            checked += 1
        if response.headers.get("Cache-Control") is not None and response.mimetype == "text/html":
            assert "no-store" in response.headers["Cache-Control"], url

    assert checked >= 10
    assert len(set(nonces)) == len(nonces)  # a fresh nonce for every page
    db.session.remove()
    assert fingerprint() == before


def test_sign_in_page_inline_script_carries_the_nonce_of_the_csp(make_app):
    client = make_app("nonce").test_client()
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", csp).group(1)
    html = response.get_data(as_text=True)

    inline = re.findall(r"<script\b([^>]*)>([^<]+)</script>", html)
    assert inline, "GOV.UK's js-enabled snippet is inline"
    assert all(f'nonce="{nonce}"' in attrs for attrs, _ in inline)
    assert "'unsafe-inline'" not in csp
    assert client.get("/sign-in").headers["Content-Security-Policy"] != csp


def test_json_and_error_responses_have_the_headers_too(client):
    for url in ("/api/v1/league-table", "/no-such-page", "/static/app.css", "/assets/images/favicon.ico"):
        response = client.get(url)
        response.close()
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Content-Security-Policy" in response.headers


# --- cookies and HSTS depend on the base URL ----------------------------------------------------------------------


def session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


@pytest.mark.parametrize("base_url", ["https://oic-training.example.police.uk", "http://127.0.0.1:5000"])
def test_cookie_flags_and_hsts_follow_the_base_url(monkeypatch, create_user, base_url, make_app):
    monkeypatch.setenv("LMS_BASE_URL", base_url)
    web = make_app("cookies", WTF_CSRF_ENABLED=False)
    user = create_user("national")
    https = base_url.startswith("https")
    client = web.test_client()

    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD},
                           base_url=base_url if https else "http://localhost")

    cookie = session_cookie(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert ("Secure" in cookie.split("; ")) is https
    assert ("Strict-Transport-Security" in response.headers) is https
    if https:
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


# --- sign-in answers and lockout ----------------------------------------------------------------------------------


def normalised(response) -> tuple[int, str]:
    html = response.get_data(as_text=True)
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    html = re.sub(r'value="[^"]*@[^"]*"', 'value=""', html)  # the email typed is echoed back
    return response.status_code, html


def test_an_unknown_email_a_wrong_password_no_password_and_an_inactive_account_get_the_same_answer(
        client, create_user, db):
    known = create_user("national", email="known@example.invalid")
    inactive = create_user("national", email="inactive@example.invalid")
    inactive.active = False
    from lms.accounts.service import create_user as create

    create("nopassword@example.invalid", "national")
    db.session.commit()

    answers = {
        "unknown": client.post("/sign-in", data={"email": "unknown@example.invalid", "password": "wrong-password-1"}),
        "wrong password": client.post("/sign-in", data={"email": known.email, "password": "wrong-password-1"}),
        "no password": client.post("/sign-in", data={"email": "nopassword@example.invalid",
                                                     "password": "wrong-password-1"}),
        "inactive, right password": client.post("/sign-in", data={"email": inactive.email, "password": PASSWORD}),
    }

    reference = normalised(answers["unknown"])
    assert reference[0] == 400
    assert "Enter a correct email address and password" in reference[1]
    for name, response in answers.items():
        assert normalised(response) == reference, name


def test_a_locked_account_answers_like_an_unknown_email(client, create_user):
    """Otherwise five wrong guesses would tell whether an email has an account."""
    known = create_user("national", email="known@example.invalid")
    for _ in range(5):
        client.post("/sign-in", data={"email": known.email, "password": "wrong-password-1"})
        client.post("/sign-in", data={"email": "unknown@example.invalid", "password": "wrong-password-1"})

    locked = client.post("/sign-in", data={"email": known.email, "password": "wrong-password-1"})
    unknown = client.post("/sign-in", data={"email": "unknown@example.invalid", "password": "wrong-password-1"})

    assert normalised(locked) == normalised(unknown)


def test_five_failures_lock_for_15_minutes_even_against_the_right_password(client, create_user, db):
    user = create_user("national", email="lock@example.invalid")
    start = datetime.now(UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            assert client.post("/sign-in", data={"email": user.email, "password": "wrong-password-1"}).status_code \
                == 400
        assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 400
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 400
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).failed_signins == 0
    failures = db.session.scalar(select(__import__("sqlalchemy").func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "sign_in.failed", AuditEvent.actor == user.email))
    assert failures == 7


def test_batches_of_other_forces_are_not_reachable_by_guessing_ids(signed_in, world):
    client, _ = signed_in("force_lead", force="essex")
    batch_id = world["ids"]["batch_id"]
    assert client.get(f"/imports/{batch_id}").status_code == 404
    assert client.post(f"/imports/{batch_id}/rollback").status_code == 404
    assert db.session.get(ImportBatch, batch_id).status == "committed"
