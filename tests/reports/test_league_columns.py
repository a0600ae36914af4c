"""The league table and region pages: a few columns by default, every column on request (a link that needs no
script and stays in the address), sortable headings, and the rank order with or without JavaScript."""

from __future__ import annotations

import re

from tests.support.reports import SECRET_NAME


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def headings(html: str, table_id: str) -> list[str]:
    table = re.search(rf'id="{table_id}".*?</thead>', html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S)]


def row(html: str, code: str) -> str:
    return re.search(rf'<tr class="govuk-table__row" data-code="{code}">.*?</tr>', html, re.S).group(0)


def test_league_table_shows_five_columns_by_default(signed_in, kent):
    client, _ = signed_in("national")
    html = page_of(client, "/league-table")
    assert headings(html, "league-table") == ["Rank", "Force", "Overall", "Status", "Change"]
    kent_row = row(html, "kent")
    # Overall 2 of 5 relevant people, 3 of them overdue after the deadline; the region beneath the force's name.
    assert "40.0%" in kent_row and "2 of 5, 3 overdue" in kent_row
    assert "Far behind" in kent_row and 'href="/regions/eastern"' in kent_row and 'href="/forces/kent"' in kent_row
    assert "data warning" in kent_row  # 1 unmatched record of 17 is flagged; the flag itself is on the force page
    # The details are behind the force's page and the "all columns" view, not in the default row.
    assert "66.7%" not in kent_row and "unmatched record" not in kent_row and "Roster:" not in kent_row
    assert 'href="/league-table?columns=all"' in html and "Show all columns" in html
    assert SECRET_NAME not in html


def test_show_all_columns_is_a_link_and_stays_in_the_address(signed_in, kent, today):
    client, _ = signed_in("national")
    html = page_of(client, "/league-table?columns=all")
    assert headings(html, "league-table") == ["Rank", "Force", "Region", "E-learning", "Hydra", "Overall", "Status",
                                              "Change", "Last uploads", "Data quality"]
    kent_row = row(html, "kent")
    assert "50.0%" in kent_row and "2 of 4" in kent_row and "66.7%" in kent_row and "2 of 3" in kent_row
    assert "1 unmatched record (6% of records)" in kent_row and today.strftime("%-d %b %Y") in kent_row
    assert "Show fewer columns" in html and 'href="/league-table"' in html
    # The date form keeps the choice, and so does the columns link for an earlier date.
    assert '<input type="hidden" name="columns" value="all">' in html
    earlier = page_of(client, "/league-table?as_of=2026-05-31")
    assert 'href="/league-table?columns=all&amp;as_of=2026-05-31"' in earlier
    assert "0 of 5" in row(earlier, "kent")
    # Anything else is the default view.
    assert headings(page_of(client, "/league-table?columns=everything"), "league-table")[-1] == "Change"


def test_league_table_is_sortable_and_in_rank_order_without_script(signed_in, kent):
    client, _ = signed_in("national")
    html = page_of(client, "/league-table")
    assert 'data-module="moj-sortable-table"' in html
    head = re.search(r'id="league-table".*?</thead>', html, re.S).group(0)
    assert re.search(r'aria-sort="ascending" data-column="rank"', head)
    assert head.count('aria-sort="none"') == 4  # force, overall, status, change
    codes = re.findall(r'<tr class="govuk-table__row" data-code="([^"]+)"', html)
    api = client.get("/api/v1/league-table").get_json()["forces"]
    assert codes == [f["code"] for f in api]  # the API's rank order, unranked forces last
    assert len(codes) == 43
    # The cells sort by number, unranked and no-data forces last.
    kent_row = row(html, "kent")
    kent_rank = next(f["rank"] for f in api if f["code"] == "kent")
    assert f'data-label="Rank" data-sort-value="{kent_rank}"' in kent_row
    assert 'data-label="Overall" data-sort-value="40.0"' in kent_row
    assert 'data-label="Rank" data-sort-value="1000"' in row(html, "durham")  # no roster: unranked


def test_region_page_has_the_same_columns_choice(signed_in, kent):
    client, _ = signed_in("national")
    html = page_of(client, "/regions/eastern")
    assert headings(html, "region-table") == ["Rank", "Force", "Overall", "Status", "Change"]
    assert 'href="/regions/eastern?columns=all"' in html
    everything = page_of(client, "/regions/eastern?columns=all")
    assert "Last uploads" in headings(everything, "region-table")
    assert "No College Learn upload" in row(everything, "essex")
