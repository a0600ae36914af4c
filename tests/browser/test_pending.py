"""The pending queue in a real browser: Dorset's lead accepts what a Wiltshire register sent, on a desktop and a
phone (axe clean, no sideways scrolling, no CSP or console errors), and the uploader's batch page says only how
many rows went to Dorset."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.support.browser import VIEWPORT, expect, sign_in
from tests.support.files import HYDRA_HEADERS, P, csv_bytes, roster

pytestmark = pytest.mark.browser

DAY = date(2025, 6, 4)
WILTSHIRE = [P("W001", "Rowan", "Ashdown", "manager", force="wiltshire")]
DORSET = [P("D001", "Maximilian-Alexander", "Fotheringham-Wolstenholme", "manager", force="dorset",
            mail="m.fotheringham@dorset.police.invalid"),
          P("D002", "Siobhán", "Ní Mhaoldhomhnaigh", "investigator", force="dorset",
            mail="s.nim@dorset.police.invalid")]
NAMES = {"wiltshire": "Wiltshire Police", "dorset": "Dorset Police"}


def _register() -> bytes:
    people = [*WILTSHIRE, *DORSET, P("D099", "Unlisted", "Delegate", force="dorset")]
    return csv_bytes(HYDRA_HEADERS, [[DAY.strftime("%d/%m/%Y"), "HYD-SW-01", "Devizes learning and development centre",
                                      "Wiltshire Hydra trainer", p.staff, p.first, p.last, p.email, NAMES[p.force],
                                      "Attended"] for p in people])


@pytest.fixture(scope="module")
def sent(live_server):
    """Rosters of both forces, and a register uploaded by Wiltshire's lead with three Dorset delegates."""
    from sqlalchemy import select

    from lms.extensions import db
    from lms.imports.service import run_import
    from lms.models import User

    live_server.commit_import("roster", roster(WILTSHIRE), "wiltshire.csv", "wiltshire")
    live_server.commit_import("roster", roster(DORSET), "dorset.csv", "dorset")
    uploader = live_server.create_user("force_lead", force="wiltshire")
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == uploader))
        outcome = run_import("hydra", _register(), "wiltshire-register.csv", "wiltshire", user)
        db.session.commit()
        assert outcome.summary["sent_to_other_forces"] == {"dorset": 3}
        batch_id = outcome.batch.id
    return {"uploader": uploader, "batch": batch_id, "lead": live_server.create_user("force_lead", force="dorset")}


def fits_a_phone(page, path: str) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    try:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide at 320 px"
    finally:
        page.set_viewport_size(VIEWPORT)


def test_dorsets_lead_accepts_the_lines_a_wiltshire_register_sent(page, sent, journey):
    steps = journey(page, "pending")
    sign_in(page, sent["lead"])
    page.get_by_role("link", name="Pending", exact=True).click()
    page.wait_for_url(re.compile(r"/forces/dorset/pending$"))
    expect(page.get_by_role("heading", level=1, name="Pending records from other forces")).to_be_visible()
    expect(page.get_by_text("Devizes learning and development centre")).to_be_visible()
    steps.check("queue")
    fits_a_phone(page, "/forces/dorset/pending")

    card = page.locator(".govuk-summary-card").filter(has_text="Fotheringham-Wolstenholme")
    card.get_by_role("button", name=re.compile("^Accept")).click()
    expect(page.locator(".govuk-notification-banner, .govuk-error-summary").first).to_contain_text("Accepted 1 line")
    steps.check("accepted-one")

    page.get_by_role("button", name="Accept all 2 lines").click()
    page.wait_for_url(re.compile(r"/pending/accept-all$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to accept all 2 lines?")
    steps.check("accept-all")
    fits_a_phone(page, "/forces/dorset/pending/accept-all")
    page.get_by_role("button", name="Accept all 2 lines").click()
    expect(page.get_by_text("Nothing is waiting.")).to_be_visible()
    steps.check("empty")


def test_the_uploaders_batch_page_says_only_how_many_rows_went_to_dorset(page, sent, journey):
    steps = journey(page, "pending-sender")
    sign_in(page, sent["uploader"])
    page.goto(f"/imports/{sent['batch']}")
    block = page.locator("#sent-to-other-forces")
    expect(block).to_contain_text("3 rows sent to Dorset Police for their lead to accept")
    for p in DORSET:
        expect(page.get_by_text(p.last)).to_have_count(0)
    steps.check("batch")
