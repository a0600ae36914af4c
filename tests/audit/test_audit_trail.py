"""The audit trail: every action the issue names leaves an AuditEvent saying who, what, which force and from where."""

from __future__ import annotations

import io
import re
import threading
from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent, Force, User
from tests.support.app import PASSWORD
from tests.support.files import P, all_modules, learning, roster

D = date(2025, 6, 1)
PEOPLE = [P("K001", "Ava", "Stone"), P("K002", "Ben", "Marsh", "investigator"), P("K003", "Cara", "Hill")]


def events(action: str | None = None) -> list[AuditEvent]:
    db.session.expire_all()
    q = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        q = q.where(AuditEvent.action == action)
    return list(db.session.scalars(q))


def upload(client, kind: str, data: bytes, name: str, force: str = "kent"):
    return client.post("/upload", data={"kind": kind, "force": force, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_sign_ins_that_fail_and_succeed_are_audited_without_the_password(client, create_user):
    user = create_user("national", email="who@example.invalid")
    client.post("/sign-in", data={"email": "Who@Example.invalid", "password": "a-wrong-password-9"},
                environ_overrides={"REMOTE_ADDR": "192.0.2.10"})
    client.post("/sign-in", data={"email": "ghost@example.invalid", "password": "another-wrong-one-9"})
    client.post("/sign-in", data={"email": user.email, "password": PASSWORD},
                environ_overrides={"REMOTE_ADDR": "192.0.2.11"})

    failed = events("sign_in.failed")
    assert [e.actor for e in failed] == ["who@example.invalid", "ghost@example.invalid"]
    assert failed[0].ip == "192.0.2.10"
    succeeded = events("sign_in.succeeded")
    assert len(succeeded) == 1 and succeeded[0].user_id == user.id and succeeded[0].ip == "192.0.2.11"
    for event in events():
        text = repr((event.details, event.target, event.actor))
        assert "wrong" not in text and PASSWORD not in text  # passwords are never recorded


def test_the_upload_journey_is_audited_with_the_user_and_the_force(signed_in):
    client, lead = signed_in("force_lead", force="kent")
    kent = db.session.scalar(select(Force).where(Force.code == "kent"))

    response = upload(client, "roster", roster(PEOPLE), "roster.csv")
    roster_batch = int(response.location.rsplit("/", 1)[1])
    client.post(f"/imports/{roster_batch}/commit")
    response = upload(client, "college-learn", learning(all_modules(PEOPLE[0], D)), "export.xlsx")
    cancelled = int(response.location.rsplit("/", 1)[1])
    client.post(f"/imports/{cancelled}/cancel")
    response = upload(client, "college-learn", learning(all_modules(PEOPLE[0], D)), "export.xlsx")
    learning_batch = int(response.location.rsplit("/", 1)[1])
    client.post(f"/imports/{learning_batch}/commit")
    client.post(f"/imports/{learning_batch}/rollback")
    upload(client, "roster", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.xls")

    trail = [(e.action, e.target) for e in events() if e.action.startswith("import.")]
    assert trail == [
        ("import.previewed", f"batch {roster_batch}"),
        ("import.committed", f"batch {roster_batch}"),
        ("import.previewed", f"batch {cancelled}"),
        ("import.cancelled", f"batch {cancelled}"),
        ("import.previewed", f"batch {learning_batch}"),
        ("import.committed", f"batch {learning_batch}"),
        ("import.rolled_back", f"batch {learning_batch}"),
        ("import.refused", f"batch {learning_batch + 1}"),
    ]
    for event in events():
        if event.action.startswith("import."):
            assert event.user_id == lead.id and event.actor == lead.email
            assert event.force_id == kent.id
            assert event.ip
    committed = events("import.committed")[0]
    assert committed.details["filename"] == "roster.csv" and committed.details["rows"] == 3


def test_a_large_file_read_in_the_background_is_audited_when_it_is_uploaded(app, signed_in):
    app.config["BACKGROUND_IMPORT_BYTES"] = 10
    client, lead = signed_in("force_lead", force="kent")

    response = upload(client, "roster", roster(PEOPLE), "roster.csv")
    for thread in threading.enumerate():  # the worker must be done before the next test cleans the database
        if thread.name.startswith("import-"):
            thread.join(30)

    batch_id = int(response.location.rsplit("/", 1)[1])
    uploaded = events("import.uploaded")
    assert [(e.target, e.user_id) for e in uploaded] == [(f"batch {batch_id}", lead.id)]


def test_unmatched_decisions_are_audited(signed_in):
    client, lead = signed_in("force_lead", force="kent")
    response = upload(client, "roster", roster(PEOPLE), "roster.csv")
    client.post(f"/imports/{response.location.rsplit('/', 1)[1]}/commit")
    strangers = [P("X1", "Avaa", "Stonne"), P("X2", "Nobody", "Known")]
    response = upload(client, "college-learn",
                      learning([e for p in strangers for e in all_modules(p, D)]), "export.xlsx")
    client.post(f"/imports/{response.location.rsplit('/', 1)[1]}/commit")
    page = client.get("/forces/kent/unmatched").get_data(as_text=True)
    keys = [k.replace("&amp;", "&") for k in re.findall(r'name="identity_key" value="([^"]+)"', page)]
    ava = next(k for k in keys if "avaa" in k.lower() or "x1" in k.lower())
    nobody = next(k for k in keys if k != ava)
    person_id = re.search(r'name="person_id"[^>]*value="(\d+)"', page).group(1)

    client.post("/forces/kent/unmatched", data={"identity_key": ava, "person_id": person_id})
    client.post("/forces/kent/unmatched", data={"identity_key": nobody, "person_id": "dismiss"})

    confirmed = events("unmatched.confirmed")
    dismissed = events("unmatched.dismissed")
    assert len(confirmed) == 1 and confirmed[0].target == f"person {person_id}"
    assert confirmed[0].details["records"] == 4 and confirmed[0].user_id == lead.id
    assert len(dismissed) == 1 and dismissed[0].details["records"] == 4 and dismissed[0].user_id == lead.id


def test_user_and_force_changes_by_an_admin_are_audited(signed_in):
    client, admin = signed_in("admin")
    start = events()[-1].id

    client.post("/admin/users/new", data={"email": "new.lead@kent.police.invalid", "role": "force_lead",
                                          "force": "kent", "region": "", "password": "a long unusual passphrase"})
    new_user = db.session.scalar(select(User).where(User.email == "new.lead@kent.police.invalid"))
    assert new_user is not None
    client.post(f"/admin/users/{new_user.id}/edit", data={"role": "force_lead", "force": "essex", "region": ""})
    client.post(f"/admin/users/{new_user.id}/deactivate")
    client.post(f"/admin/users/{new_user.id}/reactivate")
    client.post(f"/admin/users/{new_user.id}/password", data={"password": "another long passphrase"})
    client.post("/admin/forces/kent", data={"chief_name": "A. Chief", "chief_email": "chief@kent.police.invalid",
                                            "personal_reminders": "on"})

    mine = [e for e in events() if e.id > start]
    trail = [(e.action, e.target) for e in mine if e.action.startswith(("user.", "force."))]
    assert trail == [
        ("user.created", "new.lead@kent.police.invalid"),
        ("user.updated", "new.lead@kent.police.invalid"),
        ("user.deactivated", "new.lead@kent.police.invalid"),
        ("user.reactivated", "new.lead@kent.police.invalid"),
        ("user.password_reset", "new.lead@kent.police.invalid"),
        ("force.updated", "kent"),
    ]
    assert all(e.user_id == admin.id for e in mine if e.action.startswith(("user.", "force.")))
    force_event = events("force.updated")[0]
    assert "chief_email" in repr(force_event.details)  # what changed (the value itself may be left out)
    for event in events():
        assert "passphrase" not in repr(event.details)


def test_force_changes_from_the_command_line_are_audited(runner):
    result = runner.invoke(args=["lms", "set-force", "kent", "--chief-email", "cc@kent.police.invalid"])
    assert result.exit_code == 0, result.output

    assert [e.target for e in events("force.updated")] == ["kent"]


def test_admins_can_read_the_trail_and_nobody_else_can(signed_in, client, create_user):
    lead = create_user("force_lead", force="kent")
    client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    assert client.get("/admin/audit").status_code in (403, 404)
    client.post("/sign-out")

    admin_client, _ = signed_in("admin")
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "sign_in.succeeded" in page or "Signed in" in page
