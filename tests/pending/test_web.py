"""Cross-force Hydra lines through the web and the API: what the uploader is told, and the receiving force's queue."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from lms.accounts.auth import issue_token
from lms.extensions import db
from lms.imports.service import get_batch, rollback
from lms.models import Person
from tests.pending.support import DAY, KENT, SURREY, register, rosters
from tests.support.app import sign_in
from tests.support.files import P


def _upload_page(client, data: bytes) -> tuple[int, str]:
    """Upload a register for Kent through the upload page; the preview's batch id and its page's text."""
    response = client.post("/upload", data={"kind": "hydra", "force": "kent",
                                                    "file": (io.BytesIO(data), "register.csv")})
    assert response.status_code == 302, response.get_data(as_text=True)
    batch_id = int(re.search(r"/imports/(\d+)", response.headers["Location"]).group(1))
    page = client.get(f"/imports/{batch_id}")
    assert page.status_code == 200
    return batch_id, page.get_data(as_text=True)


def _commit(client, batch_id: int) -> str:
    response = client.post(f"/imports/{batch_id}/commit", follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _main(html: str) -> str:
    """The page's main content with what differs between two batches (ids, times, tokens) blanked out."""
    main = html[html.index("<main"):html.index("</main>")]
    main = re.sub(r'name="csrf_token" value="[^"]*"', "", main)
    main = re.sub(r"/imports/\d+", "/imports/N", main)
    main = re.sub(r"[Bb]atch \d+", "batch N", main)
    main = re.sub(r'datetime="[^"]*"', "", main)
    return re.sub(r"\d{1,2}:\d{2}( ?[AP]M)?( [A-Z]{3,4})?", "HH:MM", main)


def test_the_uploader_sees_only_how_many_rows_went_to_surrey(app, client, create_user):
    rosters()
    lead = create_user("force_lead", force="kent")
    sign_in(client, lead.email)
    batch_id, preview = _upload_page(client, register([(KENT[0], DAY, "Attended"), (SURREY[0], DAY, "Attended"),
                                                       (SURREY[1], DAY, "Attended")]))
    assert "2 rows will be sent to Surrey Police for their lead to accept" in preview
    for value in (SURREY[0].staff, SURREY[0].first, SURREY[0].last, SURREY[0].email, SURREY[1].last):
        assert value not in preview
    committed = _commit(client, batch_id)
    assert "2 rows sent to Surrey Police for their lead to accept" in committed
    assert SURREY[0].last not in committed and SURREY[1].last not in committed


def test_the_uploaders_pages_and_api_are_the_same_whether_or_not_the_delegate_is_on_surreys_roster(
        app, client, create_user):
    rosters(surrey=SURREY[:1])
    lead = create_user("force_lead", force="kent")
    token = issue_token(lead)
    db.session.commit()
    sign_in(client, lead.email)
    joiner = P("S250", "Hollis", "Brandt", "manager", force="surrey")
    data = register([(KENT[0], DAY, "Attended"), (joiner, DAY, "Attended")])

    def look() -> tuple[str, dict]:
        _batch_id, page = _upload_page(client, data)
        api = app.test_client().post("/api/v1/imports", headers={"Authorization": f"Bearer {token}"},
                          data={"kind": "hydra", "force": "kent", "dry_run": "true",
                                "file": (io.BytesIO(data), "register.csv")})
        assert api.status_code == 200, api.get_json()
        body = api.get_json()
        body.pop("id", None)
        return _main(page), body

    page_before, api_before = look()
    # Surrey's next roster brings Hollis: the same file now names someone on Surrey's roster.
    from lms.imports.service import run_import
    from tests.support.files import roster
    assert not run_import("roster", roster([SURREY[0], joiner]), "surrey.csv", "surrey", None).refused
    db.session.commit()
    assert db.session.scalar(select(Person.id).where(Person.staff_number == joiner.staff)) is not None
    page_after, api_after = look()
    assert api_before["sent_to_other_forces"] == {"surrey": 1} and api_before["matched"] == 1
    assert api_after == api_before
    assert page_after == page_before


