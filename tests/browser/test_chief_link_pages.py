"""The pages around a chief constable's link in a real browser, axe on each: the chief's read-only page (no account,
no JavaScript needed, 320 px without sideways scroll), a refused link, and the admin's links, no-lead and
publish-check pages."""

from __future__ import annotations

import pytest

from tests.support.browser import expect, sign_in

pytestmark = pytest.mark.browser


def issue(live_server, code: str) -> str:
    from lms.briefings import links
    from lms.extensions import db
    from lms.forces.service import get_force

    with live_server.app.app_context():
        link = links.issue_link(get_force(code))
        db.session.commit()
        return f"/chief/{code}/{links.token_of(link)}"


def test_a_chief_constable_reads_their_page_without_an_account(page, nojs_page, live_server, journey):
    path = issue(live_server, "warwickshire")
    steps = journey(page, "chief-link")
    page.goto(path)
    expect(page.get_by_role("heading", level=1, name="Warwickshire Police")).to_be_visible()
    expect(page.locator("#national-table tbody tr")).to_have_count(43)
    steps.check("chief-page")
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    steps.check("chief-page-320")

    page.goto(path[:-3] + "xyz")
    expect(page.get_by_role("heading", level=1, name="This link does not work")).to_be_visible()
    steps.check("chief-refused")

    nojs_page.goto(path)
    expect(nojs_page.get_by_role("heading", level=1, name="Warwickshire Police")).to_be_visible()


def test_admin_pages_for_links_no_leads_and_publishing(page, live_server, journey):
    issue(live_server, "staffordshire")
    email = live_server.create_user("admin")
    steps = journey(page, "chief-link-admin")
    sign_in(page, email)
    page.goto("/admin/chief-links")
    expect(page.get_by_role("heading", level=1, name="Chief constables' links")).to_be_visible()
    steps.check("links")
    row = page.locator("#links tbody tr", has_text="Staffordshire Police").first
    row.get_by_role("button", name="Withdraw").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("no longer opens")
    steps.check("links-withdrawn")

    page.goto("/admin/forces-without-leads")
    expect(page.get_by_role("heading", level=1, name="Forces with no lead account")).to_be_visible()
    steps.check("no-leads")

    page.goto("/publish")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="Check before you publish")).to_be_visible()
    steps.check("publish-check")
