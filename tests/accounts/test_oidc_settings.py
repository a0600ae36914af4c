"""Single sign-on settings: "single sign-on only" for an account or a whole force (the password refused), the
admin's toggles, the LMS_OIDC_* variables, the sign-in page without providers, and the rate limits."""

from __future__ import annotations

import html as html_text
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from lms import create_app
from lms.accounts import oidc
from lms.accounts.auth import SSO_ONLY
from lms.config import oidc_providers
from lms.extensions import db as _db
from lms.models import AuditEvent, Force, User
from tests.support.app import PASSWORD, sign_in
from tests.support.oidc import running_provider, sign_in_through

KENT = "kent.police.invalid"
GENERIC = "Enter a correct email address and password"


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def app(app, provider):
    app.config["OIDC_PROVIDERS"] = {"kent": provider.settings(domains=[KENT], label="Kent Police")}
    oidc.init_app(app)
    return app


def error_summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return html_text.unescape(match.group(0)) if match else ""


def reload(db, model, key):
    db.session.expire_all()
    return db.session.get(model, key)


def last_event(db, action: str) -> AuditEvent:
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc())
                              ).first()


# --- "single sign-on only" refuses the password ------------------------------------------------------------------


def test_an_sso_only_account_is_refused_its_password_but_signs_in_through_the_provider(app, create_user, provider,
                                                                                      db):
    user = create_user("force_lead", email=f"only.sso@{KENT}", force="kent")
    reload(db, User, user.id).sso_only = True
    db.session.commit()
    provider.set_user("only-sso", email=user.email, email_verified=True)

    refused = sign_in(app.test_client(), user.email)
    assert refused.status_code == 400
    assert "signs in with your organisation's account only" in error_summary(refused.get_data(as_text=True))
    event = last_event(db, "sign_in.failed")
    assert (event.actor, event.details) == (user.email, {"method": "password", "reason": "sso_only"})
    assert reload(db, User, user.id).failed_signins == 0  # not a guess: no step towards a lockout

    assert sign_in_through(app.test_client(), "only-sso").status_code == 302


def test_a_wrong_password_for_an_sso_only_account_gets_the_generic_answer(client, create_user, db):
    user = create_user("national", email="only.sso@example.invalid")
    reload(db, User, user.id).sso_only = True
    db.session.commit()

    response = sign_in(client, user.email, "not-the-password-at-all")

    assert response.status_code == 400
    summary = error_summary(response.get_data(as_text=True))
    assert GENERIC in summary and SSO_ONLY not in summary  # nothing learnt without the password


def test_a_force_marked_sso_only_refuses_its_leads_passwords_and_no_one_elses(app, create_user, db):
    kent_lead = create_user("force_lead", email=f"k.lead@{KENT}", force="kent")
    surrey_lead = create_user("force_lead", email="s.lead@surrey.police.invalid", force="surrey")
    db.session.scalar(select(Force).where(Force.code == "kent")).sso_only = True
    db.session.commit()

    assert sign_in(app.test_client(), kent_lead.email).status_code == 400
    assert sign_in(app.test_client(), surrey_lead.email).status_code == 302


# --- the admin's toggles ----------------------------------------------------------------------------------------


def test_an_admin_marks_an_account_sso_only_on_its_page(signed_in, create_user, db, app):
    client, admin = signed_in("admin")
    user = create_user("force_lead", email=f"to.switch@{KENT}", force="kent")
    form = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert "How may they sign in?" in form and "With single sign-on only" in form

    response = client.post(f"/admin/users/{user.id}/edit",
                           data={"role": "force_lead", "force": "kent", "region": "", "sso_only": "on"})

    assert response.status_code == 302
    assert reload(db, User, user.id).sso_only is True
    event = last_event(db, "user.updated")
    assert event.details["sso_only"] is True and event.details["previous_sso_only"] is False
    assert event.user_id == admin.id
    assert "Single sign-on only" in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert sign_in(app.test_client(), user.email).status_code == 400

    client.post(f"/admin/users/{user.id}/edit", data={"role": "force_lead", "force": "kent", "region": "",
                                                      "sso_only": "off"})
    assert sign_in(app.test_client(), user.email).status_code == 302


