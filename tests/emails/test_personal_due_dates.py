"""Personal reminders say the person's own due date: the deadline, or later for a joiner in their grace period.

Sent for real through `lms send-reminders` to an SMTP server on loopback (tests/support/emails.py).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lms.emails import reminders
from lms.extensions import db
from lms.models import DueDateSetting
from tests.support.emails import (  # noqa: F401  (the fixture `smtp`)
    force,
    load_scenario,
    smtp_fixture,
)

DECEMBER_FIRST = datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def kent_opted_in(app, create_user):
    create_user("force_lead", email="lead@kent.invalid", force="kent")
    data = load_scenario()
    force("kent").personal_reminders = True
    # Dev joined on a roster after Kent's first one, in November; Fin has always been there.
    data.kent_people["dev"].first_rostered_on = date(2026, 11, 14)
    db.session.commit()
    return data


def send(runner) -> None:
    with time_machine.travel(DECEMBER_FIRST):
        result = runner.invoke(args=["lms", "send-reminders"])
    assert result.exit_code == 0, result.output


def test_a_joiner_is_told_their_own_due_date_and_a_long_server_that_they_are_overdue(smtp, kent_opted_in, runner):
    send(runner)
    (dev,) = smtp.to("dev.sample@kent.invalid")
    assert "Your due date for this training is 12 February 2027." in dev.text
    assert "12 February 2027" in dev.html
    assert "overdue" not in dev.text
    (fin,) = smtp.to("fin.placeholder@kent.invalid")
    assert "Your due date for this training was 30 April 2026, so it is overdue" in fin.text


def test_the_grace_period_setting_moves_the_date_in_the_email(smtp, kent_opted_in, runner):
    db.session.add(DueDateSetting(id=1, grace_days=30))
    db.session.commit()
    send(runner)
    (dev,) = smtp.to("dev.sample@kent.invalid")
    assert "Your due date for this training was 14 December 2026" not in dev.text
    assert "Your due date for this training is 14 December 2026." in dev.text


@pytest.mark.parametrize(
    ("due_on", "on", "expected"),
    [
        pytest.param(date(2027, 2, 12), date(2026, 12, 1), "Your due date for this training is 12 February 2027.",
                     id="not-yet-due"),
        pytest.param(date(2027, 2, 12), date(2027, 2, 12), "Your due date for this training is 12 February 2027.",
                     id="on-the-day"),
        pytest.param(date(2026, 4, 30), date(2026, 5, 1), "Your due date for this training was 30 April 2026, so it "
                     "is overdue: please complete it as soon as you can.", id="overdue"),
    ],
)
def test_due_sentence(app, due_on, on, expected):
    assert reminders.due_sentence(due_on, on) == expected
