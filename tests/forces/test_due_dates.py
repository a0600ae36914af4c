"""The admin's due-date settings page: enter, see the effect on each force, then save (audited); through the web."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.compliance.rules import months_before
from lms.extensions import db
from lms.forces import due_dates
from lms.imports.service import run_import
from lms.models import AuditEvent, DueDateSetting
from lms.reports import figures
from tests.support.files import P, all_modules, learning, roster

KENT = [P("K001", "Ava", "Stone"), P("K002", "Ben", "Marsh")]


def go(kind: str, data: bytes) -> None:
    run_import(kind, data, {"roster": "r.csv", "college-learn": "c.xlsx"}[kind], "kent", None)
    db.session.commit()


@pytest.fixture
def kent_half_done(app, today):
    """Kent: Ava did all four modules eight months ago, Ben nothing: 50.0% e-learning, Ben overdue."""
    go("roster", roster(KENT))
    go("college-learn", learning(all_modules(KENT[0], today - timedelta(days=240))))


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_the_page_shows_the_settings_in_use(signed_in):
    client, _ = signed_in("admin")
    page = client.get("/admin/due-dates")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="grace_days"' in html and 'value="90"' in html
    assert "30 April 2026" in text_of(page)  # the deadline due dates start from


@pytest.mark.parametrize(
    ("form", "message"),
    [
        pytest.param({"grace_days": ""}, "Enter the grace period in days, like 90", id="empty"),
        pytest.param({"grace_days": "ninety"}, "Enter the grace period as a whole number of days from 0 to 730",
                     id="words"),
        pytest.param({"grace_days": "-5"}, "Enter the grace period as a whole number of days", id="negative"),
        pytest.param({"grace_days": "90", "elearning_validity_months": "0"},
                     "Enter the e-learning validity as a whole number of months from 1 to 240", id="zero-months"),
        pytest.param({"grace_days": "90", "hydra_validity_months": "2.5"},
                     "Enter the Hydra validity as a whole number of months", id="fraction"),
    ],
)
def test_bad_settings_are_refused_with_a_message_and_nothing_changes(signed_in, form, message):
    client, _ = signed_in("admin")
    page = client.post("/admin/due-dates", data=form)
    assert page.status_code == 400
    text = text_of(page)
    assert "There is a problem" in text and message in text
    assert due_dates.current_policy().grace_days == 90


def test_the_check_step_previews_each_forces_change_and_saves_nothing(signed_in, kent_half_done):
    client, _ = signed_in("admin")
    page = client.post("/admin/due-dates", data={"grace_days": "90", "elearning_validity_months": "6"})
    assert page.status_code == 200
    text = text_of(page)
    assert "Check the due-date settings" in text
    # Ava's completions are eight months old: under a 6-month validity they no longer count.
    assert "Kent Police: would change e-learning from 50.0% to 0.0%, overdue from 1 to 2" in text
    assert "Kent Police: would change overall from 50.0% to 0.0%, overdue from 1 to 2" in text
    assert "Essex Police" not in text
    assert due_dates.current_policy().elearning_validity_months is None  # nothing saved yet
    # "Change" goes back to the form with the entered values.
    change = re.search(r'href="([^"]*due-dates\?[^"]*)#grace_days"', page.get_data(as_text=True)).group(1)
    again = client.get(change.replace("&amp;", "&"))
    assert 'value="6"' in again.get_data(as_text=True)


def test_a_grace_period_change_previews_the_joiners_it_moves(signed_in, kent_half_done, today):
    go("roster", roster([*KENT, P("K003", "Cara", "Hill")]))  # Cara joins today: not yet due for 90 days
    client, _ = signed_in("admin")
    text = text_of(client.post("/admin/due-dates", data={"grace_days": "0"}))
    # Percentages do not move; with no grace Cara is due today, and still not overdue until tomorrow.
    assert "No force's figures as of" in text
    with_validity = text_of(client.post("/admin/due-dates", data={"grace_days": "90"}))
    assert "saving would change nothing" in with_validity


def test_saving_is_audited_and_the_figures_follow(signed_in, kent_half_done, today):
    client, admin = signed_in("admin")
    api_before = client.get("/api/v1/forces/kent").get_json()
    assert api_before["elearning"] == {"relevant": 2, "complete": 1, "percent": 50.0, "overdue": 1, "not_yet_due": 0}
    saved = client.post("/admin/due-dates/confirm", data={"grace_days": "60", "elearning_validity_months": "6",
                                                          "hydra_validity_months": ""}, follow_redirects=True)
    assert saved.status_code == 200
    assert "Due-date settings saved" in text_of(saved)
    policy = due_dates.current_policy()
    assert (policy.grace_days, policy.elearning_validity_months, policy.hydra_validity_months) == (60, 6, None)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "due_dates.changed"))
    assert event.user_id == admin.id
    assert event.details == {
        "before": {"grace_days": 90, "elearning_validity_months": None, "hydra_validity_months": None},
        "after": {"grace_days": 60, "elearning_validity_months": 6, "hydra_validity_months": None},
    }
    after = client.get("/api/v1/forces/kent").get_json()
    assert after["elearning"] == {"relevant": 2, "complete": 0, "percent": 0.0, "overdue": 2, "not_yet_due": 0}
    # Saving refreshed today's snapshots in the same transaction: the fast path serves the new figures.
    assert figures.snapshot_entries(today) is not None
    assert figures.league_table() == figures.league_table(use_snapshots=False)
    # Saving the same again changes nothing and records nothing.
    client.post("/admin/due-dates/confirm", data={"grace_days": "60", "elearning_validity_months": "6"})
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "due_dates.changed")).all()) == 1


def test_a_tampered_confirmation_is_refused_and_changes_nothing(signed_in):
    client, _ = signed_in("admin")
    page = client.post("/admin/due-dates/confirm", data={"grace_days": "100000"}, follow_redirects=True)
    assert "could not be saved" in text_of(page)
    assert due_dates.current_policy().grace_days == 90


def test_the_people_page_says_each_persons_due_date(signed_in, kent_half_done, today):
    go("roster", roster([*KENT, P("K003", "Cara", "Hill")]))
    client, _ = signed_in("force_lead", force="kent")
    text = text_of(client.get("/forces/kent/people"))
    due = today + timedelta(days=90)
    assert f"due {due.day} {due:%B %Y}" in text  # Cara, who joined today
    assert "Overdue overdue since 1 May 2026" in text  # Ben, on Kent's first roster
    overdue_only = text_of(client.get("/forces/kent/people?show=overdue"))
    assert "Marsh, Ben" in overdue_only and "Hill, Cara" not in overdue_only
    not_yet = text_of(client.get("/forces/kent/people?show=not_yet_due"))
    assert "Hill, Cara" in not_yet and "Marsh, Ben" not in not_yet
    force_page = text_of(client.get("/forces/kent"))
    assert "Still to do 1 overdue , 1 not yet due (new joiners within their grace period)" in force_page


def test_the_person_page_explains_an_expired_completion(signed_in, kent_half_done, today):
    db.session.add(DueDateSetting(id=1, grace_days=90, elearning_validity_months=6))
    db.session.commit()
    client, _ = signed_in("force_lead", force="kent")
    people = client.get("/forces/kent/people?show=all").get_data(as_text=True)
    ava = re.search(r'href="(/forces/kent/people/\d+)[^"]*">Stone, Ava', people).group(1)
    text = text_of(client.get(ava))
    oldest = months_before(today, 6)
    assert f"Expired: completions before {oldest.day} {oldest:%B %Y} no longer count" in text
    assert "On the force's first roster" in text


def test_the_people_spreadsheet_has_each_persons_due_date(signed_in, kent_half_done, today):
    import io

    from openpyxl import load_workbook

    go("roster", roster([*KENT, P("K003", "Cara", "Hill")]))
    client, _ = signed_in("force_lead", force="kent")
    response = client.get(f"/forces/kent/people.xlsx?as_of={today.isoformat()}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    header, people = rows[0], {r[1]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert header[-2:] == ["Due date", "Overdue"]
    assert people["Hill"]["Due date"].date() == today + timedelta(days=90) and people["Hill"]["Overdue"] == "No"
    assert people["Marsh"]["Due date"].date().isoformat() == "2026-04-30" and people["Marsh"]["Overdue"] == "Yes"


def test_the_league_table_page_says_how_many_are_overdue(signed_in, kent_half_done):
    client, _ = signed_in("national")
    html = client.get("/league-table").get_data(as_text=True)
    kent_row = re.search(r'<tr class="govuk-table__row" data-code="kent">.*?</tr>', html, re.S).group(0)
    assert "1 overdue" in text_of_html(kent_row)
    essex_row = re.search(r'<tr class="govuk-table__row" data-code="essex">.*?</tr>', html, re.S).group(0)
    assert re.search(r"\d+ overdue", text_of_html(essex_row)) is None  # no roster: nobody counted


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
