"""A run killed mid-send leaves its email `pending`: a later run sends it (once), and refusals are logged without
anyone's address."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lms.extensions import db
from lms.models import EmailLog, utcnow
from tests.support.emails import (  # noqa: F401  (the fixture `smtp`)
    load_scenario,
    log_rows,
    set_chiefs,
    smtp_fixture,
)

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def may_first():
    with time_machine.travel(datetime(2026, 5, 1, 7, 0, tzinfo=LONDON)):
        yield


@pytest.fixture
def scenario(app, create_user):
    create_user("admin", email="admin.one@example.invalid")
    load_scenario()
    set_chiefs(kent="chief@kent.invalid", essex="chief@essex.invalid", surrey="chief@surrey.invalid")


def run(runner, *args):
    return runner.invoke(args=["lms", *args])


def left_pending(recipient: str, *, minutes_ago: int) -> None:
    """The row a scheduler killed between claiming an email and sending it leaves behind."""
    db.session.add(EmailLog(kind="league_table", period="2026-05", recipient=recipient, status="pending", attempts=0,
                            subject="Kent Police: May", claimed_at=utcnow() - timedelta(minutes=minutes_ago)))
    db.session.commit()


def test_an_email_a_killed_run_left_pending_is_sent_by_the_next_run(smtp, scenario, runner, may_first):
    left_pending("chief@kent.invalid", minutes_ago=20)

    result = run(runner, "send-league-tables")

    assert result.exit_code == 0, result.output
    assert len(smtp.to("chief@kent.invalid")) == 1
    row = next(r for r in log_rows() if r.recipient == "chief@kent.invalid")
    assert (row.status, row.attempts) == ("sent", 1)
    assert len(smtp.to("chief@essex.invalid")) == 1  # and the others, as usual


def test_an_email_another_run_is_sending_now_is_not_sent_twice(smtp, scenario, runner, may_first):
    left_pending("chief@kent.invalid", minutes_ago=1)

    result = run(runner, "send-league-tables")

    assert result.exit_code == 0, result.output
    assert smtp.to("chief@kent.invalid") == []
    assert next(r for r in log_rows() if r.recipient == "chief@kent.invalid").status == "pending"


def test_the_retry_job_also_picks_up_an_abandoned_email(smtp, scenario, runner, may_first):
    from lms.emails import delivery

    assert run(runner, "send-league-tables").exit_code == 0
    smtp.clear()
    row = next(r for r in log_rows() if r.recipient == "chief@surrey.invalid")
    row.status, row.sent_at, row.claimed_at = "pending", None, utcnow() - timedelta(hours=1)
    db.session.commit()

    with time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=LONDON)):
        delivery.retry_failed(actor_name="scheduler")

    assert [m.rcpt_tos for m in smtp.received] == [["chief@surrey.invalid"]]


def test_a_refusal_quoting_the_address_is_logged_without_it(smtp, scenario, runner, may_first, caplog):
    smtp.refuse.add("chief@essex.invalid")
    smtp.refusal = "550 5.1.1 <{address}>: Recipient address rejected: User unknown in virtual mailbox table"

    with caplog.at_level(logging.WARNING, logger="lms.emails.delivery"):
        run(runner, "send-league-tables")

    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "lms.emails.delivery")
    assert "Recipient address rejected" in logged and "<address>" in logged
    assert "chief@essex.invalid" not in logged
