"""The chief constable's email on a phone: the HTML part a real SMTP server received, rendered by Chromium at 320 px
wide, scrolls only downwards (no table or word wider than the screen), and passes axe."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.emails.scenarios import load_wide
from tests.support.browser import SCREENSHOTS, format_violations, run_axe
from tests.support.emails import load_scenario, set_chiefs, smtp_fixture  # noqa: F401  (the fixture `smtp`)

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}


def test_the_html_part_fits_a_320_px_screen(app, smtp, runner, browser):
    load_scenario()
    load_wide()
    set_chiefs(kent="chief@kent.invalid")
    with time_machine.travel(datetime(2026, 5, 1, 7, 0, tzinfo=ZoneInfo("Europe/London"))):
        assert runner.invoke(args=["lms", "send-league-tables", "--force", "kent"]).exit_code == 0
    (message,) = smtp.to("chief@kent.invalid")

    context = browser.new_context(viewport=PHONE, java_script_enabled=True, locale="en-GB")
    try:
        page = context.new_page()
        page.set_content(message.html, wait_until="load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "chief-email-320.png"), full_page=True)
        sizes = page.evaluate("""() => ({
            scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
            widest: Math.max(...[...document.querySelectorAll('table, p, li, h1, h2, a')]
                               .map(e => e.getBoundingClientRect().right)),
            height: document.documentElement.scrollHeight})""")
        assert sizes["client"] == 320
        assert sizes["scroll"] <= 320, f"the email scrolls sideways at 320 px: {sizes}"
        assert sizes["widest"] <= 320, f"something is wider than the screen: {sizes}"
        # Shorter than the email with the 43-row table, which was nearly 3,900 px (about 3,050 px here).
        assert sizes["height"] < 3300, sizes
        assert page.get_by_role("heading", level=1).inner_text().startswith("Kent Police: Behind")
        violations = run_axe(page)
        assert not violations, format_violations("the chief constable's email", violations)
    finally:
        context.close()
