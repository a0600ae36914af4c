"""Admin: accounts (create, change, deactivate, reset password, unlock) and API tokens."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.accounts.auth import MAX_FAILURES
from lms.models import ApiToken, AuditEvent, User
from tests.support.app import PASSWORD, sign_in

NEW_PASSWORD = "a-long-new-pass-phrase-42"


def error_summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>', html, re.S)
    return match.group(0) if match else ""


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def user_by_email(db, email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def new_client(app, email: str, password: str = PASSWORD):
    other = app.test_client()
    return other, sign_in(other, email, password)


def can_sign_in(app, email: str, password: str = PASSWORD) -> bool:
    return new_client(app, email, password)[1].status_code == 302


# --- list and create ------------------------------------------------------------------------------------------


def test_the_user_list_shows_role_force_region_status_and_last_sign_in(signed_in, create_user):
    client, me = signed_in("admin")
    create_user("force_lead", email="kent.lead@example.invalid", force="kent")
    create_user("regional", email="rocu@example.invalid", region="Eastern")

    html = client.get("/admin/users").get_data(as_text=True)

    row = re.search(r'data-user="\d+">.*?kent\.lead@example\.invalid.*?</tr>', html, re.S).group(0)
    assert "Force training lead" in row and "Kent Police" in row and "Active" in row and "Never" in row
    row = re.search(r'<tr[^>]*>\s*<th[^>]*><a[^>]*>rocu@example\.invalid.*?</tr>', html, re.S).group(0)
    assert "ROCU OIC co-ordinator" in row and "Eastern" in row
    row = re.search(rf'<tr[^>]*>\s*<th[^>]*><a[^>]*>{re.escape(me.email)}.*?</tr>', html, re.S).group(0)
    assert "Never" not in row  # signed in just now: shown in London time
    assert re.search(r"\d{1,2} \w+ 20\d\d, \d\d:\d\d (GMT|BST)", row)


def test_an_admin_creates_a_force_lead_who_can_then_sign_in(app, signed_in, db):
    client, me = signed_in("admin")

    response = client.post("/admin/users/new", data={
        "email": "New.Lead@Example.invalid", "name": "Nia Lead", "role": "force_lead", "force": "essex",
        "region": "", "password": NEW_PASSWORD,
    })

    assert response.status_code == 302
    user = user_by_email(db, "new.lead@example.invalid")
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert (user.role, user.force.code, user.region_id, user.name) == ("force_lead", "essex", None, "Nia Lead")
    assert "Account created for new.lead@example.invalid" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    other, signed = new_client(app, "new.lead@example.invalid", NEW_PASSWORD)
    assert signed.status_code == 302
    assert other.get("/forces/essex").status_code == 200  # their own force's page
    event = events(db, "user.created")[-1]
    assert (event.actor, event.target, event.details["role"], event.details["force"]) == (
        me.email, "new.lead@example.invalid", "force_lead", "essex")
    assert "Nia" not in str(event.details)


def test_a_regional_user_gets_their_region_and_no_force(signed_in, db):
    client, _ = signed_in("admin")

    response = client.post("/admin/users/new", data={
        "email": "rocu.new@example.invalid", "role": "regional", "force": "kent", "region": "North West",
        "password": NEW_PASSWORD,
    })

    assert response.status_code == 302
    user = user_by_email(db, "rocu.new@example.invalid")
    assert (user.region.name, user.force_id) == ("North West", None)


@pytest.mark.parametrize(("password", "message"), [
    ("short-pass", "Password must be 12 characters or more"),
    ("Password1234", "Password is too common"),
])
def test_a_weak_password_is_refused_with_an_error_summary_naming_the_field(signed_in, db, password, message):
    client, _ = signed_in("admin")

    response = client.post("/admin/users/new", data={
        "email": "weak@example.invalid", "role": "national", "password": password,
    })
    html = response.get_data(as_text=True)

    assert response.status_code == 400
    summary = error_summary(html)
    assert "There is a problem" in summary
    assert message in summary
    assert 'href="#password"' in summary
    assert 'data-module="govuk-error-summary"' in summary  # GOV.UK Frontend moves focus to it
    assert "<title>Error: " in html
    assert 'id="password-error"' in html  # the message beside the field too
    assert user_by_email(db, "weak@example.invalid") is None


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"email": "", "role": "national", "password": NEW_PASSWORD}, "email", "Enter their email address"),
    ({"email": "not-an-email", "role": "national", "password": NEW_PASSWORD}, "email", "correct format"),
    ({"email": "x@example.invalid", "password": NEW_PASSWORD}, "role", "Select the role"),
    ({"email": "x@example.invalid", "role": "force_lead", "force": "", "password": NEW_PASSWORD}, "force",
     "Select the force"),
    ({"email": "x@example.invalid", "role": "regional", "region": "", "password": NEW_PASSWORD}, "region",
     "Select the region"),
    ({"email": "x@example.invalid", "role": "national", "password": ""}, "password", "Enter an initial password"),
])
def test_missing_or_wrong_answers_are_named_in_the_error_summary(signed_in, data, field, message):
    client, _ = signed_in("admin")

    response = client.post("/admin/users/new", data=data)
    summary = error_summary(response.get_data(as_text=True))

    assert response.status_code == 400
    assert f'href="#{field}"' in summary
    assert message in summary


def test_an_email_already_in_use_is_refused(signed_in, create_user):
    client, _ = signed_in("admin")
    create_user("national", email="taken@example.invalid")

    response = client.post("/admin/users/new", data={
        "email": "TAKEN@example.invalid", "role": "national", "password": NEW_PASSWORD})
    summary = error_summary(response.get_data(as_text=True))

    assert response.status_code == 400
    assert "There is already an account for taken@example.invalid" in summary and 'href="#email"' in summary


def test_names_with_markup_are_shown_escaped(signed_in):
    client, _ = signed_in("admin")
    name = '<script>alert("x")</script>'
    response = client.post("/admin/users/new", data={
        "email": "escaped@example.invalid", "name": name, "role": "national", "password": NEW_PASSWORD})
    assert response.status_code == 302

    for page in ("/admin/users", response.headers["Location"]):
        html = client.get(page).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


# --- change role, force or region -----------------------------------------------------------------------------


def test_changing_role_and_force_is_saved_and_audited(signed_in, create_user, db):
    client, _ = signed_in("admin")
    user = create_user("force_lead", email="mover@example.invalid", force="kent")

    page = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert re.search(r'<option value="kent" selected', page)

    response = client.post(f"/admin/users/{user.id}/edit", data={"role": "force_lead", "force": "surrey"})
    assert response.status_code == 302
    assert user_by_email(db, "mover@example.invalid").force.code == "surrey"

    response = client.post(f"/admin/users/{user.id}/edit", data={"role": "regional", "region": "South East"})
    assert response.status_code == 302
    moved = user_by_email(db, "mover@example.invalid")
    assert (moved.role, moved.force_id, moved.region.name) == ("regional", None, "South East")
    first, second = events(db, "user.updated")
    assert first.details == {"force": "surrey", "previous_force": "kent"}
    assert second.details["role"] == "regional" and second.details["previous_role"] == "force_lead"
    assert second.target == "mover@example.invalid"


def test_an_admin_cannot_change_their_own_role(signed_in, db):
    client, me = signed_in("admin")

    response = client.post(f"/admin/users/{me.id}/edit", data={"role": "national"})

    assert response.status_code == 400
    assert "You cannot change your own role" in error_summary(response.get_data(as_text=True))
    assert user_by_email(db, me.email).role == "admin"


# --- deactivate and reactivate --------------------------------------------------------------------------------


def test_deactivation_asks_for_confirmation_then_stops_sign_in_sessions_and_tokens(app, signed_in, create_user, db):
    client, me = signed_in("admin")
    user = create_user("national", email="leaver@example.invalid")
    other, _ = new_client(app, user.email)
    assert other.get("/").status_code == 200
    token = client.post(f"/admin/users/{user.id}/tokens/new").get_data(as_text=True)
    token = re.search(r'value="(lms_[^"]+)"', token).group(1)

    confirm = client.get(f"/admin/users/{user.id}/deactivate").get_data(as_text=True)
    assert "Are you sure you want to deactivate leaver@example.invalid?" in confirm
    assert user_by_email(db, user.email).active  # asking changes nothing

    response = client.post(f"/admin/users/{user.id}/deactivate", data={"submit": "Confirm"})
    assert response.status_code == 302
    assert "has been deactivated" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert not user_by_email(db, user.email).active
    assert not can_sign_in(app, user.email)
    assert other.get("/").status_code == 302  # their open session has ended
    api = app.test_client()
    assert api.get("/api/v1/league-table", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    event = events(db, "user.deactivated")[-1]
    assert (event.actor, event.target, event.details) == (me.email, user.email, {"tokens_revoked": 1})

    response = client.post(f"/admin/users/{user.id}/reactivate", data={"submit": "Confirm"})
    assert response.status_code == 302
    assert can_sign_in(app, user.email)
    assert events(db, "user.reactivated")


def test_an_admin_cannot_deactivate_themselves(signed_in, db):
    client, me = signed_in("admin")

    page = client.get(f"/admin/users/{me.id}/deactivate").get_data(as_text=True)
    assert "You cannot deactivate your own account" in page
    assert "confirm-deactivate" not in page

    response = client.post(f"/admin/users/{me.id}/deactivate", data={"submit": "Confirm"}, follow_redirects=True)

    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    assert user_by_email(db, me.email).active
    assert client.get("/admin").status_code == 200
    assert not events(db, "user.deactivated")


# --- passwords and lockout ------------------------------------------------------------------------------------


def test_resetting_a_password_ends_their_sessions_and_the_new_one_works(app, signed_in, create_user, db):
    client, me = signed_in("admin")
    user = create_user("force_lead", email="forgetful@example.invalid")
    other, _ = new_client(app, user.email)

    weak = client.post(f"/admin/users/{user.id}/password", data={"password": "tooshort"})
    assert weak.status_code == 400
    assert 'href="#password"' in error_summary(weak.get_data(as_text=True))

    response = client.post(f"/admin/users/{user.id}/password", data={"password": NEW_PASSWORD})

    assert response.status_code == 302
    assert other.get("/").status_code == 302
    assert not can_sign_in(app, user.email, PASSWORD)
    assert can_sign_in(app, user.email, NEW_PASSWORD)
    event = events(db, "user.password_reset")[-1]
    assert (event.actor, event.target) == (me.email, user.email)
    assert NEW_PASSWORD not in str(event.details)


def test_unlock_clears_the_lockout(app, signed_in, create_user, db):
    client, me = signed_in("admin")
    user = create_user("force_lead", email="locked@example.invalid")
    for _ in range(MAX_FAILURES):
        sign_in(app.test_client(), user.email, "not-the-right-password")
    assert not can_sign_in(app, user.email)  # locked, even with the right password
    listing = client.get("/admin/users").get_data(as_text=True)
    assert re.search(r"locked@example\.invalid.*?Locked", listing, re.S)
    assert 'id="unlock"' in client.get(f"/admin/users/{user.id}").get_data(as_text=True)

    response = client.post(f"/admin/users/{user.id}/unlock", data={"submit": "Confirm"})

    assert response.status_code == 302
    unlocked = user_by_email(db, user.email)
    assert (unlocked.locked_until, unlocked.failed_signins) == (None, 0)
    assert can_sign_in(app, user.email)
    assert events(db, "user.unlocked")[-1].target == user.email


# --- API tokens -----------------------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_works_on_the_api(app, signed_in, create_user, db):
    client, me = signed_in("admin")
    user = create_user("national", email="script@example.invalid")

    confirm = client.get(f"/admin/users/{user.id}/tokens/new").get_data(as_text=True)
    assert "shown once" in confirm and "lms_" not in confirm

    created = client.post(f"/admin/users/{user.id}/tokens/new", data={"submit": "Confirm"})
    html = created.get_data(as_text=True)

    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    token = re.search(r'value="(lms_[^"]+)"', html).group(1)
    assert "You will not be able to see this token again" in html
    assert token not in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert token[:10] in client.get(f"/admin/users/{user.id}").get_data(as_text=True)  # its prefix, to recognise it
    api = app.test_client()
    response = api.get("/api/v1/league-table", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert len(response.get_json()["forces"]) == 43
    event = events(db, "token.created")[-1]
    assert (event.actor, event.target, event.details) == (me.email, user.email, {"prefix": token[:10]})
    assert token not in str([getattr(event, c.key) for c in AuditEvent.__table__.columns])


def test_a_revoked_token_stops_working(app, signed_in, create_user, db):
    client, _ = signed_in("admin")
    user = create_user("national", email="script2@example.invalid")
    html = client.post(f"/admin/users/{user.id}/tokens/new").get_data(as_text=True)
    token = re.search(r'value="(lms_[^"]+)"', html).group(1)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))

    confirm = client.get(f"/admin/users/{user.id}/tokens/{row.id}/revoke").get_data(as_text=True)
    assert "Are you sure you want to revoke" in confirm
    response = client.post(f"/admin/users/{user.id}/tokens/{row.id}/revoke", data={"submit": "Confirm"})

    assert response.status_code == 302
    api = app.test_client()
    assert api.get("/api/v1/league-table", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert events(db, "token.revoked")[-1].details == {"prefix": token[:10]}


def test_no_token_for_a_deactivated_account(signed_in, create_user, db):
    client, _ = signed_in("admin")
    user = create_user("national", email="gone@example.invalid")
    client.post(f"/admin/users/{user.id}/deactivate")

    response = client.post(f"/admin/users/{user.id}/tokens/new", follow_redirects=True)

    assert "reactivate it before creating an API token" in response.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)) is None
