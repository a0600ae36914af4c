"""Input no page can use is refused before it reaches a view: control characters (400) and ids no row can have (404).

Before, a NUL byte in a filter reached PostgreSQL ("invalid byte sequence") and an id above 2**31 overflowed the
integer column: both ended in a 500. Runs on SQLite and, with LMS_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import pytest

HUGE = str(2**64 + 7)


@pytest.mark.parametrize("path", [
    f"/imports/{HUGE}", f"/admin/users/{HUGE}", f"/api/v1/imports/{HUGE}", f"/imports/{2**31}",
])
def test_an_id_too_large_for_any_row_is_not_found(signed_in, path):
    client, _ = signed_in("admin")

    response = client.get(path)

    assert response.status_code == 404


def test_the_largest_possible_id_is_looked_up_and_not_found(signed_in):
    client, _ = signed_in("admin")

    assert client.get(f"/api/v1/imports/{2**31 - 1}").status_code == 404


@pytest.mark.parametrize("query", [
    {"action": "import\x00committed"}, {"q": "Kent\x00"}, {"actor": "a\x1bb"}, {"page": "2\x00"},
])
def test_a_control_character_in_a_filter_is_refused_with_a_page_saying_so(signed_in, query):
    client, _ = signed_in("admin")

    response = client.get("/admin/audit", query_string=query)

    assert response.status_code == 400
    assert "There is a problem with your request" in response.get_data(as_text=True)


def test_a_nul_in_the_path_is_refused(signed_in):
    client, _ = signed_in("admin")

    assert client.get("/forces/kent%00").status_code == 400
    api = client.get("/api/v1/forces/kent%00")
    assert api.status_code == 400
    assert "control character" in " ".join(api.get_json()["details"])


def test_under_the_api_the_refusal_is_the_contract_error_object(signed_in):
    client, _ = signed_in("national")

    response = client.get("/api/v1/league-table", query_string={"as_of": "2026-11-01\x00"})

    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"error", "details"}


def test_a_nul_in_a_form_field_is_refused_and_nothing_changes(signed_in, db):
    from lms.models import User

    client, admin = signed_in("admin")
    before = db.session.query(User).count()

    response = client.post("/admin/users/new", data={"email": "new\x00@example.invalid", "role": "national"})

    assert response.status_code == 400
    assert db.session.query(User).count() == before

