"""The leads' monthly pack beside the chief constable's email: the same figures and the overdue people as .xlsx,
to that force's own active leads only, as a real SMTP server on loopback receives it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lms.accounts.service import create_user, user_by_email
from lms.emails import common as email_common
from lms.extensions import db
from tests.support.emails import (  # noqa: F401  (the fixture `smtp`)
    load_scenario,
    log_rows,
    set_chiefs,
    smtp_fixture,
)

MAY_FIRST = datetime(2026, 5, 1, 7, 0, tzinfo=ZoneInfo("Europe/London"))
KENT_OVERDUE = {"Sample", "Placeholder", "Invented"}  # Dev (modules 3, 4), Fin and Hal (Hydra)
KENT_NOT_LISTED = {"Testperson", "Notaperson", "Fictional", "Example", "Notreal", "Leaver", "Exempt"}


@pytest.fixture
def people(app):
    data = load_scenario()
    set_chiefs(kent="chief@kent.invalid", surrey="chief@surrey.invalid")
    for email, role, kw in (
        ("kent.lead@kent.police.invalid", "force_lead", {"force_code": "kent", "name": "Kim Madeuplead"}),
        ("second.lead@kent.police.invalid", "force_lead", {"force_code": "kent"}),
        ("old.lead@kent.police.invalid", "force_lead", {"force_code": "kent"}),
        ("surrey.lead@surrey.police.invalid", "force_lead", {"force_code": "surrey"}),
        ("rocu@eastern.police.invalid", "regional", {"region_name": "Eastern"}),
        ("msoicu@national.police.invalid", "national", {}),
        ("admin@service.invalid", "admin", {}),
    ):
        create_user(email, role, password="a-long-test-passphrase-1", **kw)
    user_by_email("old.lead@kent.police.invalid").active = False  # a lead who has left the force
    db.session.commit()
    return data


def surnames(message) -> set[str]:
    rows = message.workbook_rows()
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Staff number")
    return {r[1] for r in rows[header_at + 1:] if r and r[1]}


def packs(smtp, address):
    return [m for m in smtp.to(address) if "your monthly pack" in m.subject]


def test_each_forces_leads_get_their_own_forces_overdue_people(smtp, people, runner):
    with time_machine.travel(MAY_FIRST):
        result = runner.invoke(args=["lms", "send-league-tables"])
    assert result.exit_code == 0, result.output

    (kent,) = packs(smtp, "kent.lead@kent.police.invalid")
    assert kent.subject == "Kent Police: OIC training, May 2026: your monthly pack"
    assert kent.rcpt_tos == ["kent.lead@kent.police.invalid"]
    assert kent.text.startswith("Dear Kim Madeuplead,")
    assert "Kent Police: Behind, overdue since 30 April 2026." in kent.text and "3 people are overdue" in kent.text
    (attachment,) = kent.attachments()
    assert attachment.get_filename() == "oic-overdue-kent-2026-05.xlsx"
    assert surnames(kent) == KENT_OVERDUE
    assert not surnames(kent) & KENT_NOT_LISTED

    (second,) = packs(smtp, "second.lead@kent.police.invalid")
    assert second.text.startswith("Hello,") and surnames(second) == KENT_OVERDUE

    (surrey,) = packs(smtp, "surrey.lead@surrey.police.invalid")
    assert surnames(surrey) == {"Surreyperson"}
    assert "Surrey Police: Behind, overdue since 30 April 2026." in surrey.text

    # Nobody else gets a pack: not a deactivated lead, the ROCU, MSOICU, an admin or a chief constable.
    for address in ("old.lead@kent.police.invalid", "rocu@eastern.police.invalid", "msoicu@national.police.invalid",
                    "admin@service.invalid", "chief@kent.invalid", "chief@surrey.invalid"):
        assert packs(smtp, address) == [], address
    recipients = {r.recipient for r in log_rows(email_common.LEADS_PACK)}
    assert recipients == {"kent.lead@kent.police.invalid", "second.lead@kent.police.invalid",
                          "surrey.lead@surrey.police.invalid"}

    # The chief's email beside it still names nobody.
    (chief,) = smtp.to("chief@kent.invalid")
    raw = chief.message.as_string() + repr(chief.workbook_rows())
    for surname in KENT_OVERDUE | KENT_NOT_LISTED:
        assert surname not in raw


def test_a_second_run_sends_no_pack_twice(smtp, people, runner):
    with time_machine.travel(MAY_FIRST):
        assert runner.invoke(args=["lms", "send-league-tables"]).exit_code == 0
        smtp.clear()
        assert runner.invoke(args=["lms", "send-league-tables"]).exit_code == 0
    assert smtp.received == []


# --- forces with no lead account ----------------------------------------------------------------------------------


def test_stale_data_of_a_force_with_no_lead_goes_to_its_rocu_and_the_admins(smtp, app, runner, signed_in):
    load_scenario()  # Essex: College Learn last uploaded 10 January, no Hydra; Surrey and Kent fresh
    for email, role, kw in (("rocu@eastern.police.invalid", "regional", {"region_name": "Eastern",
                                                                        "name": "Robin Madeuprocu"}),
                            ("rocu@southeast.police.invalid", "regional", {"region_name": "South East"}),
                            ("admin@service.invalid", "admin", {})):
        create_user(email, role, password="a-long-test-passphrase-1", **kw)
    db.session.commit()
    with time_machine.travel(MAY_FIRST):
        result = runner.invoke(args=["lms", "send-reminders"])
    assert result.exit_code == 0, result.output

    (rocu,) = smtp.to("rocu@eastern.police.invalid")
    assert rocu.text.startswith("Dear Robin Madeuprocu,")
    assert "as their ROCU co-ordinator" in rocu.text
    # Eastern's forces with no lead and stale data, Essex among them; never another region's.
    assert "Essex Police\n- College Learn completions: last uploaded 10 January 2026 (111 days ago)" in \
        rocu.text.replace("\r\n", "\n")
    assert "Sussex Police" not in rocu.text and "Kent Police" not in rocu.text  # Sussex: South East; Kent: fresh
    (south_east,) = smtp.to("rocu@southeast.police.invalid")
    assert "Sussex Police" in south_east.text and "Essex Police" not in south_east.text
    (admin,) = smtp.to("admin@service.invalid")
    assert "as an admin" in admin.text and "Essex Police" in admin.text and "Sussex Police" in admin.text
    assert admin.subject == "OIC training data needs updating: 41 forces with no lead account"  # all but Kent, Surrey

    # The admin's list of forces with no lead account says where their reminders go.
    client, _ = signed_in("admin")
    page = client.get("/admin/forces-without-leads").get_data(as_text=True)
    assert "43 forces have no active training-lead account" in page
    essex_row = page.split('data-code="essex"')[1].split("</tr>")[0]
    assert "rocu@eastern.police.invalid" in essex_row and "and the admins" in essex_row
