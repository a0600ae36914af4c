"""Signing in and out in a real browser; the error summary takes the focus."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import PASSWORD, expect, sign_in

pytestmark = pytest.mark.browser


def test_sign_in_and_sign_out(page, live_server, journey):
    email = live_server.create_user("force_lead", force="kent")
    steps = journey(page, "sign-in")

    page.goto("/")
    assert "/sign-in" in page.url  # the dashboard needs a signed-in user
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    steps.check("sign-in-page")

    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    assert email in page.locator("main").inner_text()
    assert page.locator("main table").count() >= 1
    steps.check("dashboard")

    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign out")).to_be_visible()
    steps.check("sign-out-confirm")
    page.locator("main").get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/sign-in"))
    expect(page.locator("main")).to_contain_text("You have been signed out")
    steps.check("signed-out")

    page.goto("/")
    assert "/sign-in" in page.url  # the session really ended


def test_a_bad_sign_in_moves_focus_to_the_error_summary(page, live_server, journey):
    email = live_server.create_user("national")
    steps = journey(page, "sign-in-errors")

    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error:")
    page.wait_for_function("document.activeElement && document.activeElement.closest('.govuk-error-summary')")
    assert page.evaluate("!!document.activeElement.closest('.govuk-error-summary')")
    steps.check("wrong-password")

    # An empty form: each error links to its field, and following the link puts the focus in that field.
    page.get_by_label("Email address", exact=True).fill("")
    page.get_by_label("Password", exact=True).fill("")
    page.get_by_role("button", name="Sign in").click()
    links = summary.locator("a")
    expect(links).to_have_count(2)  # the same address, so wait for the new page's summary
    page.wait_for_function("document.activeElement && document.activeElement.closest('.govuk-error-summary')")
    assert page.title().startswith("Error:")
    assert page.locator(".govuk-error-message").count() == 2  # inline errors beside the fields too
    steps.check("empty-form")
    links.first.click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'email'")

    sign_in(page, email)
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
