"""League table, region, force, people and "why" pages: content, navigation for each role, and role isolation.

Data goes in through the real import pipeline (run_import) from small CSV files.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from lms.models import Force, Person
from tests.support.reports import CL_HEAD, SECRET_NAME, TITLES, person_id, upload


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def nav_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav aria-label="Menu".*?</nav>', html, re.S).group(0)
    return {text.strip(): href for href, text in re.findall(r'<a class="govuk-service-navigation__link" '
                                                            r'href="([^"]+)"[^>]*>\s*([^<]+?)\s*</a>', nav)}


def links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


# --- figures on the pages ----------------------------------------------------------------------------------------


def test_league_table_shows_counts_percent_rag_uploads_and_flags(signed_in, kent, today):
    client, _ = signed_in("national")
    html = html_of(client.get("/league-table?columns=all"))
    row = re.search(r'<tr class="govuk-table__row" data-code="kent">.*?</tr>', html, re.S).group(0)

    # e-learning: Alice, Erin of Alice, Bob, Zebedee, Erin; Hydra: Bob, Erin of Bob, Cara, Erin; overall 2 of 5.
    assert "50.0%" in row and "2 of 4" in row
    assert "66.7%" in row and "2 of 3" in row
    assert "40.0%" in row and "2 of 5" in row
    assert "Far behind" in row
    assert today.strftime("%-d %b %Y") in row  # last uploads
    assert "New" in row  # no snapshot a month earlier
    essex = re.search(r'data-code="essex">.*?</tr>', html, re.S).group(0)
    assert "No College Learn upload" in essex and "No Hydra upload" in essex
    durham = re.search(r'data-code="durham">.*?</tr>', html, re.S).group(0)
    assert "No roster" in durham
    assert html.index('data-code="kent"') < html.index('data-code="durham"')
    assert SECRET_NAME not in html


def test_unmatched_flag_when_over_five_percent(signed_in, kent):
    client, _ = signed_in("national")
    html = html_of(client.get("/league-table?columns=all"))
    row = re.search(r'data-code="kent">.*?</tr>', html, re.S).group(0)
    # 1 unmatched of 17 records (14 College Learn, 3 Hydra) is over 5%.
    assert "1 unmatched record (6% of records)" in row


def test_league_table_as_of_form(signed_in, kent):
    client, _ = signed_in("national")
    html = html_of(client.get("/league-table?as_of=2026-05-31"))
    assert "31 May 2026" in html
    # Before any completion: Kent is 0% but still ranked.
    row = re.search(r'data-code="kent">.*?</tr>', html, re.S).group(0)
    assert "0.0%" in row and "0 of 5" in row
    assert "/league-table.csv?as_of=2026-05-31" in html

    # The single ?as_of= of links is read day first too; the page's own form sends day, month and year.
    assert "31 May 2026" in html_of(client.get("/league-table?as_of=31/05/2026"))
    typed = html_of(client.get("/league-table?as_of-day=31&as_of-month=5&as_of-year=2026"))
    assert "Figures as of <strong>31 May 2026" in typed and "/league-table.csv?as_of=2026-05-31" in typed
    bad = html_of(client.get("/league-table?as_of=yesterday"))
    assert "There is a problem" in bad and "Figures as of must be a real date" in bad
    future = html_of(client.get("/league-table?as_of=2999-01-01"))
    assert "Figures as of must be today or in the past" in future


def test_force_page_for_national_shows_aggregates_and_no_names(signed_in, kent):
    client, _ = signed_in("national")
    html = html_of(client.get("/forces/kent"))

    assert "Kent Police" in html
    assert re.search(r"National rank</dt>\s*<dd[^>]*>1 of 43", html)
    assert '<svg class="lms-chart lms-chart--bar"' in html and '<svg class="lms-chart lms-chart--line"' in html
    assert 'id="module-table"' in html and 'id="trend-table"' in html
    assert 'id="by-department"' in html and 'id="by-role-category"' in html
    # Small groups are merged for viewers who may not see people.
    assert "Smaller groups together" in html
    assert SECRET_NAME not in html and "alice@kent.invalid" not in html and "K005" not in html
    assert "/forces/kent/people" not in html
    assert "Not enough history yet" in html


def test_force_page_for_its_lead_links_to_people_and_shows_every_group(signed_in, kent):
    client, _ = signed_in("force_lead", force="kent")
    html = html_of(client.get("/forces/kent"))

    assert "3 of 5 relevant people still have training to do" in html
    assert "/forces/kent/people" in html and "/forces/kent/people.xlsx" in html
    assert "Smaller groups together" not in html
    dept = re.search(r'id="by-department".*?</table>', html, re.S).group(0)
    assert ">CID</th>" in dept and ">Response</th>" in dept


def test_module_table_matches_the_chart(signed_in, kent):
    client, _ = signed_in("admin")
    html = html_of(client.get("/forces/kent"))
    table = re.search(r'id="module-table".*?</table>', html, re.S).group(0)
    chart = re.search(r'<svg class="lms-chart lms-chart--bar".*?</svg>', html, re.S).group(0)
    # M1..M3: Alice, Bob, Erin = 3 of 4; M4: Alice, Erin = 2 of 4.
    assert table.count("3 of 4") == 3 and table.count("2 of 4") == 1
    assert chart.count("75.0% (3 of 4)") == 3 and chart.count("50.0% (2 of 4)") == 1


def test_people_page_lists_what_each_person_still_has_to_do(signed_in, kent, db):
    client, _ = signed_in("force_lead", force="kent")
    html = html_of(client.get("/forces/kent/people"))
    table = re.search(r'<table class="govuk-table[^"]*" id="people">.*?</table>', html, re.S).group(0)

    assert "Baker, Bob" in table and "Module 4" in table
    assert "Cole, Cara" in table and "Hydra session" in table
    assert f"{SECRET_NAME}, Zebedee" in table and "Module 1, Module 2, Module 3, Module 4" in table
    assert "Archer" not in table and "Dyer" not in table and "Ford" not in table
    assert "Training still to do (3)" in html and "Everyone (7)" in html and "Exempt (1)" in html


@pytest.mark.parametrize(("query", "expected", "absent"), [
    ("show=all", ["Archer", "Dyer", "Ford", "Baker"], []),
    ("show=exempt", ["Ford"], ["Archer", "Baker"]),
    ("show=all&department=CID", ["Baker", "Cole", "Evans"], ["Archer", "Ford"]),
    ("show=all&role_category=frontline", ["Archer", SECRET_NAME, "Ford"], ["Baker"]),
    ("show=all&q=quix", [SECRET_NAME], ["Archer"]),
    ("show=all&q=cara+cole", ["Cole"], ["Baker"]),
    ("show=all&q=k002", ["Baker"], ["Archer"]),
    ("show=all&q=K0", ["Baker", "Archer"], []),
    ("show=all&q=Baker,+Bob", ["Baker"], ["Archer"]),
])
def test_people_filters(signed_in, kent, query, expected, absent):
    client, _ = signed_in("force_lead", force="kent")
    html = html_of(client.get(f"/forces/kent/people?{query}"))
    table = re.search(r'id="people">.*?</table>', html, re.S).group(0)
    for name in expected:
        assert name in table
    for name in absent:
        assert name not in table


def test_why_page_shows_what_counts_what_is_missing_and_the_upload(signed_in, kent, db):
    client, _ = signed_in("force_lead", force="kent")
    html = html_of(client.get(f"/forces/kent/people/{person_id(db, 'Evans')}"))
    records = re.search(r'id="learning-records".*?</table>', html, re.S).group(0)

    assert "Complete" in html
    assert records.count("The earliest completion of Module") == 4
    assert "An earlier completion of Module 2 already counts" in records
    assert "college-learn-june.csv, row" in records
    assert re.search(r'href="/imports/\d+">Batch \d+</a>', records)
    hydra = re.search(r'id="hydra-records".*?</table>', html, re.S).group(0)
    assert "The first session attended" in hydra and "hydra.csv, row 2" not in hydra
    assert "hydra.csv, row 3" in hydra

    bob = html_of(client.get(f"/forces/kent/people/{person_id(db, 'Baker')}"))
    assert re.search(r'id="outstanding">Module 4<', bob)
    assert "<strong>Missing</strong>" in bob

    cara = html_of(client.get(f"/forces/kent/people/{person_id(db, 'Cole')}"))
    assert "does not count as attending" in cara

    before = html_of(client.get(f"/forces/kent/people/{person_id(db, 'Evans')}?as_of=2026-06-05"))
    assert "Completed after 5 June 2026" in before  # the repeat of Module 2
    assert "Hydra session" in re.search(r'id="outstanding">[^<]*<', before).group(0)


def test_people_xlsx_is_the_filtered_list_and_formula_safe(signed_in, kent, db):
    from openpyxl import load_workbook

    person = db.session.get(Person, person_id(db, "Baker"))
    person.department = "=HYPERLINK(\"http://evil.invalid\",\"x\")"
    db.session.commit()
    client, _ = signed_in("force_lead", force="kent")
    response = client.get("/forces/kent/people.xlsx?show=outstanding")

    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = rows.index(next(r for r in rows if r[0] == "Staff number"))
    body = rows[header + 1:]
    assert sorted(r[1] for r in body) == sorted(["Baker", "Cole", SECRET_NAME])
    baker = next(r for r in body if r[1] == "Baker")
    assert baker[6].startswith("'=")
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
    assert baker[rows[header].index("Still to do")] == "Module 4"


# --- navigation for each role ---------------------------------------------------------------------------------------


def test_navigation_reaches_the_pages_for_a_force_lead(signed_in, kent, db):
    client, _ = signed_in("force_lead", force="kent")
    nav = nav_links(html_of(client.get("/")))
    assert nav["League table"] == "/league-table"
    force_html = html_of(client.get(nav["My force"]))
    people_href = next(h for h in links(force_html) if h.startswith("/forces/kent/people?"))
    people_html = html_of(client.get(people_href.replace("&amp;", "&")))
    person_href = next(h for h in links(people_html) if re.match(r"/forces/kent/people/\d+", h))
    html_of(client.get(person_href.replace("&amp;", "&")))
    league = html_of(client.get(nav["League table"]))
    assert "/forces/kent" in links(league) and "/forces/essex" not in links(league)


@pytest.mark.parametrize(("role", "kwargs", "region_slug"), [
    ("national", {}, "eastern"),
    ("admin", {}, "eastern"),
    ("regional", {"region": "Eastern"}, "eastern"),
])
def test_navigation_reaches_league_region_and_force_pages(signed_in, kent, role, kwargs, region_slug):
    client, _ = signed_in(role, **kwargs)
    nav = nav_links(html_of(client.get("/")))
    league = html_of(client.get(nav["League table"]))
    assert f"/regions/{region_slug}" in links(league)
    assert "/forces/kent" in links(league)
    region = html_of(client.get(f"/regions/{region_slug}"))
    assert "/forces/kent" in links(region) and "/forces/essex" in links(region)
    assert '<svg class="lms-chart lms-chart--bar"' in region and 'id="region-table"' in region
    force = html_of(client.get("/forces/kent"))
    assert f"/regions/{region_slug}" in links(force)
    if role != "admin":
        for html in (league, region, force):
            assert SECRET_NAME not in html and "Baker" not in html


def test_regional_user_sees_only_their_region(signed_in, kent):
    client, _ = signed_in("regional", region="South East")
    league = html_of(client.get("/league-table"))
    assert "/forces/kent" not in links(league) and "/regions/eastern" not in links(league)
    assert "/forces/surrey" in links(league) and "/regions/south-east" in links(league)
    assert client.get("/forces/kent").status_code == 404
    assert client.get("/regions/eastern").status_code == 404
    assert client.get("/regions/south-east").status_code == 200
    assert client.get("/regions/nowhere").status_code == 404


# --- role isolation -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "kwargs", "status"), [
    ("national", {}, 403),
    ("regional", {"region": "Eastern"}, 403),
    ("regional", {"region": "South East"}, 404),
    ("force_lead", {"force": "essex"}, 404),
])
def test_person_level_routes_are_closed_to_everyone_but_the_forces_leads_and_admins(signed_in, kent, db, role,
                                                                                      kwargs, status):
    client, _ = signed_in(role, **kwargs)
    pid = person_id(db, SECRET_NAME)
    for url in ("/forces/kent/people", "/forces/kent/people.xlsx", f"/forces/kent/people/{pid}"):
        response = client.get(url)
        assert response.status_code == status, url
        assert SECRET_NAME not in response.get_data(as_text=True)


def test_force_lead_of_another_force_gets_404_on_the_force_page(signed_in, kent):
    client, _ = signed_in("force_lead", force="essex")
    assert client.get("/forces/kent").status_code == 404
    assert client.get("/forces/essex").status_code == 200


def test_person_of_another_force_is_404_even_for_admin(signed_in, kent, db):
    client, _ = signed_in("admin")
    essex_person = person_id(db, "Essexperson")
    assert client.get(f"/forces/kent/people/{essex_person}").status_code == 404
    assert client.get(f"/forces/essex/people/{essex_person}").status_code == 200
    assert client.get("/forces/kent/people/999999").status_code == 404


def test_signed_out_users_are_sent_to_sign_in(client, kent):
    for url in ("/league-table", "/league-table.csv", "/regions/eastern", "/forces/kent", "/forces/kent/people"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], url


def test_pages_have_no_inline_styles_or_scripts(signed_in, kent, db):
    client, _ = signed_in("admin")
    pid = person_id(db, "Evans")
    for url in ("/league-table", "/regions/eastern", "/forces/kent", "/forces/kent/people?show=all",
                f"/forces/kent/people/{pid}"):
        html = html_of(client.get(url))
        assert " style=" not in html, url
        assert "<style" not in html, url
        assert all("nonce=" in tag for tag in re.findall(r"<script[^>]*>", html)), url


def test_trend_and_projection_on_the_force_page(signed_in, kent, db, today):
    from datetime import timedelta

    from lms.models import ForceSnapshot

    force = db.session.scalar(select(Force).where(Force.code == "kent"))
    # Thirty days ago nobody was complete: 2 completions in 30 days, 3 to go -> 45 days from today.
    db.session.add(ForceSnapshot(force_id=force.id, as_of=today - timedelta(days=30), figures={"fresh": True, "entry": {
        "code": "kent", "name": "Kent Police", "has_roster": True, "rank": None,
        "overall": {"relevant": 5, "complete": 0, "percent": 0.0}}}))
    db.session.commit()
    client, _ = signed_in("national")
    html = html_of(client.get("/forces/kent"))
    projected = (today + timedelta(days=45)).strftime("%-d %B %Y")
    assert projected in re.search(r'id="projection">.*?</p>', html, re.S).group(0)
    trend = re.search(r'id="trend-table".*?</table>', html, re.S).group(0)
    assert (today - timedelta(days=30)).strftime("%-d %B %Y") in trend and "0 of" not in trend
    assert trend.count('<tr class="govuk-table__row">') == 3  # header + 2 points
    assert "40.0%" in trend


def test_snapshot_a_day_before_changes_nothing_but_history(signed_in, kent, db, today):
    client, _ = signed_in("national")
    before = html_of(client.get(f"/league-table?as_of={date(2026, 6, 30).isoformat()}"))
    assert "/league-table.xlsx?as_of=2026-06-30" in before


def test_league_page_from_snapshots_follows_every_upload(signed_in, kent, db):
    from lms.reports import trends

    trends.record_daily_snapshot()
    db.session.commit()
    client, _ = signed_in("national")
    row = re.search(r'data-code="kent">.*?</tr>', html_of(client.get("/league-table")), re.S).group(0)
    assert "2 of 5" in row
    assert html_of(client.get("/league-table")).count('data-code="kent"') == 1  # cached page, same content

    # Bob completes Module 4: an import commit rewrites Kent's snapshot, so the page moves on at once.
    upload(db, "college-learn", [CL_HEAD, ["K002", "", "Bob", "Baker", "Kent Police", TITLES["M4"], "Completed",
                                           "20/11/2026"]], filename="bob.csv")
    row = re.search(r'data-code="kent">.*?</tr>', html_of(client.get("/league-table")), re.S).group(0)
    assert "3 of 5" in row and "60.0%" in row
