"""MSOICU's national page in a real browser: axe-clean, no sideways scroll at 320 px, and its print layout fits A4
(navigation gone, nothing wider than the printable width, charts with their tables)."""

from __future__ import annotations

import pytest

from tests.support.browser import SCREENSHOTS, expect, sign_in
from tests.support.files import P, all_modules, learning, roster

pytestmark = pytest.mark.browser

A4_PRINTABLE = 703  # 210 mm less the print stylesheet's 12 mm margins, at 96 px an inch


@pytest.fixture(scope="module")
def national_data(live_server):
    """Two forces with committed figures, so the page has numbers in every section."""
    from datetime import date

    for code, done in (("cleveland", 3), ("durham", 1)):
        people = [P(f"{code[:2].upper()}N{i:03}", f"Name{i}", f"Person{i}", force=code) for i in range(4)]
        live_server.commit_import("roster", roster(people), f"{code}-roster.csv", code)
        entries = [e for p in people[:done] for e in all_modules(p, date(2025, 6, 1))]
        live_server.commit_import("college-learn", learning(entries), f"{code}-learn.xlsx", code)


def widths(page) -> dict:
    """The page's scroll width, its viewport, and the right edge of its widest content (and what that is)."""
    return page.evaluate("""() => {
        const items = [...document.querySelectorAll('main table, main svg, main p, main dl, main td, main th')];
        const widest = items.reduce((a, e) => e.getBoundingClientRect().right > a.right
            ? {right: e.getBoundingClientRect().right, what: e.tagName + '#' + (e.id || e.closest('[id]')?.id)} : a,
            {right: 0, what: ''});
        return {scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
                widest: widest.right, what: widest.what};
    }""")


def test_national_page_is_accessible_reflows_and_prints_on_a4(page, live_server, journey, national_data):
    email = live_server.create_user("national")
    steps = journey(page, "national-picture")
    sign_in(page, email)
    page.goto("/national")
    expect(page.get_by_role("heading", level=1, name="National picture")).to_be_visible()
    overall = page.locator("#national-figures [data-package='overall']").inner_text()
    # The live server is shared with other browser tests, so the national figure is every force's, as the API
    # gives them (this module's two forces alone would be 4 of 8).
    forces = page.request.get("/api/v1/league-table").json()["forces"]
    complete = sum(f["overall"]["complete"] for f in forces)
    relevant = sum(f["overall"]["relevant"] for f in forces)
    assert relevant >= 8 and complete >= 4
    assert f"{complete:,} of {relevant:,} people" in overall
    for table in ("#by-status", "#trend-table", "#module-table", "#region-table"):
        expect(page.locator(table)).to_be_visible()
    assert page.locator("svg.lms-chart").count() == 3  # trend, modules, regions: each with its table
    steps.check("national")

    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    sizes = widths(page)
    assert sizes["scroll"] <= 320, f"sideways scroll at 320 px: {sizes}"
    steps.check("national-320")

    page.set_viewport_size({"width": A4_PRINTABLE, "height": 1000})
    page.emulate_media(media="print")
    page.reload()
    assert not page.locator(".govuk-service-navigation").is_visible()
    assert not page.locator(".govuk-footer").is_visible()
    assert not page.locator(".lms-no-print").first.is_visible()
    for table in ("#by-status", "#trend-table", "#module-table", "#region-table"):
        expect(page.locator(table)).to_be_visible()
    sizes = widths(page)
    # Content within the printable width; the page's own width may round up by a pixel.
    assert sizes["widest"] <= A4_PRINTABLE and sizes["scroll"] <= A4_PRINTABLE + 1, sizes
    steps.check("national-print")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(format="A4", path=str(SCREENSHOTS / "national-print.pdf"))
    assert pdf.startswith(b"%PDF")
