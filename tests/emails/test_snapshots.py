"""Rendered emails compared with the copies kept under tests/emails/ (fixed data, fixed dates).

After a deliberate change to an email, regenerate them and review the diff:
    UPDATE_EMAIL_SNAPSHOTS=1 .venv/bin/pytest tests/emails/test_snapshots.py
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from lms.emails import common as email_common
from lms.emails import delivery as emails
from lms.emails import leads_pack, league, reminders
from lms.extensions import db
from lms.models import EmailLog, PublishedTable
from lms.reports import figures
from tests.support.emails import AS_OF, DEADLINE, force, load_scenario, set_chiefs

SNAPSHOTS = Path(__file__).parent


def check(name: str, rendered: str) -> None:
    # Links to pages other parts of the service own are replaced, so moving those pages does not break this test.
    for endpoint, fallback, values, placeholder in (("imports.upload", "/", {}, "{upload_url}"),
                                                    ("forces.forces_list", "/", {"missing": "1"}, "{forces_url}"),
                                                    ("reports.people", "/", {"code": "kent"}, "{people_url}")):
        url = email_common.external_url(endpoint, fallback, **values)
        for before, after in (('"', '"'), (" ", "\n"), ("(", ")")):
            rendered = rendered.replace(f"{before}{url}{after}", f"{before}{placeholder}{after}")
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_EMAIL_SNAPSHOTS") == "1" or not path.exists():
        path.write_text(rendered, encoding="utf-8")
        if os.environ.get("UPDATE_EMAIL_SNAPSHOTS") != "1":
            pytest.fail(f"Wrote a new snapshot {path.name}: review it and run again")
    expected = path.read_text(encoding="utf-8")
    assert rendered == expected, f"{name} differs from its snapshot (UPDATE_EMAIL_SNAPSHOTS=1 to regenerate)"


@pytest.fixture
def fixed(app, create_user):
    app.config.update(DEADLINE=DEADLINE, BASE_URL="https://oic-training.service.invalid", TIMEZONE="Europe/London")
    create_user("admin", email="admin.one@example.invalid")
    data = load_scenario()
    set_chiefs(kent="chief@kent.invalid", essex="chief@essex.invalid")
    return data


def test_league_table_email_with_movement(app, fixed):
    # Kent's chief was sent April's table (as of 1 April), so May's email says what moved.
    april = figures.league_table(date(2026, 4, 1))
    db.session.add(PublishedTable(period="2026-04", as_of=date(2026, 4, 1), data=april))
    db.session.add(EmailLog(kind=email_common.LEAGUE_TABLE, period="2026-04", recipient="chief@kent.invalid",
                            force_id=force("kent").id, status="sent", attempts=1))
    db.session.commit()
    email = league.render_league_email(force("kent"), figures.league_table(AS_OF), "2026-05")
    check("league_table.txt", email.text)
    check("league_table.html", email.html)


def test_league_table_email_first_report(app, fixed):
    email = league.render_league_email(force("essex"), figures.league_table(AS_OF), "2026-05")
    check("league_table_first.txt", email.text)


def test_missing_chiefs_email(app, fixed):
    table = figures.league_table(AS_OF)
    forces = [force("kent"), force("essex"), force("cleveland"), force("dorset")]
    plans, missing = emails.league_table_plans(table, "2026-05", forces, notify_admins=True)
    assert [f.code for f in missing] == ["cleveland", "dorset"]
    (notice,) = [p for p in plans if p.kind == email_common.MISSING_CHIEFS]
    email = notice.render()
    check("missing_chiefs.txt", email.text)
    check("missing_chiefs.html", email.html)


def test_stale_data_email(app, fixed, create_user):
    create_user("force_lead", email="lead@essex.invalid", force="essex")
    report = email_common.RunReport(dry_run=True)
    plans = [p for p in reminders.stale_data_plans(AS_OF, "2026-W18", report) if p.recipient == "lead@essex.invalid"]
    email = plans[0].render()
    check("stale_data.txt", email.text)
    check("stale_data.html", email.html)


def test_personal_reminder_email(app, fixed, create_user):
    create_user("force_lead", email="lead@kent.invalid", force="kent")
    force("kent").personal_reminders = True
    db.session.commit()
    report = email_common.RunReport(dry_run=True)
    plans = {p.recipient: p for p in reminders.personal_plans(AS_OF, "2026-W18", report)}
    assert set(plans) == {"dev.sample@kent.invalid", "fin.placeholder@kent.invalid"}
    email = plans["dev.sample@kent.invalid"].render()
    check("personal_reminder.txt", email.text)
    check("personal_reminder.html", email.html)


def test_stale_data_email_for_forces_with_no_lead(app, fixed, create_user):
    create_user("force_lead", email="lead@kent.invalid", force="kent")
    create_user("regional", email="rocu@eastern.invalid", region="Eastern")
    report = email_common.RunReport(dry_run=True)
    plans = reminders.stale_data_plans(AS_OF, "2026-W18", report)
    (plan,) = [p for p in plans if p.recipient == "rocu@eastern.invalid"]
    email = plan.render()
    check("stale_data_no_lead.txt", email.text)
    check("stale_data_no_lead.html", email.html)


def test_leads_pack_email(app, fixed):
    from lms.accounts.service import create_user

    lead = create_user("lead@kent.invalid", "force_lead", force_code="kent", name="Kim Madeuplead")
    db.session.commit()
    email = leads_pack.render_leads_pack(force("kent"), lead, figures.league_table(AS_OF), "2026-05")
    check("leads_pack.txt", email.text)
    check("leads_pack.html", email.html)
