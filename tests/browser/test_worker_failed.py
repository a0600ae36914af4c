"""A background preview whose worker stopped, in the browser: the progress page stops polling and opens the batch,
which says what happened and offers Try again and Cancel; axe-clean, with and without JavaScript, and no sideways
scroll at 320 px. Try again then previews the file."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.browser import new_context, sign_in, watched_page
from tests.support.files import P, roster

pytestmark = pytest.mark.browser

CODE = "north-wales"


def stop_worker(live_server, batch_id: int) -> None:
    """As if a worker had claimed the batch and been killed an hour ago."""
    from sqlalchemy import update

    from lms.extensions import db
    from lms.imports import worker
    from lms.models import ImportBatch, utcnow

    with live_server.app.app_context():
        assert worker.claim(batch_id) is not None
        db.session.execute(update(ImportBatch).where(ImportBatch.id == batch_id)
                           .values(heartbeat_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
        db.session.remove()


def test_a_failed_preview_says_so_and_can_be_tried_again(browser, page, live_server, journey):
    email = live_server.create_user("force_lead", force=CODE)
    data = roster([P(f"G{i:05}", f"Fore{i}", f"Sur{i}", force=CODE) for i in range(4000)])
    batch_id = live_server.hold_background_preview("roster", data, "gwent-roster.csv", CODE, email)
    steps = journey(page, "failed-preview")
    sign_in(page, email)
    page.goto(f"/imports/{batch_id}")
    assert page.get_by_role("heading", level=1).inner_text() == "Reading your file"

    stop_worker(live_server, batch_id)
    # The page polls, learns the batch failed, stops polling and opens the batch page.
    page.get_by_role("heading", level=1, name=f"Batch {batch_id}: failed").wait_for(timeout=20_000)
    assert "stopped before it finished" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Try again").is_visible()
    assert page.get_by_role("button", name="Cancel").is_visible()
    steps.check("failed")

    phone = new_context(browser, live_server, javascript=False)
    try:
        nojs = watched_page(phone, live_server.url)
        nojs.set_viewport_size({"width": 320, "height": 640})
        sign_in(nojs, email)
        nojs.goto(f"/imports/{batch_id}")
        assert nojs.locator("meta[http-equiv='refresh']").count() == 0  # no more refreshing
        widths = nojs.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1] == 320, f"the failed batch page scrolls sideways at 320 px: {widths}"
        journey(nojs, "failed-preview-no-js", javascript=False).check("failed")
    finally:
        phone.close()

    page.get_by_role("button", name="Try again").click()  # a thread of the server reads it (LMS_IMPORT_WORKER=thread)
    page.get_by_role("heading", level=1, name="Check what this file will change").wait_for(timeout=60_000)
    steps.check("preview")
