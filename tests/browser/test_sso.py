"""Single sign-on in a real browser, through a real OpenID Connect provider on loopback (tests/support/oidc.py).

The provider's own pages are not this service's: what the browser reports on them (their stylesheet comes from a
CDN the test browser cannot reach) is dropped before checking the service's pages with axe.
"""

from __future__ import annotations

import re

import pytest

from lms.accounts import oidc
from tests.support.browser import PASSWORD, expect
from tests.support.oidc import running_provider

pytestmark = pytest.mark.browser

KENT = "kent.police.invalid"


@pytest.fixture(scope="module")
def provider(live_server):
    """The live server with Kent's provider configured for this module only (the rest of the suite has none)."""
    app = live_server.app
    with running_provider() as running:
        app.config["OIDC_PROVIDERS"] = {"kent": running.settings(domains=[KENT], label="Kent Police")}
        oidc.init_app(app)
        try:
            yield running
        finally:
            app.config["OIDC_PROVIDERS"] = {}
            oidc.init_app(app)


def account(live_server, provider, sub: str, role: str = "force_lead", **claims) -> str:
    email = f"{sub}@{KENT}"
    from lms.accounts.service import create_user
    from lms.extensions import db

    with live_server.app.app_context():
        create_user(email, role, password=PASSWORD, force_code="kent" if role == "force_lead" else None)
        db.session.commit()
    provider.set_user(sub, email=email, email_verified=True, **claims)
    return email


def through_the_provider(page, sub: str) -> None:
    """At the provider's page: sign in as `sub` and come back."""
    page.wait_for_url(re.compile(r"/oauth2/authorize"))
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.problems.take()  # the provider's page, not ours


def test_sign_in_with_the_force_account_and_sign_out(page, live_server, provider, journey):
    email = account(live_server, provider, "sso-lead")
    steps = journey(page, "sso")

    page.goto("/sign-in")
    expect(page.get_by_role("button", name="Sign in with Kent Police")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Sign in with a password")).to_be_visible()
    steps.check("sign-in-page-with-provider")

    page.get_by_role("button", name="Sign in with Kent Police").click()
    through_the_provider(page, "sso-lead")
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    assert email in page.locator("main").inner_text()
    steps.check("dashboard")

    page.get_by_role("link", name="Sign out").click()
    expect(page.locator("#signed-in-with")).to_contain_text("You signed in with Kent Police")
    steps.check("sign-out-confirm")
    page.locator("main").get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/sign-in"))
    expect(page.locator("main")).to_contain_text("You have been signed out")
    link = page.get_by_role("link", name="Sign out of Kent Police too")
    assert link.get_attribute("href").startswith(provider.issuer + "/oauth2/end_session?")
    steps.check("signed-out-offering-the-provider")

    page.goto("/")
    assert "/sign-in" in page.url  # the local session really ended


def test_an_unknown_email_is_told_who_to_ask_and_the_focus_goes_to_the_message(page, live_server, provider, journey):
    provider.set_user("sso-stranger", email=f"sso-stranger@{KENT}", email_verified=True)
    steps = journey(page, "sso-unknown")

    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in with Kent Police").click()
    through_the_provider(page, "sso-stranger")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error:")
    expect(summary).to_contain_text(f"There is no account for sso-stranger@{KENT}")
    expect(summary).to_contain_text("Ask your service administrator")
    page.wait_for_function("document.activeElement && document.activeElement.closest('.govuk-error-summary')")
    steps.check("unknown-email")


def test_an_sso_only_account_is_refused_its_password_without_javascript(nojs_page, live_server, provider):
    from lms.extensions import db
    from lms.models import User

    email = account(live_server, provider, "sso-only-lead")
    with live_server.app.app_context():
        db.session.scalar(db.select(User).where(User.email == email)).sso_only = True
        db.session.commit()
    page = nojs_page

    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("single sign-on")

    page.get_by_role("button", name="Sign in with Kent Police").click()
    through_the_provider(page, "sso-only-lead")
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()


def test_the_sign_in_page_reflows_at_320_pixels(page, live_server, provider):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/sign-in")
    expect(page.get_by_role("button", name="Sign in with Kent Police")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_admin_makes_an_account_sso_only_on_its_page(page, live_server, provider, journey):
    admin = live_server.create_user("admin")
    email = account(live_server, provider, "sso-switched")
    steps = journey(page, "sso-admin")
    page.goto("/sign-in")
    page.get_by_label("Email address", exact=True).fill(admin)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()  # not "Sign in with Kent Police"
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/admin/users")
    page.get_by_role("link", name=email).click()
    page.get_by_role("link", name="Change how they sign in").click()
    expect(page.get_by_role("group", name="How may they sign in?")).to_be_visible()
    steps.check("account-sign-in-choice")
    page.get_by_label("With single sign-on only").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#user-summary")).to_contain_text("Single sign-on only")
    steps.check("account-sso-only")
