"""OpenID Connect single sign-on through a real provider on loopback (tests/support/oidc.py): the flow's checks,
who may sign in, the audit trail, session renewal and sign-out."""

from __future__ import annotations

import html as html_text
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from sqlalchemy import func, select

from lms.accounts import oidc
from lms.models import AuditEvent, User
from tests.support.oidc import (
    CLIENT_ID,
    local_path,
    provider_answer,
    running_provider,
    sign_in_through,
    start,
    with_query,
)

KENT = "kent.police.invalid"


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture(scope="module")
def stale_provider():
    """A provider whose ID tokens expired ten minutes before they were issued."""
    with running_provider(token_max_age=timedelta(minutes=-10)) as running:
        yield running


@pytest.fixture
def app(app, provider, stale_provider):
    """The test app with two providers: Kent's, and one whose tokens arrive expired."""
    app.config["OIDC_PROVIDERS"] = {
        "kent": provider.settings(domains=[KENT], label="Kent Police"),
        "stale": stale_provider.settings(domains=[KENT], label="Stale Provider"),
    }
    oidc.init_app(app)
    return app


@pytest.fixture
def lead(create_user, provider):
    user = create_user("force_lead", email=f"a.lead@{KENT}", force="kent")
    provider.set_user("a-lead", email=f"A.Lead@{KENT.upper()}", email_verified=True)
    return user


def error_summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return html_text.unescape(match.group(0)) if match else ""


def signed_in_as(client) -> str | None:
    response = client.get("/")
    if response.status_code != 200:
        return None
    match = re.search(r"Signed in as ([^<\s]+)", response.get_data(as_text=True))
    return match.group(1) if match else None


def last_event(db, action: str) -> AuditEvent:
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
                              ).first()


def user_count(db) -> int:
    return db.session.scalar(select(func.count(User.id)))


# --- success ----------------------------------------------------------------------------------------------------


def test_signing_in_with_the_provider_finds_the_account_by_its_email_in_any_case(client, lead, db):
    response = sign_in_through(client, "a-lead")

    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in_as(client) == lead.email
    event = last_event(db, "sign_in.succeeded")
    assert event.user_id == lead.id
    assert event.details == {"method": "oidc", "provider": "kent"}
    db.session.expire_all()
    assert db.session.get(User, lead.id).last_sso_provider == "kent"
    assert db.session.get(User, lead.id).last_signin_at is not None


def test_the_authorization_request_uses_pkce_s256_a_state_and_a_nonce(client, lead, provider):
    authorize = urlsplit(start(client))
    query = parse_qs(authorize.query)

    assert f"{authorize.scheme}://{authorize.netloc}" == provider.issuer
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    assert query["redirect_uri"] == ["http://127.0.0.1:5000/sign-in/oidc/kent/callback"]  # LMS_BASE_URL's


def test_the_page_asked_for_is_kept_across_the_provider_but_only_on_this_site(app, lead):
    assert sign_in_through(app.test_client(), "a-lead", next="/help/").headers["Location"] == "/help/"
    assert sign_in_through(app.test_client(), "a-lead", next="https://evil.example/").headers["Location"] == "/"


def test_the_session_is_renewed_so_a_planted_session_does_not_survive(client, lead):
    with client.session_transaction() as sess:
        sess["planted"] = "by someone else"

    sign_in_through(client, "a-lead")

    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert not [key for key in sess if key.startswith("_state_")]  # the flow's state went with it
        assert sess["sso_provider"] == "kent"


# --- who may not sign in ----------------------------------------------------------------------------------------


def test_an_unknown_email_is_refused_with_who_to_ask_and_no_account_is_created(client, lead, provider, db):
    provider.set_user("stranger", email=f"new.person@{KENT}", email_verified=True)
    before = user_count(db)

    response = sign_in_through(client, "stranger")

    assert response.status_code == 400
    summary = error_summary(response.get_data(as_text=True))
    assert f"There is no account for new.person@{KENT}" in summary
    assert "Ask your service administrator to create one" in summary
    assert user_count(db) == before
    assert signed_in_as(client) is None
    event = last_event(db, "sign_in.failed")
    assert (event.actor, event.details["reason"], event.details["provider"]) == (f"new.person@{KENT}",
                                                                                   "unknown_email", "kent")


