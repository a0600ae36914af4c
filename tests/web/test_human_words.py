"""Every page a user reads says things in words: kinds of file, statuses, audit actions, match methods and email
kinds, never the codes the service stores; counts with the right noun ("1 leaver", "2 people"); and every time in
Europe/London with its zone in one format ("1 July 2026, 10:15 BST", GMT in winter).

The pages are rendered with real data: files uploaded, committed and rolled back through the web, as a user would."""

from __future__ import annotations

import html as html_lib
import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from flask import current_app, url_for
from sqlalchemy import select

from lms.emails import common as email_common
from lms.extensions import db
from lms.models import EmailLog, ImportBatch, Person, User
from tests.support.emails import force
from tests.support.files import P, all_modules, hydra, learning, roster

DAY = date(2026, 3, 2)
ADA = P("K001", "Ada", "Quill", "investigator")
STRANGER = P("K999", "Nobody", "Known")  # on no roster: stays unmatched

# Codes that must never reach a reader, and slips of number.
CODES = [r"\bhydra\b", r"college-learn", r"\bimport\.[a-z_]+", r"sign_in\.", r"\brolled_back\b", r"\bstaff_number\b",
         r"\bleague_table\b", r"\bstale_data\b", r"\bpersonal_reminder\b", r"\bforce_lead\b", r"matched by confirmed"]
SLIPS = [r"\b1 (leavers|records|people|rows|emails|events|learners|days|forces|errors)\b", r"\bUTC\b",
         r"\b0?\d{1,2}:\d\d (?!GMT|BST)[A-Z]{3}\b"]


