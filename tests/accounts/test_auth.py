"""Accounts: sign-in success and failure, lockout, session renewal, sign-out, CSRF, password rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from lms import create_app
from lms.cli import cli
from lms.models import AuditEvent, User
from tests.support.app import PASSWORD, sign_in

GENERIC = "Enter a correct email address and password"
LOCKED = "sign-in is paused for 15 minutes"  # part of the one generic message: a lock is not revealed


def error_summary(html: str) -> str:
    """The GOV.UK error summary block of a page ('' when there is none)."""
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return match.group(0) if match else ""


def is_signed_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 200


@pytest.fixture
def user(create_user):
    return create_user("admin", email="lead.admin@example.com")


# --- success and failure ---------------------------------------------------------------------------------------


def test_sign_in_goes_to_the_dashboard_with_43_forces_in_10_regions(client, user):
    response = sign_in(client, user.email)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    dashboard = client.get("/").get_data(as_text=True)
    assert dashboard.count('<caption class="govuk-table__caption') == 10
    assert dashboard.count('<th scope="row"') == 43
    assert "Signed in as lead.admin@example.com" in dashboard


def test_sign_in_ignores_case_of_the_email(client, user):
    assert sign_in(client, "Lead.Admin@EXAMPLE.com").status_code == 302


def test_wrong_password_shows_a_gov_uk_error_summary(client, user):
    response = sign_in(client, user.email, "not-the-right-password")
    html = response.get_data(as_text=True)

    assert response.status_code == 400
    assert "There is a problem" in error_summary(html)
    assert GENERIC in error_summary(html)
    assert "<title>Sign in" in html or "<title>Error: Sign in" in html
    assert not is_signed_in(client)


def test_unknown_email_gets_exactly_the_same_answer_as_a_wrong_password(client, user):
    wrong_password = sign_in(client, user.email, "not-the-right-password")
    unknown_email = sign_in(client, "nobody@example.com", "not-the-right-password")

    assert unknown_email.status_code == wrong_password.status_code == 400
    assert error_summary(unknown_email.get_data(as_text=True)) == error_summary(wrong_password.get_data(as_text=True))
    assert GENERIC in error_summary(unknown_email.get_data(as_text=True))


def test_empty_form_says_what_to_enter(client):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    summary = error_summary(response.get_data(as_text=True))

    assert response.status_code == 400
    assert "Enter your email address" in summary
    assert "Enter your password" in summary


def test_failed_and_successful_sign_ins_are_audited(app, client, user, db):
    sign_in(client, user.email, "not-the-right-password")
    sign_in(client, user.email)

    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["sign_in.failed", "sign_in.succeeded"]


def test_password_is_stored_with_scrypt(user):
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


def test_next_page_is_kept_but_only_on_this_site(client, user):
    assert client.get("/api/v1/league-table").status_code == 401
    redirect = client.get("/")
    assert redirect.status_code == 302
    assert redirect.headers["Location"].startswith("/sign-in?next=")

    response = client.post("/sign-in?next=/help/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/help/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_next_page_never_leaves_the_site(client, user, target):
    response = client.post("/sign-in", query_string={"next": target}, data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_page_with_a_control_character_is_refused_before_sign_in(client, user):
    response = client.post("/sign-in", query_string={"next": "/\t/evil.example"},
                           data={"email": user.email, "password": PASSWORD})

    assert response.status_code == 400
    assert "Location" not in response.headers


def test_signed_in_user_visiting_sign_in_goes_to_the_dashboard(client, user):
    sign_in(client, user.email)

    response = client.get("/sign-in")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_deactivated_user_cannot_sign_in(client, user, db):
    user.active = False
    db.session.commit()

    response = sign_in(client, user.email)

    assert response.status_code == 400
    assert GENERIC in error_summary(response.get_data(as_text=True))


def test_deactivating_a_user_ends_their_session(client, user, db):
    sign_in(client, user.email)
    assert is_signed_in(client)

    user.active = False
    db.session.commit()

    assert not is_signed_in(client)


# --- lockout -----------------------------------------------------------------------------------------------------


def test_five_failures_lock_the_account_for_15_minutes(client, user):
    with time_machine.travel(datetime.now(UTC), tick=False) as clock:
        for attempt in range(5):
            response = sign_in(client, user.email, f"wrong-password-{attempt}")
            assert response.status_code == 400

        # Locked now: even the right password is refused.
        locked = sign_in(client, user.email, PASSWORD)
        assert locked.status_code == 400
        assert LOCKED in error_summary(locked.get_data(as_text=True))
        assert not is_signed_in(client)

        clock.shift(timedelta(minutes=14))
        assert sign_in(client, user.email, PASSWORD).status_code == 400
        assert not is_signed_in(client)

        clock.shift(timedelta(minutes=2))
        assert sign_in(client, user.email, PASSWORD).status_code == 302
        assert is_signed_in(client)


def test_four_failures_do_not_lock_and_a_success_resets_the_count(client, user):
    for attempt in range(4):
        sign_in(client, user.email, f"wrong-password-{attempt}")
    assert sign_in(client, user.email).status_code == 302
    client.post("/sign-out")

    for attempt in range(4):
        sign_in(client, user.email, f"wrong-password-{attempt}")
    assert sign_in(client, user.email).status_code == 302


def test_lockout_is_per_account(client, user, create_user):
    other = create_user("national", email="other@example.com")
    for attempt in range(5):
        sign_in(client, user.email, f"wrong-password-{attempt}")

    assert sign_in(client, other.email).status_code == 302


# --- the session -------------------------------------------------------------------------------------------------


def test_sign_in_starts_a_new_session(client, user):
    client.get("/sign-in")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = client.get_cookie("session").value

    sign_in(client, user.email)

    assert client.get_cookie("session").value != before
    with client.session_transaction() as session:
        assert "planted" not in session


def test_sign_out_needs_a_post(client, user):
    sign_in(client, user.email)

    confirm = client.get("/sign-out")
    assert confirm.status_code == 200
    assert 'method="post"' in confirm.get_data(as_text=True)
    assert is_signed_in(client)

    response = client.post("/sign-out")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert not is_signed_in(client)


def test_a_session_cookie_cannot_be_replayed_after_sign_out(app, client, user):
    sign_in(client, user.email)
    stolen = client.get_cookie("session").value
    client.post("/sign-out")

    attacker = app.test_client()
    attacker.set_cookie("session", stolen)

    assert attacker.get("/").status_code == 302
    assert attacker.get("/api/v1/league-table").status_code == 401


def test_changing_the_password_ends_other_sessions(client, user, db):
    from lms.accounts.service import set_password

    sign_in(client, user.email)
    set_password(user, "a-brand-new-passphrase")
    db.session.commit()

    assert not is_signed_in(client)


def test_session_cookie_is_http_only_and_same_site(client, user):
    response = sign_in(client, user.email)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))

    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


# --- CSRF --------------------------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(app, database_url, tmp_path):
    """A client of an app with CSRF protection on, on the same database as `app`."""
    protected = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_DIR": str(tmp_path / "csrf-instance"),
            "SECRET_KEY": "csrf-secret",
            "WTF_CSRF_ENABLED": True,
        }
    )
    return protected.test_client()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_sign_in_without_the_csrf_token_is_refused_and_changes_nothing(csrf_client, user, db):
    events_before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))

    response = csrf_client.post("/sign-in", data={"email": user.email, "password": "wrong-password-here"})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Your form has expired" in html
    assert 'class="govuk-template' in html
    db.session.expire_all()
    assert db.session.get(User, user.id).failed_signins == 0
    assert db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) == events_before
    # Nor does the right password sign in without the token.
    csrf_client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert csrf_client.get("/").status_code == 302


def test_sign_in_with_the_csrf_token_works(csrf_client, user):
    token = csrf_token(csrf_client.get("/sign-in").get_data(as_text=True))

    response = csrf_client.post("/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token})

    assert response.status_code == 302
    assert csrf_client.get("/").status_code == 200


def test_sign_out_without_the_csrf_token_is_refused(csrf_client, user):
    token = csrf_token(csrf_client.get("/sign-in").get_data(as_text=True))
    csrf_client.post("/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token})

    assert csrf_client.post("/sign-out").status_code == 400
    assert csrf_client.get("/").status_code == 200

    token = csrf_token(csrf_client.get("/sign-out").get_data(as_text=True))
    assert csrf_client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert csrf_client.get("/").status_code == 302


# --- password rules ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "Password must be 12 characters or more"),
        ("", "Password must be 12 characters or more"),
        ("Password1234", "Password is too common"),
        ("qwertyuiopas", "Password is too common"),
    ],
)
def test_create_user_refuses_weak_passwords(runner, db, password, message):
    result = runner.invoke(cli, ["create-user", "weak@example.com", "--role", "admin", "--password-stdin"],
                           input=password + "\n")

    assert result.exit_code == 1
    assert message in result.stderr
    assert message not in result.stdout
    assert db.session.scalar(select(User).where(User.email == "weak@example.com")) is None


def test_create_user_with_a_good_password_can_sign_in(runner, client, db):
    result = runner.invoke(cli, ["create-user", "Strong@Example.com", "--role", "national", "--password-stdin"],
                           input="a long and unusual passphrase\n")

    assert result.exit_code == 0, result.output
    assert "Created national strong@example.com" in result.stdout
    assert sign_in(client, "strong@example.com", "a long and unusual passphrase").status_code == 302
