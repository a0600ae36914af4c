"""The audit log as an admin reads it: actions in words, the MOJ filter layout with removable filters, GOV.UK
pagination, batches and people linked, and the filtered events as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from lms.audit.service import record
from lms.models import Force
from tests.support.emails import add_batch, add_person, force


def add(db, action: str, at: datetime, *, actor: str | None = "someone@example.invalid", force_code: str | None = None,
        target: str | None = None, **details):
    force_id = db.session.scalar(select(Force.id).where(Force.code == force_code)) if force_code else None
    event = record(action, None, actor=actor, force_id=force_id, target=target, **details)
    event.at = at  # stored naive UTC
    db.session.commit()
    return event


def page(client, path: str = "/admin/audit", **args) -> str:
    response = client.get(path, query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return response.get_data(as_text=True)


def row_of(html: str, event) -> str:
    return re.search(rf'data-event="{event.id}">.*?</tr>', html, re.S).group(0)


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


@pytest.fixture
def events(db):
    kent = force("kent")
    roster = add_batch(kent, "roster", datetime(2026, 1, 5, 9, 0))
    person = add_person(kent, roster, "Ada", "Quill")
    db.session.commit()
    return {
        "committed": add(db, "import.committed", datetime(2026, 1, 5, 9, 43), actor="lead@kent.police.invalid",
                         force_code="kent", target=f"batch {roster.id}", kind="roster", rows=12),
        "confirmed": add(db, "unmatched.confirmed", datetime(2026, 7, 1, 8, 15), actor="lead@kent.police.invalid",
                         force_code="kent", target=f"person {person.id}", records=1),
        "gone": add(db, "import.rolled_back", datetime(2026, 7, 2, 10, 0), actor="lead@kent.police.invalid",
                    force_code="kent", target="batch 987654", kind="hydra"),
        "formula": add(db, "force.updated", datetime(2026, 7, 3, 11, 0), actor="=HYPERLINK(\"x\")@example.invalid",
                       force_code="essex", target="essex", note="+SUM(A1)"),
        "roster": roster, "person": person,
    }


def test_actions_read_as_words_and_the_filter_offers_words(signed_in, events):
    client, _ = signed_in("admin")

    html = page(client)

    assert "Import committed" in row_of(html, events["committed"])
    assert "Unmatched records confirmed" in row_of(html, events["confirmed"])
    assert '<option value="import.committed">Import committed</option>' in html
    assert '<option value="sign_in.succeeded">Signed in</option>' in html
    table = html.split('id="audit"', 1)[1]
    assert "import.committed" not in table and "sign_in.succeeded" not in table and "unmatched.confirmed" not in table


def test_times_are_london_time_with_the_zone_gmt_in_winter_bst_in_summer(signed_in, events):
    client, _ = signed_in("admin")

    html = page(client)

    assert "5 January 2026, 09:43 GMT" in row_of(html, events["committed"])
    assert "1 July 2026, 09:15 BST" in row_of(html, events["confirmed"])  # 08:15 UTC
    assert "UTC" not in html.split('id="audit"', 1)[1]


def test_batches_and_people_are_links_when_they_exist(signed_in, events):
    client, _ = signed_in("admin")

    html = page(client)

    batch_id, person = events["roster"].id, events["person"]
    assert f'href="/imports/{batch_id}">Batch {batch_id}</a>' in row_of(html, events["committed"])
    assert f'href="/forces/kent/people/{person.id}">Person {person.id}</a>' in row_of(html, events["confirmed"])
    gone = row_of(html, events["gone"])
    assert "batch 987654" in gone and "/imports/987654" not in gone  # a batch that is not there: text, no link
    assert client.get(f"/forces/kent/people/{person.id}").status_code == 200


def test_selected_filters_are_listed_and_each_can_be_removed(signed_in, events):
    client, _ = signed_in("admin")

    html = page(client, action="import.committed", force="kent", date_from="2026-01-01")

    selected = re.search(r'id="selected-filters".*?<div class="moj-filter__options">', html, re.S).group(0)
    assert "Import committed" in selected and "Kent Police" in selected and "1 January 2026" in selected
    assert 'href="/admin/audit?force=kent&amp;date_from=2026-01-01"' in selected  # removes the action only
    assert 'href="/admin/audit?action=import.committed&amp;date_from=2026-01-01"' in selected
    assert 'href="/admin/audit">Clear filters</a>' in selected
    assert "Showing 1 of 1 event." in html
    assert "moj-filter-layout" in html and 'method="get"' in html
    assert 'id="selected-filters"' not in page(client)  # nothing chosen, nothing listed


def test_pagination_numbers_the_pages_with_gaps(signed_in, db):
    client, _ = signed_in("admin")
    for n in range(260):
        add(db, "test.event", datetime(2026, 3, 1, 10, n // 60, n % 60), target=f"t{n}")

    html = page(client, action="test.event", page=3)

    nav = re.search(r'<nav class="govuk-pagination.*?</nav>', html, re.S).group(0)
    numbers = re.findall(r'aria-label="Page (\d+)"', nav)
    assert numbers == ["1", "2", "3", "4", "6"] and "govuk-pagination__item--ellipsis" in nav
    assert 'aria-current="page"' in nav.split('aria-label="Page 3"')[1][:40]
    assert 'href="/admin/audit?page=2&amp;action=test.event" rel="prev"' in nav
    assert 'href="/admin/audit?page=4&amp;action=test.event" rel="next"' in nav
    assert "Showing 101–150 of 260 events" in html
    assert 'aria-label="Pages of the audit log"' in nav


def test_the_csv_holds_every_filtered_event_in_words_and_codes(signed_in, db, events):
    client, _ = signed_in("admin")
    for n in range(60):  # more than a page: the download is not limited to the page shown
        add(db, "import.committed", datetime(2026, 2, 1, 12, n), actor="lead@kent.police.invalid", force_code="kent",
            target=f"batch {n}")

    html = page(client, action="import.committed", force="kent")
    link = re.search(r'href="(/admin/audit\.csv\?[^"]+)"', html).group(1).replace("&amp;", "&")
    rows = csv_rows(client.get(link))

    assert "Download these 61 events as CSV" in html
    assert len(rows) == 61 and {r["Action"] for r in rows} == {"Import committed"}
    assert {r["Action code"] for r in rows} == {"import.committed"} and {r["Force"] for r in rows} == {"Kent Police"}
    oldest = rows[-1]
    assert oldest["When"] == "5 January 2026, 09:43 GMT" and oldest["When (UTC, ISO 8601)"] == "2026-01-05T09:43:00Z"
    assert oldest["Details"] == "Kind: Roster; Rows: 12"  # in words, as on the page
    assert rows[0]["When"] == "1 February 2026, 12:59 GMT"  # newest first, as on the page


def test_the_csv_is_safe_against_formula_injection(signed_in, events):
    client, _ = signed_in("admin")

    rows = csv_rows(client.get("/admin/audit.csv", query_string={"force": "essex"}))

    assert [r["Who"] for r in rows] == ["'=HYPERLINK(\"x\")@example.invalid"]
    assert rows[0]["Details"] == "Note: +SUM(A1)"  # not at the start of the cell: a spreadsheet reads it as text
    response = client.get("/admin/audit.csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="oic-audit-log-')


def test_only_admins_may_download_the_log(signed_in, client, events):
    assert client.get("/admin/audit.csv").status_code == 302  # to the sign-in page
    lead, _ = signed_in("force_lead")
    assert lead.get("/admin/audit.csv").status_code == 403


def test_what_an_event_acted_on_reads_as_words(signed_in, db):
    client, _ = signed_in("admin")
    sent = add(db, "emails.sent", datetime(2026, 5, 1, 6, 0), actor="scheduler", target="league_table 2026-05",
               kind="league_table", period="2026-05", sent=43)
    schedule = add(db, "schedule.changed", datetime(2026, 5, 2, 6, 0), target="retry_failed")

    html = page(client)

    row = row_of(html, sent)
    assert "Emails sent" in row and "League table to chief constable, May 2026" in row
    assert "Kind</span>: League table to chief constable" in row and "league_table" not in row
    assert "Retry failed" in row_of(html, schedule) and "retry_failed" not in row_of(html, schedule)