def visible(page: str) -> str:
    """The words a reader sees: no scripts, styles, tags or attribute values."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def upload(client, kind: str, data: bytes, name: str) -> int:
    response = client.post("/upload", data={"kind": kind, "force": "kent", "file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.location.rstrip("/").rsplit("/", 1)[1])


@pytest.fixture
def lived_in(signed_in):
    """Kent with a roster of one, a College Learn export (one matched learner, one unmatched) and a Hydra register
    committed then rolled back; an email log with a sent and a failed email."""
    client, admin = signed_in("admin")
    batches = {}
    for kind, data, name in [("roster", roster([ADA]), "roster.csv"),
                             ("college-learn", learning(all_modules(ADA, DAY) + all_modules(STRANGER, DAY)),
                              "export.xlsx"),
                             ("hydra", hydra([(ADA, DAY, "Attended")]), "register.csv")]:
        batch_id = upload(client, kind, data, name)
        assert client.post(f"/imports/{batch_id}/commit").status_code == 302
        batches[kind] = batch_id
    assert client.post(f"/imports/{batches['hydra']}/rollback").status_code == 302
    # The roster in winter, the export in summer: each time says its own zone.
    db.session.get(ImportBatch, batches["roster"]).created_at = datetime(2026, 1, 15, 9, 43)
    db.session.get(ImportBatch, batches["college-learn"]).created_at = datetime(2026, 7, 1, 9, 15)
    db.session.get(ImportBatch, batches["college-learn"]).committed_at = datetime(2026, 6, 30, 23, 30)  # 00:30 BST
    kent = force("kent")
    db.session.add_all([
        EmailLog(kind=email_common.LEAGUE_TABLE, period="2026-05", recipient="chief@kent.police.invalid",
                 force_id=kent.id, status="sent", attempts=1, created_at=datetime(2026, 5, 1, 6, 0),
                 sent_at=datetime(2026, 5, 1, 6, 0)),
        EmailLog(kind=email_common.STALE_DATA, period="2026-W18", recipient="lead@kent.police.invalid",
                 force_id=kent.id, status="failed", attempts=1, error="421 try later",
                 created_at=datetime(2026, 4, 27, 7, 0)),
    ])
    db.session.commit()
    person = db.session.scalar(select(Person).where(Person.staff_number == "K001"))
    # A lead's decision: the stranger's records confirmed as Ada's, so the decisions page has one to list.
    queue = client.get("/forces/kent/unmatched").get_data(as_text=True)
    key = html_lib.unescape(re.search(r'name="identity_key" value="([^"]+)"', queue).group(1))
    confirmed = client.post("/forces/kent/unmatched", data={"identity_key": key, "person_id": str(person.id)})
    assert confirmed.status_code == 302, confirmed.get_data(as_text=True)[:2000]
    return client, batches, person


# Not pages a person reads: downloads, JSON, the sign-in flow, a chief constable's signed link, actions that need a
# decision or a token to exist. Every other GET route is visited, so a new page is checked without being listed.
SKIPPED = re.compile(r"\.(csv|xlsx|json)$|^/api/|^/assets/|^/static/|^/sign-|^/chief/|/progress$|/undo$|/revoke$")


def pages(app, batches: dict, person: Person, admin_id: int) -> list[str]:
    """Every GET page of the service, with Kent, its batches, a person on its roster and the admin filled in."""
    values = {"code": "kent", "person_id": person.id, "slug": "eastern", "user_id": admin_id,
              "category": "frontline", "job_id": "league_tables"}
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or SKIPPED.search(rule.rule) or not set(rule.arguments) <= {*values, "batch_id"}:
            continue
        args = {name: values[name] for name in rule.arguments if name != "batch_id"}
        if rule.endpoint == "forces.requirement_edit":
            args["code"] = "M1"
        with app.test_request_context():
            if "batch_id" in rule.arguments:
                paths += [url_for(rule.endpoint, batch_id=b, **args) for b in batches.values()]
            else:
                paths.append(url_for(rule.endpoint, **args))
    return paths + ["/admin/emails/send?kind=league_tables", "/admin/emails/preview?force=kent"]


def test_no_page_shows_a_code_or_a_slip_of_number(app, lived_in):
    client, batches, person = lived_in
    admin_id = db.session.scalar(select(User.id).where(User.role == "admin"))
    found, read = {}, 0
    for path in pages(app, batches, person, admin_id):
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue  # a redirect (a batch with nothing to map), or a page only some data has
        read += 1
        page = response.get_data(as_text=True)
        if path.startswith("/help/"):  # the help pages show the commands people type: codes in <code> are meant
            page = re.sub(r"<code\b.*?</code>", " ", page, flags=re.S)
        hits = [m.group(0) for pattern in CODES + SLIPS for m in re.finditer(pattern, visible(page))]
        if hits:
            found[path] = hits
    assert read >= 40 and found == {}


def test_kinds_statuses_and_actions_are_in_words(lived_in):
    client, batches, person = lived_in

    history = visible(client.get("/forces/kent/imports").get_data(as_text=True))
    audit = visible(client.get("/admin/audit").get_data(as_text=True))

    assert "Roster" in history and "College Learn export" in history and "Hydra register" in history
    assert "Rolled back" in history and "Committed" in history
    assert "Import committed" in audit and "Import rolled back" in audit and "Import previewed" in audit
    assert re.search(r"Kind ?: College Learn export", audit) and re.search(r"Kind ?: Hydra register", audit)


def test_the_person_page_says_how_each_record_was_matched(lived_in):
    client, _, person = lived_in

    text = visible(client.get(f"/forces/kent/people/{person.id}").get_data(as_text=True))

    assert "matched by staff number" in text and "confirmed by a lead" in text and "staff_number" not in text
    assert "uploaded 1 July 2026" in text  # the day in London: 23:30 UTC on 30 June is 00:30 BST on 1 July


def test_times_are_london_time_with_the_zone_in_one_format(lived_in):
    client, batches, _ = lived_in

    history = visible(client.get("/forces/kent/imports").get_data(as_text=True))
    emails = visible(client.get("/admin/emails").get_data(as_text=True))

    assert "15 January 2026, 09:43 GMT" in history  # winter: GMT, the same as UTC
    assert "1 July 2026, 10:15 BST" in history  # summer: an hour ahead of the stored 09:15 UTC
    assert "1 May 2026, 07:00 BST" in emails and "27 April 2026, 08:00 BST" in emails
    rollback = visible(client.get(f"/imports/{batches['roster']}/rollback").get_data(as_text=True))
    assert "uploaded 15 January 2026, 09:43 GMT" in rollback


def test_counts_meet_their_nouns(lived_in):
    client, _, _ = lived_in

    audit = visible(client.get("/admin/audit", query_string={"action": "import.rolled_back"}).get_data(as_text=True))
    emails = visible(client.get("/admin/emails", query_string={"status": "failed"}).get_data(as_text=True))

    assert "Showing 1 of 1 event" in audit and "Download this event as CSV" in audit
    assert "Showing 1 of 1 email" in emails and "Download this email as CSV" in emails


def test_the_email_preview_text_wraps_instead_of_scrolling(lived_in):
    client, _, _ = lived_in

    page = client.get("/admin/emails/preview", query_string={"force": "kent"}).get_data(as_text=True)

    pre = re.search(r"<pre [^>]*id=\"email-text\"[^>]*>", page).group(0)
    assert "lms-pre--wrap" in pre
    before = page[:page.index(pre)]
    assert not before.rstrip().endswith('role="region" aria-labelledby="email-text-heading">')  # no scrolling box
    css = (Path(current_app.static_folder) / "app.css").read_text()
    assert re.search(r"\bpre\b[^{]*\{[^}]*white-space:\s*pre-wrap", css)


@pytest.mark.parametrize(("first", "last", "total", "noun", "expected"), [
    (1, 50, 312, "event", "Showing 1–50 of 312 events"),
    (301, 312, 312, "event", "Showing 301–312 of 312 events"),
    (1, 1, 1, "email", "Showing 1 of 1 email"),
    (1, 2, 2, "person", "Showing 1–2 of 2 people"),
    (0, 0, 0, "leaver", "No leavers"),
    (1, 50, 1200, "record", "Showing 1–50 of 1,200 records"),
])
def test_showing_says_which_rows_a_page_holds(first, last, total, noun, expected):
    from lms.core.text import showing

    assert showing(first, last, total, noun) == expected


@pytest.mark.parametrize(("page", "pages", "expected"), [
    (1, 1, [1]),
    (1, 3, [1, 2, 3]),
    (1, 7, [1, 2, None, 7]),
    (4, 7, [1, None, 3, 4, 5, None, 7]),
    (7, 7, [1, None, 6, 7]),
    (3, 7, [1, 2, 3, 4, None, 7]),
])
def test_pagination_shows_the_ends_and_the_neighbours(page, pages, expected):
    from lms.core.paging import Paging

    assert Paging.of(page, pages * 50).numbers() == expected


@pytest.mark.parametrize(("period", "expected"), [
    ("2026-05", "May 2026"), ("2026-W18", "Week of 27 April 2026"), ("2026-W01", "Week of 29 December 2025"),
    ("someday", "someday"),
])
def test_email_periods_in_words(period, expected):
    from lms.core.text import period_label

    assert period_label(period) == expected