def test_an_email_outside_the_providers_domains_is_refused_even_with_an_account(client, create_user, provider, db):
    create_user("national", email="someone@surrey.police.invalid")
    provider.set_user("surrey-person", email="someone@surrey.police.invalid", email_verified=True)

    response = sign_in_through(client, "surrey-person")

    assert response.status_code == 400
    assert f"can sign in email addresses at {KENT} only" in error_summary(response.get_data(as_text=True))
    assert signed_in_as(client) is None
    assert last_event(db, "sign_in.failed").details["reason"] == "wrong_domain"


@pytest.mark.parametrize("claims", [{}, {"email_verified": False}])
def test_an_email_the_provider_does_not_vouch_for_is_refused(client, lead, provider, db, claims):
    provider.set_user("unverified", email=lead.email, **claims)

    response = sign_in_through(client, "unverified")

    assert response.status_code == 400
    assert "did not give a verified email address" in error_summary(response.get_data(as_text=True))
    assert signed_in_as(client) is None
    assert last_event(db, "sign_in.failed").details["reason"] == "email_not_verified"


def test_a_deactivated_account_stays_refused(app, client, lead, db):
    db.session.get(User, lead.id).active = False
    db.session.commit()

    response = sign_in_through(client, "a-lead")

    assert response.status_code == 400
    assert "Your account in this service has been deactivated" in error_summary(response.get_data(as_text=True))
    assert signed_in_as(client) is None
    assert last_event(db, "sign_in.failed").details["reason"] == "deactivated"


def test_the_person_saying_no_at_the_provider_is_told_and_not_signed_in(client, lead, db):
    state = parse_qs(urlsplit(start(client)).query)["state"][0]

    response = client.get(f"/sign-in/oidc/kent/callback?error=access_denied&state={state}")

    assert response.status_code == 400
    assert "Kent Police did not sign you in" in error_summary(response.get_data(as_text=True))
    assert last_event(db, "sign_in.failed").details["reason"] == "provider_error:access_denied"


# --- the flow's checks --------------------------------------------------------------------------------------------


def test_a_callback_with_a_state_this_session_did_not_start_is_refused(client, lead, db):
    callback = provider_answer(start(client), "a-lead")

    response = client.get(local_path(with_query(callback, state="made-up-state")))

    assert response.status_code == 400
    assert "started in another browser or tab" in error_summary(response.get_data(as_text=True))
    assert signed_in_as(client) is None
    assert last_event(db, "sign_in.failed").details["reason"] == "bad_state"


def test_a_sign_in_left_at_the_provider_too_long_must_be_started_again(client, lead, db):
    callback = local_path(provider_answer(start(client), "a-lead"))

    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=oidc.FLOW_SECONDS + 60), tick=False):
        response = client.get(callback)

    assert response.status_code == 400
    assert "or too long ago" in error_summary(response.get_data(as_text=True))
    assert last_event(db, "sign_in.failed").details["reason"] == "bad_state"


def test_an_answer_meant_for_another_browser_cannot_sign_this_one_in(app, lead, create_user, provider):
    """Login CSRF: an attacker starts a sign-in as themselves and sends the victim the callback link."""
    attacker = app.test_client()
    create_user("force_lead", email=f"attacker@{KENT}", force="kent")
    provider.set_user("attacker", email=f"attacker@{KENT}", email_verified=True)
    callback = provider_answer(start(attacker), "attacker")

    victim = app.test_client()
    start(victim)  # the victim has a sign-in of their own under way
    response = victim.get(local_path(callback))

    assert response.status_code == 400
    assert signed_in_as(victim) is None


def test_an_answer_is_good_once(app, lead):
    client = app.test_client()
    callback = local_path(provider_answer(start(client), "a-lead"))
    with client.session_transaction() as sess:
        flow = dict(sess)

    assert client.get(callback).status_code == 302
    replay = app.test_client()
    with replay.session_transaction() as sess:
        sess.update(flow)  # even with a copy of the session cookie from before the sign-in
    assert replay.get(callback).status_code == 400
    assert signed_in_as(replay) is None


def test_an_expired_id_token_is_refused(client, create_user, stale_provider, db):
    create_user("force_lead", email=f"late@{KENT}", force="kent")
    stale_provider.set_user("late", email=f"late@{KENT}", email_verified=True)

    response = sign_in_through(client, "late", name="stale")

    assert response.status_code == 400
    assert "had expired when it arrived" in error_summary(response.get_data(as_text=True))
    assert signed_in_as(client) is None
    event = last_event(db, "sign_in.failed")
    assert (event.details["reason"], event.details["provider"]) == ("token_expired", "stale")


