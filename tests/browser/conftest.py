"""Fixtures of the browser tests: a live server and headless Chromium (tests/support/browser.py)."""

from tests.support.browser import (  # noqa: F401  (fixtures)
    browser,
    context,
    journey,
    live_server,
    nojs_page,
    page,
)