def test_an_edit_that_does_not_send_the_setting_leaves_it_alone(signed_in, create_user, db):
    client, _ = signed_in("admin")
    user = create_user("national", email="keep.sso@example.invalid")
    reload(db, User, user.id).sso_only = True
    db.session.commit()

    client.post(f"/admin/users/{user.id}/edit", data={"role": "national", "force": "", "region": ""})

    assert reload(db, User, user.id).sso_only is True


def test_an_admin_marks_a_whole_force_sso_only(signed_in, create_user, db, app):
    client, _ = signed_in("admin")
    lead = create_user("force_lead", email=f"whole.force@{KENT}", force="kent")
    page = html_text.unescape(client.get("/admin/forces/kent").get_data(as_text=True))
    assert "Must this force's accounts sign in with single sign-on?" in page

    response = client.post("/admin/forces/kent", data={"chief_name": "", "chief_email": "",
                                                       "personal_reminders": "off", "sso_only": "on"})

    assert response.status_code == 302
    assert db.session.scalar(select(Force.sso_only).where(Force.code == "kent")) is True
    assert last_event(db, "force.updated").details["changed"] == ["sso_only"]
    assert sign_in(app.test_client(), lead.email).status_code == 400
    detail = client.get(f"/admin/users/{lead.id}").get_data(as_text=True)
    assert "Single sign-on only (set for all of Kent Police)" in detail


def test_the_account_page_names_the_provider_of_the_last_single_sign_on(signed_in, create_user, provider):
    client, _ = signed_in("admin")
    lead = create_user("force_lead", email=f"last.sso@{KENT}", force="kent")
    provider.set_user("last-sso", email=lead.email, email_verified=True)
    sign_in_through(client.application.test_client(), "last-sso")

    assert "Last single sign-on with Kent Police" in client.get(f"/admin/users/{lead.id}").get_data(as_text=True)


# --- configuration ----------------------------------------------------------------------------------------------


def test_providers_come_from_the_lms_oidc_variables():
    environ = {
        "LMS_OIDC_PROVIDERS": " entra , kent-police ",
        "LMS_OIDC_ENTRA_ISSUER": "https://login.microsoftonline.com/organizations/v2.0/",
        "LMS_OIDC_ENTRA_CLIENT_ID": "1111", "LMS_OIDC_ENTRA_CLIENT_SECRET": "s1",
        "LMS_OIDC_ENTRA_DOMAINS": "Kent.Police.UK, @essex.police.uk", "LMS_OIDC_ENTRA_TENANTS": "T1, t2",
        "LMS_OIDC_KENT_POLICE_ISSUER": "https://idp.example.invalid", "LMS_OIDC_KENT_POLICE_CLIENT_ID": "2222",
        "LMS_OIDC_KENT_POLICE_CLIENT_SECRET": "s2", "LMS_OIDC_KENT_POLICE_DOMAINS": "kent.police.uk",
        "LMS_OIDC_KENT_POLICE_LABEL": "your Kent Police account", "LMS_OIDC_KENT_POLICE_EMAIL_CLAIM": "upn",
    }

    found = oidc_providers(environ)

    assert list(found) == ["entra", "kent-police"]
    assert found["entra"]["issuer"] == "https://login.microsoftonline.com/organizations/v2.0"
    assert found["entra"]["domains"] == ["kent.police.uk", "essex.police.uk"]
    assert found["entra"]["tenants"] == ["t1", "t2"]
    assert (found["entra"]["label"], found["entra"]["email_claim"]) == ("Entra", "email")
    assert (found["kent-police"]["label"], found["kent-police"]["email_claim"]) == ("your Kent Police account", "upn")
    assert oidc_providers({}) == {}


