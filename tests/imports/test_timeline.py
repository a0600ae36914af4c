"""A batch's life on its page (MOJ timeline): uploaded, previewed, committed, rolled back, with who and when."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

from lms.core.clock import local_time
from lms.imports.service import commit_preview, get_batch, rollback, run_import
from lms.imports.timeline import batch_timeline
from tests.support.files import P, roster

PEOPLE = [P("K001", "Ava", "Stone"), P("K002", "Ben", "Marsh", "investigator")]


def upload(client, data: bytes, name: str):
    return client.post("/upload", data={"kind": "roster", "force": "kent", "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def history_of(page: str) -> list[tuple[str, str]]:
    """(title, byline) of each timeline item, in page order."""
    timeline = page[page.index('class="moj-timeline"'):]
    titles = re.findall(r'class="moj-timeline__title">([^<]+)<', timeline)
    bylines = re.findall(r'class="moj-timeline__byline">by ([^<]+)<', timeline)
    return list(zip(titles, bylines, strict=True))


def test_a_batch_life_newest_first_with_who_did_each_step(app, db, create_user):
    lead = create_user("force_lead", email="lead.one@example.invalid", force="kent")
    admin = create_user("admin", email="admin.one@example.invalid")
    outcome = run_import("roster", roster(PEOPLE), "roster.csv", "kent", lead, mode="preview")
    batch = get_batch(outcome.batch.id, lead)
    commit_preview(batch, lead)
    rollback(batch, admin)
    db.session.commit()

    steps = batch_timeline(batch)
    assert [(s.title, s.by) for s in steps] == [
        ("Rolled back", "admin.one@example.invalid"),
        ("Committed", "lead.one@example.invalid"),
        ("Previewed", "lead.one@example.invalid"),
        ("Uploaded", "lead.one@example.invalid"),
    ]
    assert all(later.when >= earlier.when for later, earlier in zip(steps, steps[1:], strict=False))


def test_a_file_committed_by_the_command_line_says_the_service_uploaded_it(app, db):
    outcome = run_import("roster", roster(PEOPLE), "roster.csv", "kent", None)
    db.session.commit()
    steps = batch_timeline(outcome.batch)
    assert [(s.title, s.by) for s in steps] == [("Committed", "the service"), ("Uploaded", "the service")]


def test_a_refused_file_shows_it_was_refused(app, db, create_user):
    lead = create_user("force_lead", email="lead.two@example.invalid", force="kent")
    outcome = run_import("roster", b"not a spreadsheet at all", "roster.xlsx", "kent", lead)
    db.session.commit()
    assert outcome.refused
    assert [s.title for s in batch_timeline(outcome.batch)] == ["Refused", "Uploaded"]


def test_the_batch_page_shows_the_history_in_local_time(signed_in):
    client, lead = signed_in("force_lead", force="kent")
    response = upload(client, roster(PEOPLE), "roster.csv")
    assert response.status_code == 302
    batch_id = int(response.location.rsplit("/", 1)[1])
    client.post(f"/imports/{batch_id}/commit")
    page = client.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert "This file&#39;s history" in page or "This file's history" in page
    assert history_of(page) == [("Committed", lead.email), ("Previewed", lead.email), ("Uploaded", lead.email)]
    # Each time is written in words in the service's zone, with a machine-readable UTC time beside it.
    stamps = re.findall(r'<time datetime="([^"]+)Z">([^<]+)</time>', page)
    assert len(stamps) == 3
    for iso, words in stamps:
        moment = datetime.fromisoformat(iso)
        assert abs(moment - datetime.utcnow()) < timedelta(minutes=5)
        assert words == local_time(moment)
