"""MSOICU reads the league table and downloads it; an admin sets a chief constable's address and previews the
monthly email. Real browser, axe on every page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.support.browser import expect, sign_in, summary_value
from tests.support.files import P, all_modules, learning, roster

pytestmark = pytest.mark.browser

DAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def league_data(live_server):
    """Two forces with committed figures: Gwent 3 of 4 overall (75.0%), Dyfed-Powys 1 of 4 (25.0%)."""
    figures = {}
    for code, name, done in (("gwent", "Gwent Police", 3), ("dyfed-powys", "Dyfed-Powys Police", 1)):
        people = [P(f"{code[:2].upper()}{i:03}", f"Name{i}", f"Person{i}", force=code) for i in range(4)]
        live_server.commit_import("roster", roster(people), f"{code}-roster.csv", code)
        entries = [e for p in people[:done] for e in all_modules(p, DAY)]
        data = learning(entries)
        live_server.commit_import("college-learn", data, f"{code}-learn.xlsx", code)
        figures[code] = (name, done, 4)
    return figures


def row_of(page, code: str):
    return page.locator(f"#league-table tbody tr[data-code='{code}']")


def test_national_user_reads_the_league_table_and_downloads_it(page, live_server, journey, league_data, tmp_path):
    email = live_server.create_user("national")
    steps = journey(page, "national")

    sign_in(page, email)
    steps.check("dashboard")
    page.get_by_role("link", name="League table").first.click()
    expect(page.get_by_role("heading", level=1, name=re.compile("league table", re.I))).to_be_visible()
    table = page.locator("#league-table")
    assert table.locator("tbody tr").count() == 43
    for code, (name, done, relevant) in league_data.items():
        text = " ".join(row_of(page, code).inner_text().split())
        assert name in text and f"{done} of {relevant}" in text, text
    # Gwent (75%) ranks above Dyfed-Powys (25%).
    codes = table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.code)")
    assert codes.index("gwent") < codes.index("dyfed-powys")
    steps.check("league-table")

    # A date with a mistake: the error summary, linked to the field.
    dates = page.get_by_role("group", name="Figures as of")
    dates.get_by_label("Day").fill("31")
    dates.get_by_label("Month").fill("2")
    dates.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Figures as of must be a real date")
    steps.check("league-table-date-error")
    page.goto("/league-table")

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"spreadsheet \(\.xlsx\)")).click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    wb = load_workbook(saved, read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    header_at = next(i for i, r in enumerate(rows) if r and "Force" in r and "Rank" in r)
    header = rows[header_at]
    body = [dict(zip(header, r, strict=False)) for r in rows[header_at + 1:] if any(v is not None for v in r)]
    assert len(body) == 43
    by_name = {r["Force"]: r for r in body}
    for _code, (name, done, relevant) in league_data.items():
        assert by_name[name]["Overall complete"] == done and by_name[name]["Overall relevant"] == relevant
        assert float(by_name[name]["Overall %"]) == pytest.approx(100 * done / relevant)

    # A force's page as MSOICU sees it: figures, never people.
    row_of(page, "gwent").get_by_role("link", name="Gwent Police").click()
    expect(page.get_by_role("heading", level=1, name="Gwent Police")).to_be_visible()
    assert page.get_by_role("heading", name="People").count() == 0
    steps.check("force-page")


def test_admin_sets_a_chief_constable_and_previews_the_monthly_email(page, live_server, journey, league_data,
                                                                     tmp_path):
    email = live_server.create_user("admin")
    chief = "chief.constable@gwent.police.invalid"
    steps = journey(page, "admin")
    sign_in(page, email)

    page.goto("/admin/forces")
    expect(page.get_by_role("heading", level=1, name="Forces")).to_be_visible()
    steps.check("forces")
    page.locator("#forces tr[data-force='gwent']").get_by_role("link", name=re.compile("Change")).click()
    expect(page.get_by_role("heading", level=1, name="Gwent Police")).to_be_visible()
    steps.check("force-settings")
    # A malformed address first: the GOV.UK error summary, focused.
    page.get_by_label("Chief constable's email address").fill("not an address")
    page.get_by_role("button", name="Save").click()
    page.locator(".govuk-error-summary").wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.closest('.govuk-error-summary')")
    steps.check("force-settings-error")
    page.get_by_label("Chief constable's name").fill("Pat Example")
    page.get_by_label("Chief constable's email address").fill(chief)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/admin/forces$"))
    assert chief in page.locator("#forces tr[data-force='gwent']").inner_text()
    steps.check("forces-saved")

    page.goto("/admin/emails/preview")
    expect(page.get_by_role("heading", level=1, name=re.compile("Preview"))).to_be_visible()
    steps.check("email-preview-choose")
    page.get_by_label("Force", exact=True).select_option("gwent")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_url(re.compile(r"force=gwent"))
    assert chief in summary_value(page, "To")
    assert "Gwent" in summary_value(page, "Subject")
    text = page.locator("#email-text").inner_text()
    assert "Gwent Police" in text and "75.0%" in text
    steps.check("email-preview")

    # The attachment the email would carry: a real link, a real .xlsx with the national table.
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"\.xlsx$")).click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    wb = load_workbook(saved, read_only=True)
    cells = [v for row in wb.worksheets[0].iter_rows(values_only=True) for v in row if v is not None]
    wb.close()
    assert "Gwent Police" in cells and "Dyfed-Powys Police" in cells

    # The HTML part as the chief constable's mail client would show it.
    page.get_by_role("link", name="Open the HTML version").click()
    page.wait_for_url(re.compile(r"/email\.html"))
    assert "Gwent Police" in page.locator("body").inner_text()
    steps.check("email-html")