def test_a_half_configured_provider_names_what_is_missing():
    with pytest.raises(ValueError, match="LMS_OIDC_KENT_CLIENT_SECRET, LMS_OIDC_KENT_DOMAINS"):
        oidc_providers({"LMS_OIDC_PROVIDERS": "kent", "LMS_OIDC_KENT_ISSUER": "https://idp.example.invalid",
                        "LMS_OIDC_KENT_CLIENT_ID": "x"})
    with pytest.raises(ValueError, match="not a provider name"):
        oidc_providers({"LMS_OIDC_PROVIDERS": "kent/../x"})


def test_an_app_built_from_the_environment_signs_in_through_its_provider(monkeypatch, database_url, tmp_path,
                                                                        create_user, provider):
    create_user("national", email=f"from.env@{KENT}")
    provider.set_user("from-env", email=f"from.env@{KENT}", email_verified=True)
    for key, value in {"LMS_OIDC_PROVIDERS": "kent",
                       **provider.environment("kent", domains=KENT, label="Kent Police")}.items():
        monkeypatch.setenv(key, value)
    built = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "env-secret",
                        "INSTANCE_DIR": str(tmp_path / "env"), "RATELIMIT_ENABLED": False})
    try:
        client = built.test_client()
        assert "Sign in with Kent Police" in client.get("/sign-in").get_data(as_text=True)
        assert sign_in_through(client, "from-env").status_code == 302
    finally:
        with built.app_context():
            _db.engine.dispose()


def test_with_no_provider_the_sign_in_page_is_the_password_form_alone(database_url, tmp_path):
    plain = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "plain",
                        "INSTANCE_DIR": str(tmp_path / "plain"), "RATELIMIT_ENABLED": False})
    try:
        client = plain.test_client()
        html = client.get("/sign-in").get_data(as_text=True)
        assert 'id="sso-' not in html and "/sign-in/oidc/" not in html and "Sign in with a password" not in html
        assert 'name="email"' in html and 'name="password"' in html
        assert client.get("/sign-in/oidc/kent").status_code == 404
    finally:
        with plain.app_context():
            _db.engine.dispose()


# --- the issuer check, Entra ID's multi-tenant template included ------------------------------------------------

MS = "https://login.microsoftonline.com"
KENT_TENANT = "9a1b2c3d-0000-4000-8000-00000000000a"
ESSEX_TENANT = "9a1b2c3d-0000-4000-8000-00000000000b"


@pytest.mark.parametrize(("issuer", "tid", "configured", "published", "tenants", "accepted"), [
    # one tenant (or any provider): the configured issuer, which discovery must publish too
    (f"{MS}/{KENT_TENANT}/v2.0", KENT_TENANT, f"{MS}/{KENT_TENANT}/v2.0", f"{MS}/{KENT_TENANT}/v2.0", [], True),
    (f"{MS}/{ESSEX_TENANT}/v2.0", ESSEX_TENANT, f"{MS}/{KENT_TENANT}/v2.0", f"{MS}/{KENT_TENANT}/v2.0", [], False),
    (f"{MS}/{KENT_TENANT}/v2.0", KENT_TENANT, f"{MS}/{KENT_TENANT}/v2.0", "https://elsewhere.invalid", [], False),
    # multi-tenant ("organizations"): the template with the token's own tenant, which must be listed
    (f"{MS}/{KENT_TENANT}/v2.0", KENT_TENANT, f"{MS}/organizations/v2.0", f"{MS}/{{tenantid}}/v2.0",
     [KENT_TENANT, ESSEX_TENANT], True),
    (f"{MS}/{KENT_TENANT}/v2.0", KENT_TENANT.upper(), f"{MS}/organizations/v2.0", f"{MS}/{{tenantid}}/v2.0",
     [KENT_TENANT], False),  # tid and iss disagree
    (f"{MS}/{KENT_TENANT}/v2.0", KENT_TENANT, f"{MS}/organizations/v2.0", f"{MS}/{{tenantid}}/v2.0",
     [ESSEX_TENANT], False),  # a tenant nobody listed
    (f"{MS}/{KENT_TENANT}/v2.0", KENT_TENANT, f"{MS}/organizations/v2.0", f"{MS}/{{tenantid}}/v2.0", [], False),
    (f"{MS}/{KENT_TENANT}/v2.0", "", f"{MS}/organizations/v2.0", f"{MS}/{{tenantid}}/v2.0", [KENT_TENANT], False),
    (f"{MS}/{{tenantid}}/v2.0", "{tenantid}", f"{MS}/organizations/v2.0", f"{MS}/{{tenantid}}/v2.0",
     [KENT_TENANT], False),
])
def test_the_issuer_check(issuer, tid, configured, published, tenants, accepted):
    assert oidc.issuer_matches(issuer, {"tid": tid}, configured=configured, published=published,
                               tenants=tenants) is accepted


