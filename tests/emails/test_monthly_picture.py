"""The chief constable's monthly email as a real SMTP server on loopback receives it: change since last month from
the snapshots, the status and next steps first, the training lead's contact, the compact table, the signed link.
Text and HTML parts say the same."""

from __future__ import annotations

import re
from datetime import date, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from lms.extensions import db
from lms.models import AuditEvent
from lms.reports import figures
from tests.emails.scenarios import load_wide
from tests.support.emails import (  # noqa: F401  (the fixture `smtp`)
    load_scenario,
    set_chiefs,
    smtp_fixture,
)

LONDON = ZoneInfo("Europe/London")
MAY_FIRST = datetime(2026, 5, 1, 7, 0, tzinfo=LONDON)


@pytest.fixture
def scenario(app, create_user):
    create_user("admin", email="admin.one@example.invalid")
    data = load_scenario()
    set_chiefs(kent="chief@kent.invalid", essex="chief@essex.invalid", surrey="chief@surrey.invalid")
    return data


def send(runner, *args):
    with time_machine.travel(MAY_FIRST):
        result = runner.invoke(args=["lms", "send-league-tables", *args])
    assert result.exit_code == 0, result.output
    return result


def kent_email(smtp):
    (message,) = smtp.to("chief@kent.invalid")
    return message


def both_parts(message) -> tuple[str, str]:
    """The text part, and the HTML part as the words a reader sees (tags dropped, entities decoded)."""
    parser = _Words()
    parser.feed(message.html)
    return message.text.replace("\r\n", "\n"), " ".join(" ".join(parser.words).split())


class _Words(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []

    def handle_data(self, data):
        self.words.append(data)


def test_change_since_last_month_comes_from_the_snapshots_when_no_email_was_sent(smtp, scenario, runner):
    # No email went in April, but the service took its daily snapshot on 1 April.
    figures.refresh_snapshots(date(2026, 4, 1))
    db.session.commit()
    send(runner, "--force", "kent")
    text, html = both_parts(kent_email(smtp))
    for part in (text, html):
        assert "This is the first report" not in part
        assert "Compared with a month earlier (figures as of 1 April 2026):" in part
        assert "Rank: up 1 place, from 3 to 2" in part
        assert "Overall: up 25.0 percentage points, from 37.5% to 62.5%" in part
        assert "That is up 1 place and up 25.0 points since 1 April." in part


def test_with_less_than_a_month_of_history_the_earliest_snapshot_is_used(smtp, scenario, runner):
    figures.refresh_snapshots(date(2026, 4, 20))
    db.session.commit()
    send(runner, "--force", "kent")
    text, _ = both_parts(kent_email(smtp))
    assert "Compared with the earliest figures the service holds (20 April 2026):" in text
    assert "- Rank: unchanged at 2" in text
    assert "This is the first report" not in text


def test_the_first_report_says_so_only_when_nothing_earlier_exists(smtp, scenario, runner):
    send(runner, "--force", "kent")
    text, html = both_parts(kent_email(smtp))
    line = "This is the first report: the service holds no earlier figures for Kent Police to compare with."
    assert line in text and line in html


def test_the_email_leads_with_the_status_and_what_would_move_it_most(smtp, scenario, runner, create_user):
    from lms.accounts.service import create_user as create

    create("kent.lead@kent.police.invalid", "force_lead", force_code="kent", name="Alex Madeuplead")
    db.session.commit()
    send(runner, "--force", "kent")
    text, html = both_parts(kent_email(smtp))
    for part in (text, html):
        status = part.index("Kent Police: Behind, overdue since 30 April 2026")
        steps = part.index("What would move your figures most")
        lead = part.index("Your force's training lead")
        table = part.index("How Kent Police compares")
        assert status < steps < lead < table
        assert "2 people have not attended a Hydra session" in part
        assert "1 person still needs module 3" in part
        assert "Alex Madeuplead, kent.lead@kent.police.invalid" in part
        assert "3 people have not yet done all the training required of them" in part


def test_the_compact_table_shows_top_five_the_force_and_neighbours_and_bottom_five(smtp, scenario, runner):
    load_wide()  # 15 ranked forces; Kent (62.5%) comes 8th
    send(runner, "--force", "kent")
    message = kent_email(smtp)
    text, html = both_parts(message)
    shown = re.findall(r"^ +(\d+)\. (.+?): ", text, re.MULTILINE)
    assert [int(rank) for rank, _ in shown] == [1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 15]
    assert ("8", "Kent Police") in shown
    assert text.count("... (1 more)") == 2
    assert "28 forces have no roster yet, so are not ranked." in text
    for _, name in shown:
        assert name in html
    compact = message.html[message.html.index("<caption"):]
    compact = compact[:compact.index("</table>")]
    assert compact.count("<tr") == 1 + 13 + 2  # header, 13 forces, two gaps: not 43 rows on a phone
    assert "Lancashire Constabulary" not in text and "Surrey Police" not in text  # 6th and 10th: left out


def test_the_signed_link_in_the_email_opens_the_forces_figures_without_an_account(smtp, scenario, runner, client):
    send(runner)
    text = kent_email(smtp).text
    (url,) = re.findall(r"http://127\.0\.0\.1:5000(/chief/kent/\S+)", text)
    assert url in kent_email(smtp).html
    with time_machine.travel(datetime(2026, 5, 2, 9, 0, tzinfo=LONDON)):
        response = client.get(url)
        other = client.get(url.replace("/chief/kent/", "/chief/essex/"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Kent Police" in page and "Testperson" not in page
    used = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "chief_link.used")).all()
    assert len(used) == 1
    # Each chief's link is their force's: Kent's does not open Essex.
    assert other.status_code == 404
    # 45 days on, the link has expired.
    with time_machine.travel(datetime(2026, 6, 16, 9, 0, tzinfo=LONDON)):
        assert client.get(url).status_code == 410
    (essex_url,) = re.findall(r"http://127\.0\.0\.1:5000(/chief/essex/\S+)", smtp.to("chief@essex.invalid")[0].text)
    assert essex_url.rsplit("/", 1)[1] != url.rsplit("/", 1)[1]


def test_the_attachment_carries_status_change_and_data_quality_columns(smtp, scenario, runner):
    with time_machine.travel(datetime(2026, 4, 1, 7, 0, tzinfo=LONDON)):
        assert runner.invoke(args=["lms", "send-league-tables", "--force", "kent"]).exit_code == 0
    smtp.clear()
    send(runner, "--force", "kent")
    rows = kent_email(smtp).workbook_rows()
    assert rows[2][:4] == ("Figures as of", datetime(2026, 5, 1), "Deadline", datetime(2026, 4, 30))
    header = rows[3]
    by_code = {row[2]: dict(zip(header, row, strict=True)) for row in rows[4:]}
    kent = by_code["kent"]
    # Compared with the table April's emails used (Kent 37.5%, ranked 3).
    assert (kent["Rank before"], kent["Overall % before"], kent["Overall change (points)"]) == (3, 37.5, 25.0)
    assert kent["Status"] == "Behind" and kent["Overdue since"] == datetime(2026, 4, 30)
    assert by_code["cleveland"]["Status"] == "No roster" and by_code["cleveland"]["Rank before"] is None
    assert by_code["cleveland"]["Data quality"] == "No uploads yet"