def test_an_id_token_for_another_nonce_is_refused(client, lead, db):
    """The ID token carries the nonce the provider was given; one swapped on the way is not this session's."""
    authorize = with_query(start(client), nonce="a-nonce-this-session-never-made")

    response = client.get(local_path(provider_answer(authorize, "a-lead")))

    assert response.status_code == 400
    assert "could not be verified" in error_summary(response.get_data(as_text=True))
    assert signed_in_as(client) is None
    assert last_event(db, "sign_in.failed").details["reason"] == "invalid_nonce"


def test_an_id_token_not_signed_with_the_providers_key_is_refused(app, client, lead, db):
    """The keys the service checks against are not the ones the provider signed with (as if the token were
    forged): the signature does not verify."""
    from joserfc.jwk import KeySet, RSAKey

    with app.test_request_context():
        client_app = app.extensions[oidc.EXTENSION].create_client("kent")
        published = client_app.fetch_jwk_set()
        impostor = RSAKey.generate_key(2048, parameters={"kid": published["keys"][0]["kid"], "use": "sig"})
        client_app.server_metadata["jwks"] = KeySet([impostor]).as_dict(private=False)

    response = sign_in_through(client, "a-lead")

    assert response.status_code == 400
    assert "could not be verified" in error_summary(response.get_data(as_text=True))
    assert last_event(db, "sign_in.failed").details["reason"] == "invalid_token"


def test_a_provider_that_cannot_be_reached_gets_a_message_not_a_500(app, client):
    app.config["OIDC_PROVIDERS"]["gone"] = {
        "issuer": "http://127.0.0.1:9", "client_id": "x", "client_secret": "y", "domains": [KENT],
        "label": "Gone Provider", "tenants": [], "email_claim": "email"}
    oidc.init_app(app)

    response = client.get("/sign-in/oidc/gone")

    assert response.status_code == 503
    assert "Gone Provider could not be reached" in error_summary(response.get_data(as_text=True))


def test_an_unconfigured_provider_is_not_found(client):
    assert client.get("/sign-in/oidc/nobody").status_code == 404
    assert client.get("/sign-in/oidc/nobody/callback?code=x&state=y").status_code == 404


# --- the sign-in page, sign-out -----------------------------------------------------------------------------------


def test_the_sign_in_page_offers_each_configured_provider_beside_the_password_form(client):
    html = client.get("/sign-in").get_data(as_text=True)

    buttons = re.findall(r'<a href="(/sign-in/oidc/[^"]+)"[^>]*id="sso-[^"]+"[^>]*>\s*Sign in with ([^<]+?)\s*<', html)
    assert buttons == [("/sign-in/oidc/kent", "Kent Police"), ("/sign-in/oidc/stale", "Stale Provider")]
    assert 'name="password"' in html


def test_sign_out_ends_the_session_and_offers_the_providers_end_session_page(app, client, lead, provider, db):
    sign_in_through(client, "a-lead")
    with client.session_transaction() as sess:
        copied = dict(sess)

    confirm = client.get("/sign-out").get_data(as_text=True)
    assert "You signed in with Kent Police" in confirm
    assert client.post("/sign-out").headers["Location"] == "/sign-in"

    page = client.get("/sign-in").get_data(as_text=True)
    link = re.search(r'id="provider-sign-out" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{provider.issuer}/oauth2/end_session"
    query = parse_qs(parts.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["post_logout_redirect_uri"] == ["http://127.0.0.1:5000/sign-in"]
    assert "provider-sign-out" not in client.get("/sign-in").get_data(as_text=True)  # offered once
    assert signed_in_as(client) is None
    replay = app.test_client()
    with replay.session_transaction() as sess:
        sess.update(copied)
    assert signed_in_as(replay) is None  # a copy of the old cookie is dead too
    assert last_event(db, "sign_out").user_id == lead.id


def test_signing_out_after_a_password_sign_in_offers_no_provider_page(client, lead):
    from tests.support.app import sign_in

    sign_in(client, lead.email)
    assert "You signed in with" not in client.get("/sign-out").get_data(as_text=True)
    client.post("/sign-out")
    assert "provider-sign-out" not in client.get("/sign-in").get_data(as_text=True)