def _pending_setup(create_user):
    rosters()
    kent_lead = create_user("force_lead", force="kent")
    from tests.pending.support import upload
    summary = upload(register([(SURREY[0], DAY, "Attended"), (SURREY[1], DAY, "Did not attend")],
                              venue="Guildford suite", facilitator="ROCU co-ordinator"), kent_lead)
    return summary, kent_lead


def _line_of(page: str, person: P) -> int:
    """The id of the queue's card for this delegate."""
    return int(re.search(r'id="line-(\d+)">\s*<div class="govuk-summary-card__title-wrapper">'
                         rf'<h3 class="govuk-summary-card__title">{person.first} {person.last}<', page).group(1))


def _surrey_hydra(client) -> str:
    """The Hydra row of Surrey's force page, as its lead sees it."""
    page = client.get("/forces/surrey").get_data(as_text=True)
    return re.search(r"Hydra session</dt>(.*?)</dd>", page, re.S).group(1)


def test_surreys_lead_reviews_the_queue_and_accepting_moves_the_figures(app, client, create_user):
    summary, kent_lead = _pending_setup(create_user)
    surrey_lead = create_user("force_lead", force="surrey", email="surrey.lead@example.invalid")
    sign_in(client, surrey_lead.email)
    dashboard = client.get("/").get_data(as_text=True)
    assert 'href="/pending"' in dashboard  # the navigation offers the queue while something waits
    assert "/forces/surrey/pending" in client.get("/forces/surrey").get_data(as_text=True)
    assert "/forces/surrey/pending" in client.get("/forces/surrey/unmatched").get_data(as_text=True)
    hydra_before = _surrey_hydra(client)

    page = client.get("/forces/surrey/pending").get_data(as_text=True)
    for text in ("Guildford suite", "ROCU co-ordinator", f"Batch {summary['id']}", "Kent Police",
                 kent_lead.email, SURREY[0].first, SURREY[0].staff, "matched by staff number", "Did not attend"):
        assert text in page, text
    line_id = _line_of(page, SURREY[0])

    done = client.post("/forces/surrey/pending", data={"line": line_id, "decision": "accept"}, follow_redirects=True)
    assert "Accepted 1 line" in done.get_data(as_text=True)
    assert _surrey_hydra(client) != hydra_before
    assert f'id="line-{line_id}"' not in client.get("/forces/surrey/pending").get_data(as_text=True)

    again = client.post("/forces/surrey/pending", data={"line": line_id, "decision": "decline"},
                        follow_redirects=True)
    assert "no longer waiting" in again.get_data(as_text=True)
    bad = client.post("/forces/surrey/pending", data={"line": "x", "decision": "maybe"}, follow_redirects=True)
    assert bad.status_code == 200 and "Choose" in bad.get_data(as_text=True)


def test_accept_all_asks_first_then_accepts_every_line_shown(app, client, create_user):
    summary, _lead = _pending_setup(create_user)
    admin = create_user("admin", email="admin.person@example.invalid")
    sign_in(client, admin.email)
    assert "Surrey Police" in client.get("/pending").get_data(as_text=True)
    confirm = client.get("/forces/surrey/pending/accept-all").get_data(as_text=True)
    assert "Are you sure you want to accept all 2 lines?" in confirm
    assert f"2 lines from batch {summary['id']}" in confirm
    upto = re.search(r'name="upto" value="(\d+)"', confirm).group(1)
    done = client.post("/forces/surrey/pending/accept-all", data={"upto": upto}, follow_redirects=True)
    assert "Accepted 2 lines" in done.get_data(as_text=True)
    assert "Nothing is waiting" in client.get("/forces/surrey/pending").get_data(as_text=True)
    assert "No force has lines" in client.get("/pending").get_data(as_text=True)


