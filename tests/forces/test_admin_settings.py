"""Admin: forces' chief constable contacts, the role-category rule table and requirement titles."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from lms.imports.service import run_import
from lms.models import AuditEvent, Force, LearningRecord, Person, Requirement, RoleRule
from tests.support.files import LEARN_HEADERS, csv_bytes


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def roster_csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    return csv_bytes(["Staff number", "Forename", "Surname", "Role category"], [list(r) for r in rows])


def import_roster(db, rows, admin_user, force: str = "kent") -> dict:
    outcome = run_import("roster", roster_csv(rows), "roster.csv", force, admin_user)
    db.session.commit()
    return outcome.summary


def person(db, staff: str) -> Person:
    db.session.expire_all()
    return db.session.scalar(select(Person).where(Person.staff_number == staff))


# --- forces ---------------------------------------------------------------------------------------------------


def test_the_forces_page_lists_43_and_flags_those_without_a_chief_email(signed_in, db):
    client, _ = signed_in("admin")
    for force in db.session.scalars(select(Force).where(Force.code != "dorset")):
        force.chief_email = f"chief@{force.code}.police.invalid"
    db.session.commit()

    html = client.get("/admin/forces").get_data(as_text=True)

    assert html.count("data-force=") == 43
    assert re.findall(r'data-force="([a-z-]+)" data-missing-email', html) == ["dorset"]
    assert "1 force has</span> no chief constable email address" in html
    missing = client.get("/admin/forces?missing=1").get_data(as_text=True)
    assert missing.count("data-force=") == 1


def test_a_force_edit_persists_and_is_audited(signed_in, db):
    client, me = signed_in("admin")

    page = client.get("/admin/forces/kent").get_data(as_text=True)
    assert "Chief constable&#39;s email address" in page or "Chief constable's email address" in page

    response = client.post("/admin/forces/kent", data={
        "chief_name": "Chief Constable K", "chief_email": "Chief@Kent.Police.invalid", "personal_reminders": "on"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/forces"
    db.session.expire_all()
    kent = db.session.scalar(select(Force).where(Force.code == "kent"))
    assert (kent.chief_name, kent.chief_email, kent.personal_reminders) == (
        "Chief Constable K", "chief@kent.police.invalid", True)
    listing = client.get("/admin/forces").get_data(as_text=True)
    assert "Kent Police: settings saved." in listing
    assert re.search(r'data-force="kent">.*?chief@kent\.police\.invalid.*?On', listing, re.S)
    event = events(db, "force.updated")[-1]
    assert (event.actor, event.force_id, event.target) == (me.email, kent.id, "kent")
    assert set(event.details["changed"]) >= {"personal_reminders", "chief_email"}
    assert "chief@kent.police.invalid" not in str(event.details)  # which settings changed, never their values

    # Emptying the email stops the monthly email reaching the force: flagged again.
    client.post("/admin/forces/kent", data={"chief_name": "", "chief_email": "", "personal_reminders": "off"})
    assert 'data-force="kent" data-missing-email' in client.get("/admin/forces").get_data(as_text=True)


def test_a_malformed_chief_email_is_refused(signed_in, db):
    client, _ = signed_in("admin")

    response = client.post("/admin/forces/kent", data={"chief_email": "not an email", "personal_reminders": "off"})

    assert response.status_code == 400
    assert 'href="#chief_email"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Force.chief_email).where(Force.code == "kent")) is None


def test_a_chief_constable_name_with_markup_is_escaped_everywhere(signed_in):
    client, _ = signed_in("admin")
    client.post("/admin/forces/kent", data={"chief_name": "<script>alert(1)</script>", "personal_reminders": "off"})

    for page in ("/admin/forces", "/admin/forces/kent"):
        html = client.get(page).get_data(as_text=True)
        assert "<script>alert(1)" not in html, page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, page
    assert "alert(1)" not in client.get("/admin/audit").get_data(as_text=True)  # the audit keeps no names


# --- the rule table -------------------------------------------------------------------------------------------


def test_a_rule_change_applies_to_the_next_roster_import(signed_in, db):
    client, me = signed_in("admin")
    import_roster(db, [("M100", "Mo", "Manager", "manager")], me)
    assert (person(db, "M100").elearning_required, person(db, "M100").hydra_required) == (False, True)

    response = client.post("/admin/rules/manager", data={"elearning": "yes", "hydra": "yes"})

    assert response.status_code == 302
    assert "Role category manager saved" in client.get("/admin/rules").get_data(as_text=True)
    assert person(db, "M100").elearning_required is False  # unchanged until the force's next roster
    import_roster(db, [("M100", "Mo", "Manager", "manager"), ("M101", "Max", "Manager", "Manager")], me)
    assert person(db, "M100").elearning_required is True
    assert (person(db, "M101").elearning_required, person(db, "M101").hydra_required) == (True, True)
    event = events(db, "rule.updated")[-1]
    assert event.target == "manager"
    assert event.details == {"elearning": True, "hydra": True, "previous_elearning": False, "previous_hydra": True}


def test_a_new_category_can_be_used_by_the_next_roster(signed_in, db):
    client, me = signed_in("admin")
    refused = import_roster(db, [("C1", "Cal", "Custody", "custody officer")], me)
    assert refused["errors"] and "custody officer is not a known role category" in refused["errors"][0]["message"]

    response = client.post("/admin/rules/new", data={"category": "  Custody   Officer ", "elearning": "yes",
                                                     "hydra": "no"})

    assert response.status_code == 302
    rule = db.session.get(RoleRule, "custody officer")
    assert (rule.elearning, rule.hydra) == (True, False)
    summary = import_roster(db, [("C1", "Cal", "Custody", "Custody Officer")], me)
    assert not summary["errors"]
    assert (person(db, "C1").elearning_required, person(db, "C1").hydra_required) == (True, False)
    page = client.get("/admin/rules").get_data(as_text=True)
    assert re.search(r'data-category="custody officer">.*?>1<', page, re.S)  # one person holds it now
    assert client.get("/admin/rules/custody%20officer").status_code == 200
    assert events(db, "rule.added")[-1].details == {"elearning": True, "hydra": False}


def test_a_category_that_exists_or_is_malformed_is_refused(signed_in):
    client, _ = signed_in("admin")

    for category, message in (("Frontline", "There is already a role category called frontline"),
                              ("", "Enter the role category"), ("a/b", "Role category must start with"),
                              ("New", "cannot be &#39;new&#39;")):
        response = client.post("/admin/rules/new", data={"category": category, "elearning": "yes", "hydra": "no"})
        html = response.get_data(as_text=True)
        assert response.status_code == 400, category
        assert 'href="#category"' in html and message in html, category


def test_an_unused_category_is_deleted_after_confirmation(signed_in, db):
    client, _ = signed_in("admin")
    client.post("/admin/rules/new", data={"category": "temporary", "elearning": "no", "hydra": "no"})

    confirm = client.get("/admin/rules/temporary/delete").get_data(as_text=True)
    assert "Are you sure you want to delete the role category temporary?" in confirm
    assert db.session.get(RoleRule, "temporary") is not None

    response = client.post("/admin/rules/temporary/delete", data={"submit": "Confirm"})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(RoleRule, "temporary") is None
    assert events(db, "rule.deleted")[-1].target == "temporary"


def test_a_category_people_hold_cannot_be_deleted(signed_in, db):
    client, me = signed_in("admin")
    import_roster(db, [("F1", "Fay", "Front", "frontline")], me)

    confirm = client.get("/admin/rules/frontline/delete").get_data(as_text=True)
    assert "You cannot delete the role category frontline" in confirm and "confirm-delete" not in confirm
    response = client.post("/admin/rules/frontline/delete", data={"submit": "Confirm"}, follow_redirects=True)

    assert "1 active person has the role category frontline" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(RoleRule, "frontline") is not None
    assert not events(db, "rule.deleted")


# --- requirements ---------------------------------------------------------------------------------------------


def test_a_new_alias_matches_the_next_college_learn_export(signed_in, db):
    client, me = signed_in("admin")
    import_roster(db, [("L1", "Lee", "Learner", "frontline")], me)
    export = csv_bytes(LEARN_HEADERS, [["L1", "", "Lee", "Learner", "Kent Police", "Kent local intro course",
                                        "Completed", date(2025, 5, 1).strftime("%d/%m/%Y")]])

    response = client.post("/admin/requirements/M1", data={
        "title": "Organised immigration crime: introduction",
        "aliases": "Organised immigration crime: introduction\r\n\r\n  Kent local intro course  \r\n"
                   "kent LOCAL intro course"})

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Requirement, "M1").aliases == ["Organised immigration crime: introduction",
                                                         "Kent local intro course"]
    summary = run_import("college-learn", export, "export.csv", "kent", me).summary
    db.session.commit()
    assert summary["skipped_other_courses"] == 0
    records = list(db.session.scalars(select(LearningRecord)))
    assert [(r.requirement_code, r.completed) for r in records] == [("M1", True)]
    event = events(db, "requirement.updated")[-1]
    assert event.target == "M1"
    assert event.details["aliases_added"] == ["Kent local intro course"]
    assert "OIC module 1: introduction to organised immigration crime" in event.details["aliases_removed"]


def test_a_title_can_mean_only_one_requirement(signed_in, db):
    client, _ = signed_in("admin")

    response = client.post("/admin/requirements/M2", data={
        "title": "Organised immigration crime: legislation and powers",
        "aliases": "ORGANISED IMMIGRATION CRIME - INTRODUCTION"})
    html = response.get_data(as_text=True)

    assert response.status_code == 400
    assert 'href="#aliases"' in html and "M1 already has the title" in html
    db.session.expire_all()
    assert "ORGANISED IMMIGRATION CRIME - INTRODUCTION" not in db.session.get(Requirement, "M2").aliases


def test_the_requirement_page_shows_aliases_one_per_line(signed_in):
    client, _ = signed_in("admin")

    html = client.get("/admin/requirements/M4").get_data(as_text=True)

    lines = "Organised immigration crime: inland case study\nOIC module 4: inland case study"
    assert re.search(r"<textarea[^>]*>\s*" + re.escape(lines), html)
