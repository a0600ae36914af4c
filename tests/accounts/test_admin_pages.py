"""Admin pages: every page renders for an admin, and no other role (nor an anonymous visitor) gets in."""

from __future__ import annotations

import re

import pytest

from lms.audit.service import record
from lms.models import ApiToken

GET_PAGES = [
    "/admin",
    "/admin/users",
    "/admin/users/new",
    "/admin/users/{user}",
    "/admin/users/{user}/edit",
    "/admin/users/{user}/deactivate",
    "/admin/users/{user}/password",
    "/admin/users/{user}/tokens/new",
    "/admin/users/{user}/tokens/{token}/revoke",
    "/admin/forces",
    "/admin/forces?missing=1",
    "/admin/forces/kent",
    "/admin/rules",
    "/admin/rules/new",
    "/admin/rules/frontline",
    "/admin/rules/frontline/delete",
    "/admin/requirements/M1",
    "/admin/requirements/HYDRA",
    "/admin/audit",
    "/admin/audit?action=user.created&actor=admin&force=kent&date_from=1/1/2025&date_to=31/12/2030&page=2",
]
POST_ONLY = ["/admin/users/{user}/reactivate", "/admin/users/{user}/unlock"]


@pytest.fixture
def target(create_user, db):
    """Another account with an API token, for the pages about one user."""
    user = create_user("force_lead", email="target.lead@example.invalid")
    token = ApiToken(user_id=user.id, token_hash="0" * 64, prefix="lms_abcdef")
    db.session.add(token)
    record("token.created", None, actor="cli", target=user.email)
    db.session.commit()
    return {"user": user.id, "token": token.id}


def test_every_admin_page_renders_for_an_admin(signed_in, target):
    client, _ = signed_in("admin")

    for page in GET_PAGES:
        response = client.get(page.format(**target))
        html = response.get_data(as_text=True)
        assert response.status_code == 200, (page, html[:500])
        assert "govuk-template" in html and html.count("<h1") == 1, page
        assert html.count("<fieldset") == len(re.findall(r"<legend[^>]*>\s*\S", html)), page  # no empty legends


def test_the_admin_index_links_every_admin_page(signed_in):
    client, _ = signed_in("admin")

    html = client.get("/admin").get_data(as_text=True)

    for href in ("/admin/users", "/admin/forces", "/admin/rules", "/admin/audit", "/admin/schedules", "/admin/emails"):
        assert f'href="{href}"' in html
    assert 'href="/admin"' in client.get("/").get_data(as_text=True)  # the service navigation's Admin link










def test_no_admin_link_in_the_navigation_for_other_roles(signed_in):
    client, _ = signed_in("national")

    assert 'href="/admin"' not in client.get("/").get_data(as_text=True)


def test_unknown_things_are_404(signed_in):
    client, _ = signed_in("admin")

    for page in ("/admin/users/99999", "/admin/forces/atlantis", "/admin/rules/nobody", "/admin/requirements/M9",
                 "/admin/users/99999/tokens/1/revoke"):
        assert client.get(page).status_code == 404, page


def test_forms_carry_a_csrf_token_and_posts_without_one_are_refused(app, signed_in, target):
    client, _ = signed_in("admin")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for page in ("/admin/users/new", "/admin/users/{user}/edit", "/admin/users/{user}/deactivate",
                     "/admin/users/{user}/password", "/admin/users/{user}/tokens/new", "/admin/forces/kent",
                     "/admin/rules/new", "/admin/rules/frontline", "/admin/requirements/M1"):
            url = page.format(**target)
            html = client.get(url).get_data(as_text=True)
            assert 'name="csrf_token"' in html, url
            assert client.post(url, data={}).status_code == 400, url

        url = "/admin/users/{user}/deactivate".format(**target)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).get_data(as_text=True))
        assert client.post(url, data={"csrf_token": token.group(1)}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
