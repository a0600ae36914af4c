"""Each role's view of the dashboard, the navigation, and DESIGN.md's role table as the policy module encodes it."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lms import policy
from lms.models import Force
from tests.support.app import sign_in

SOUTH_EAST = ["Hampshire and Isle of Wight Constabulary", "Surrey Police", "Sussex Police", "Thames Valley Police"]
REGIONS = ["North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands", "Eastern",
           "South East", "South West", "Southern Wales", "London"]


def dashboard(client) -> tuple[list[str], list[str]]:
    """(region captions in order, force names in order) as the dashboard shows them."""
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    regions = re.findall(r'<table class="govuk-table[^"]*" data-region="([^"]+)"', html)
    forces = re.findall(r'<th scope="row" class="govuk-table__header"[^>]*><a [^>]*>([^<]+)</a></th>', html)
    assert html.count('<th scope="row"') == len(forces)
    return regions, forces


@pytest.mark.parametrize("role", ["admin", "national"])
def test_admin_and_national_see_all_43_forces_in_10_regions(signed_in, role):
    client, _ = signed_in(role, email=f"{role}@example.com")

    regions, forces = dashboard(client)

    assert regions == REGIONS
    assert len(forces) == 43
    assert len(set(forces)) == 43
    assert "Kent Police" in forces and "Metropolitan Police Service" in forces


def test_regional_sees_only_the_forces_of_their_region(signed_in):
    client, _ = signed_in("regional", email="serocu@example.com", region="South East")

    regions, forces = dashboard(client)

    assert regions == ["South East"]
    assert sorted(forces) == SOUTH_EAST


def test_force_lead_sees_only_their_force(signed_in):
    client, _ = signed_in("force_lead", email="kent.lead@example.com", force="kent")

    regions, forces = dashboard(client)

    assert regions == ["Eastern"]
    assert forces == ["Kent Police"]


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_figures_are_empty_before_any_import(signed_in):
    client, _ = signed_in("admin", email="figures@example.com")
    html = client.get("/").get_data(as_text=True)

    assert html.count("No roster") == 43
    assert html.count("no data") == 43 * 3


def test_dashboard_names_the_user_and_the_deadline(signed_in):
    client, _ = signed_in("force_lead", email="surrey.lead@example.com", force="surrey")
    html = client.get("/").get_data(as_text=True)

    assert "Signed in as surrey.lead@example.com (Force training lead, Surrey Police)" in html
    assert "30 April 2026" in html


def test_navigation_by_role(client, create_user):
    def nav(html: str) -> list[str]:
        block = re.search(r'<nav[^>]*class="govuk-service-navigation__wrapper".*?</nav>', html, re.S)
        links = re.findall(r'<a class="govuk-service-navigation__link"[^>]*>(.*?)</a>', block.group(0), re.S)
        return [re.sub(r"<[^>]+>", "", link).strip() for link in links]

    assert nav(client.get("/sign-in").get_data(as_text=True)) == ["Sign in"]

    lead = create_user("force_lead", email="nav.lead@example.com", force="kent")
    sign_in(client, lead.email)
    lead_nav = nav(client.get("/").get_data(as_text=True))
    assert lead_nav[0] == "Dashboard" and lead_nav[-1] == "Sign out"
    assert "My force" in lead_nav
    assert "Admin" not in lead_nav
    client.post("/sign-out")

    national = create_user("national", email="nav.national@example.com")
    sign_in(client, national.email)
    national_nav = nav(client.get("/").get_data(as_text=True))
    assert "My force" not in national_nav
    assert "Upload" not in national_nav  # MSOICU sees aggregates; it does not upload
    assert "Unmatched" not in national_nav  # the queue is person-level data


# --- DESIGN.md's role table, as lms.policy encodes it ------------------------------------------------------------


@pytest.fixture
def forces(db) -> dict[str, Force]:
    return {f.code: f for f in db.session.scalars(select(Force))}


def person(role: str, force: Force | None = None, region_id: int | None = None, user_id: int = 1):
    return SimpleNamespace(id=user_id, role=role, force_id=force.id if force else None, region_id=region_id)


def test_sees_force(forces):
    kent, surrey = forces["kent"], forces["surrey"]
    south_east = surrey.region_id

    for role in ("admin", "national"):
        assert all(policy.sees_force(person(role), f) for f in forces.values())
    regional = person("regional", region_id=south_east)
    assert {code for code, f in forces.items() if policy.sees_force(regional, f)} == {
        "hampshire", "surrey", "sussex", "thames-valley"}
    lead = person("force_lead", kent)
    assert {code for code, f in forces.items() if policy.sees_force(lead, f)} == {"kent"}
    assert not policy.sees_force(person("regional"), surrey)  # a regional user without a region sees nothing
    assert not policy.sees_force(person("someone-else"), kent)


def test_person_level_data_only_for_the_forces_own_leads_and_admins(forces):
    kent, surrey = forces["kent"], forces["surrey"]

    assert policy.sees_people(person("admin"), kent)
    assert policy.sees_people(person("force_lead", kent), kent)
    assert not policy.sees_people(person("force_lead", surrey), kent)
    assert not policy.sees_people(person("national"), kent)
    assert not policy.sees_people(person("regional", region_id=kent.region_id), kent)


@pytest.mark.parametrize("kind", ["roster", "college-learn", "hydra"])
def test_uploads(forces, kind):
    kent, surrey = forces["kent"], forces["surrey"]
    south_east = surrey.region_id

    assert policy.can_upload(person("admin"), kind, kent)
    assert policy.can_upload(person("admin"), kind, None)
    assert policy.can_upload(person("force_lead", kent), kind, kent)
    assert not policy.can_upload(person("force_lead", kent), kind, surrey)
    assert not policy.can_upload(person("force_lead", kent), kind, None)
    assert not policy.can_upload(person("national"), kind, kent)
    # ROCU co-ordinators upload Hydra registers for sessions they ran, nothing else.
    regional = person("regional", region_id=south_east)
    assert policy.can_upload(regional, kind, surrey) is (kind == "hydra")
    assert policy.can_upload(regional, kind, None) is (kind == "hydra")
    assert not policy.can_upload(regional, kind, forces["essex"])  # Eastern, not their region


def test_managing_a_batch(forces):
    kent = forces["kent"]
    batch = SimpleNamespace(uploaded_by_id=99, force_id=kent.id, kind="hydra", force=kent)

    assert policy.can_manage_batch(person("admin"), batch)
    assert policy.can_manage_batch(person("force_lead", kent), batch)
    assert not policy.can_manage_batch(person("force_lead", forces["surrey"]), batch)
    assert not policy.can_manage_batch(person("national"), batch)
    assert policy.can_manage_batch(person("regional", region_id=kent.region_id, user_id=99), batch)
    # The uploader only while they may still upload it: not after moving to another region.
    assert not policy.can_manage_batch(person("regional", region_id=forces["surrey"].region_id, user_id=99), batch)


def test_only_admin_and_national_publish(forces):
    assert policy.can_publish(person("admin"))
    assert policy.can_publish(person("national"))
    assert not policy.can_publish(person("regional"))
    assert not policy.can_publish(person("force_lead", forces["kent"]))