TENANT_IDS = st.uuids().map(str)


@given(listed=st.lists(TENANT_IDS, max_size=4), tid=st.one_of(TENANT_IDS, st.text(max_size=40)))
def test_a_multi_tenant_token_is_accepted_exactly_when_its_tenant_is_listed(listed, tid):
    issuer = f"{MS}/{tid}/v2.0"
    accepted = oidc.issuer_matches(issuer, {"tid": tid}, configured=f"{MS}/organizations/v2.0",
                                   published=f"{MS}/{{tenantid}}/v2.0", tenants=listed)
    assert accepted is (tid != "" and tid in listed)


@given(domains=st.lists(st.from_regex(r"[a-z0-9]{1,10}\.police\.[a-z]{2,3}", fullmatch=True), min_size=1,
                        max_size=5),
       data=st.data())
def test_domains_are_read_whatever_their_case_spacing_and_at_signs(domains, data):
    written = ",".join(data.draw(st.sampled_from(["", " ", "@", " @"])) + data.draw(
        st.sampled_from([d, d.upper(), d.title()])) + data.draw(st.sampled_from(["", " "])) for d in domains)
    found = oidc_providers({"LMS_OIDC_PROVIDERS": "p", "LMS_OIDC_P_ISSUER": "https://idp.example.invalid",
                            "LMS_OIDC_P_CLIENT_ID": "x", "LMS_OIDC_P_CLIENT_SECRET": "y",
                            "LMS_OIDC_P_DOMAINS": written})
    assert found["p"]["domains"] == domains


# --- rate limits ------------------------------------------------------------------------------------------------


def test_single_sign_on_is_rate_limited_per_address_as_the_password_form_is(database_url, tmp_path, provider):
    limited = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "limited",
                          "INSTANCE_DIR": str(tmp_path / "limited"), "RATELIMIT_ENABLED": True,
                          "OIDC_PROVIDERS": {"kent": provider.settings(domains=[KENT])}})
    try:
        client = limited.test_client()
        here = {"REMOTE_ADDR": "198.51.100.9"}
        answers = [client.get("/sign-in/oidc/kent/callback?state=guess&code=guess", environ_overrides=here).status_code
                   for _ in range(11)]
        assert answers == [400] * 10 + [429]
        starts = [client.get("/sign-in/oidc/kent", environ_overrides=here).status_code for _ in range(11)]
        assert starts == [302] * 10 + [429]
        # Another address is not held back.
        assert client.get("/sign-in/oidc/kent", environ_overrides={"REMOTE_ADDR": "198.51.100.10"}).status_code == 302
    finally:
        with limited.app_context():
            _db.engine.dispose()


def test_password_sign_in_still_works_beside_single_sign_on(client, create_user):
    user = create_user("regional")
    assert sign_in(client, user.email, PASSWORD).status_code == 302
