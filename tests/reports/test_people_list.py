"""The people list of a force: paged 50 at a time with "Showing 1–50 of N people", filtered (status, package, role
category, name) by a GET form that needs no script, and sorted by the server across every page."""

from __future__ import annotations

import re

import pytest

from tests.support.reports import CL_HEAD, ROSTER, TITLES, upload

CATEGORIES = ("frontline", "investigator", "manager")
SIZE = 120


@pytest.fixture
def surrey(db):
    """Surrey with 120 people (surnames Person001..Person120, a third each frontline, investigator, manager); the
    first ten have done all four modules."""
    rows = [ROSTER[0]] + [[f"S{i:04}", f"Name{i}", f"Person{i:03}", "", "PC", "Role", ("Response", "CID")[i % 2],
                          CATEGORIES[i % 3], "", ""] for i in range(1, SIZE + 1)]
    upload(db, "roster", rows, force="surrey")
    done = [CL_HEAD] + [[f"S{i:04}", "", f"Name{i}", f"Person{i:03}", "Surrey Police", TITLES[m], "Completed",
                         "01/06/2026"] for i in range(1, 11) for m in ("M1", "M2", "M3", "M4")]
    upload(db, "college-learn", done, force="surrey")


def people_page(client, query: str = "") -> str:
    response = client.get(f"/forces/surrey/people?{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def surnames(html: str) -> list[str]:
    table = re.search(r'id="people">.*?</table>', html, re.S).group(0)
    return re.findall(r"(Person\d{3}), Name\d+", table)


def count_line(html: str) -> str:
    return re.sub(r"\s+", " ", re.search(r'id="result-count">(.*?)</p>', html, re.S).group(1))


def test_pages_of_fifty_with_counts(signed_in, surrey):
    client, _ = signed_in("force_lead", force="surrey")
    first = people_page(client, "show=all")
    assert count_line(first) == f"Showing 1–50 of {SIZE} people (page 1 of 3)."
    assert surnames(first) == [f"Person{i:03}" for i in range(1, 51)]
    second = people_page(client, "show=all&page=2")
    assert count_line(second) == f"Showing 51–100 of {SIZE} people (page 2 of 3)."
    assert surnames(second)[0] == "Person051"  # the 51st person opens page 2
    last = people_page(client, "show=all&page=3")
    assert count_line(last) == f"Showing 101–{SIZE} of {SIZE} people (page 3 of 3)."
    assert len(surnames(last)) == SIZE - 100
    # The pagination keeps the filter on its links; a page past the end is not found.
    pagination = re.search(r'<nav class="govuk-pagination.*?</nav>', second, re.S).group(0)
    assert re.search(r'href="/forces/surrey/people\?[^"]*page=3[^"]*"', pagination)
    assert all("show=all" in href for href in re.findall(r'href="([^"]+)"', pagination))
    assert client.get("/forces/surrey/people?show=all&page=4").status_code == 404
    assert count_line(people_page(client, "show=all&page=x")).startswith("Showing 1–50")


def test_package_role_and_name_filters(signed_in, surrey):
    client, _ = signed_in("force_lead", force="surrey")
    # Everyone who must do Hydra: investigators and managers (two thirds of 120).
    hydra = people_page(client, "show=all&package=hydra")
    assert count_line(hydra).startswith("Showing 1–50 of 80 people")
    # E-learning still to do: frontline and investigators (80) less the seven of them among the first ten who did it.
    todo = people_page(client, "package=elearning")
    done_by = [i for i in range(1, 11) if CATEGORIES[i % 3] != "manager"]
    assert count_line(todo).startswith(f"Showing 1–50 of {80 - len(done_by)} people")
    assert not {f"Person{i:03}" for i in done_by} & set(surnames(todo))
    managers = people_page(client, "show=all&role_category=manager")
    assert count_line(managers).startswith("Showing 1–40 of 40 people")
    one = people_page(client, "show=all&q=person007")
    assert surnames(one) == ["Person007"] and count_line(one) == "Showing 1 of 1 person."
    assert "Remove this filter: </span>Person007" not in one and "Remove this filter: </span>person007" in one
    nobody = people_page(client, "show=all&q=nobody-at-all")
    assert count_line(nobody) == "No people." and "No one matches." in nobody


def test_sorting_orders_the_whole_list(signed_in, surrey):
    client, _ = signed_in("force_lead", force="surrey")
    html = people_page(client, "show=all&sort=staff_number&order=descending")
    assert surnames(html)[:3] == ["Person120", "Person119", "Person118"]
    assert re.search(r'aria-sort="descending"><a[^>]*>Staff number', html)
    assert re.search(r'aria-sort="none"><a[^>]*>Name', html)
    page_3 = people_page(client, "show=all&sort=staff_number&order=descending&page=3")
    assert surnames(page_3)[-1] == "Person001"  # the sort spans pages
    by_name = people_page(client, "show=all")
    assert re.search(r'aria-sort="ascending"><a[^>]*href="[^"]*order=descending[^"]*">Name', by_name)


def test_filters_are_an_moj_filter_layout_get_form(signed_in, surrey):
    client, _ = signed_in("force_lead", force="surrey")
    html = people_page(client, "show=all&role_category=manager")
    assert 'class="moj-filter-layout' in html and 'class="moj-filter"' in html
    form = re.search(r'<form method="get" action="/forces/surrey/people"[^>]*id="people-filters">', html)
    assert form is not None
    assert "Selected filters" in html and "Clear filters" in html
    remove = re.search(r'<a class="moj-filter__tag" href="([^"]+)"><span class="govuk-visually-hidden">Remove this '
                       r'filter: </span>manager</a>', html).group(1)
    assert "role_category" not in remove and "show=all" in remove