def test_declining_keeps_surreys_figures_and_says_so(app, client, create_user):
    _pending_setup(create_user)
    surrey_lead = create_user("force_lead", force="surrey", email="surrey.lead@example.invalid")
    sign_in(client, surrey_lead.email)
    before = _surrey_hydra(client)
    page = client.get("/forces/surrey/pending").get_data(as_text=True)
    line_id = re.search(r'id="line-(\d+)"', page).group(1)
    done = client.post("/forces/surrey/pending", data={"line": line_id, "decision": "decline"},
                       follow_redirects=True)
    assert "never counts" in done.get_data(as_text=True)
    assert _surrey_hydra(client) == before


def test_a_rocu_sees_the_line_as_written_but_not_the_roster_behind_it(app, client, create_user):
    rosters()
    from tests.pending.support import upload
    home = P(SURREY[0].staff, SURREY[0].first, SURREY[0].last, "manager", force="surrey",
             mail="cyra.home@example.invalid")
    upload(register([(home, DAY, "Attended")]), create_user("force_lead", force="kent"))
    rocu = create_user("regional", region="South East", email="rocu.se@example.invalid")
    sign_in(client, rocu.email)
    page = client.get("/forces/surrey/pending").get_data(as_text=True)
    assert "cyra.home@example.invalid" in page and "Matches someone on Surrey Police" in page
    assert SURREY[0].email not in page and "/people/" not in page


def test_who_may_open_surreys_queue(app, client, create_user):
    _summary, kent_lead = _pending_setup(create_user)
    for role, kw, status in (("force_lead", {"force": "kent"}, 404), ("national", {}, 403),
                             ("regional", {"region": "Eastern"}, 404)):
        c = app.test_client()
        sign_in(c, create_user(role, **kw).email)
        assert c.get("/forces/surrey/pending").status_code == status, role
        assert c.post("/forces/surrey/pending/accept-all", data={"upto": "1"}).status_code == status, role
    # The sending lead is never offered Surrey's queue.
    kent = app.test_client()
    sign_in(kent, kent_lead.email)
    assert 'href="/pending"' not in kent.get("/").get_data(as_text=True)
    assert kent.get("/pending").headers["Location"].endswith("/forces/kent/pending")


def test_rolling_back_the_sending_batch_empties_the_queue(app, client, create_user):
    summary, kent_lead = _pending_setup(create_user)
    rollback(get_batch(summary["id"], kent_lead), kent_lead)
    db.session.commit()
    surrey_lead = create_user("force_lead", force="surrey", email="surrey.lead@example.invalid")
    sign_in(client, surrey_lead.email)
    assert "Nothing is waiting" in client.get("/forces/surrey/pending").get_data(as_text=True)
    assert 'href="/pending"' not in client.get("/").get_data(as_text=True)


def test_what_surrey_decides_never_shows_on_the_uploaders_pages(app, client, create_user):
    summary, kent_lead = _pending_setup(create_user)
    kent = app.test_client()
    sign_in(kent, kent_lead.email)

    def uploaders_view() -> tuple[str, dict]:
        page = _main(kent.get(f"/imports/{summary['id']}").get_data(as_text=True))
        return page, kent.get(f"/api/v1/imports/{summary['id']}").get_json()

    before = uploaders_view()
    assert "2 rows sent to Surrey Police for their lead to accept" in before[0]
    surrey_lead = create_user("force_lead", force="surrey", email="surrey.lead@example.invalid")
    sign_in(client, surrey_lead.email)
    page = client.get("/forces/surrey/pending").get_data(as_text=True)
    client.post("/forces/surrey/pending", data={"line": _line_of(page, SURREY[0]), "decision": "accept"})
    client.post("/forces/surrey/pending", data={"line": _line_of(page, SURREY[1]), "decision": "decline"})
    assert "Nothing is waiting" in client.get("/forces/surrey/pending").get_data(as_text=True)
    assert uploaders_view() == before
