"""Every page of every role, on a phone and on a desktop (issue 15, WCAG 2.2 1.4.10 Reflow and axe AA).

The pages come from tests/support/authz_table.py: every GET route, for each swept actor whose expected outcome there
is OK, with the URL arguments the authorisation matrix uses (its seed builds the same objects here). A route added to
the app must be added to that table, so the sweep picks it up without an edit here; the last check fails if any GET
route of the app was not visited by anyone.

Each page is loaded once per actor (one browser, one context per actor) and checked at 1280 px and at 320 px wide:
`document.documentElement.scrollWidth <= window.innerWidth` (the page itself never scrolls sideways; a wide data table
may scroll inside its own focusable region), axe-core WCAG 2.2 A/AA with zero violations, and no console error, CSP
violation or failed sub-resource. axe runs at both widths the first time a URL is seen and, for the other roles'
view of the same URL (the same page with another menu), on the phone layout again. Every problem is collected, so one
run lists them all (test-output/every-page.txt, with the slowest pages); a failing page is saved as a full-page
screenshot under test-output/screenshots/every-page/. A second pass with JavaScript switched off checks every page at
both widths for sideways scrolling, and that every form on it has a button to send it: the service must not need its
scripts to reflow or to be used.
"""

from __future__ import annotations

import os
import re
import time
from datetime import date

import pytest
from flask import url_for

from tests.support.authz_table import OK, TABLE
from tests.support.browser import (
    PASSWORD,
    SCREENSHOTS,
    format_violations,
    new_context,
    run_axe,
    serve_app,
    sign_in,
    watched_page,
)
from tests.support.files import P, all_modules, learning, roster
from tests.web.test_authz_matrix import KENT, url_for_case
from tests.web.test_authz_matrix import seed as seed_authz_world

pytestmark = pytest.mark.browser

# One actor per role (DESIGN.md "Users"): nobody signed in, a force lead (Kent), a ROCU user of Kent's region,
# MSOICU (national) and an admin. The other actors of the table repeat these roles for other forces.
SWEPT = ("anonymous", "lead_A", "regional_in", "national", "admin")
WIDTHS = (1280, 320)
SHOTS = SCREENSHOTS / "every-page"
DAY = date(2025, 6, 2)

# Names as long as real ones get, so a table that cannot reflow shows it.
LONG_NAMES = [("Maximilian-Alexander", "Fotheringham-Wolstenholme"), ("Anastasia", "Papadopoulou-Richardson"),
              ("Oluwaseun", "Adeyemi-Okonkwo"), ("Siobhán", "Ní Mhaoldhomhnaigh"), ("Bartholomew", "Featherstonehaugh")]
DEPARTMENTS = ("Response", "Criminal Investigation Department", "Neighbourhood Policing", "Public Protection Unit")
# Forces beyond Kent and Surrey with figures, so the league table has every status band: (code, people, complete).
OTHER_FORCES = (("gwent", 8, 8), ("dyfed-powys", 8, 6), ("essex", 10, 3), ("norfolk", 6, 0))


def kent_people() -> list[P]:
    """Kent's roster: the matrix's three people and twenty more, some with long names and departments."""
    extra = []
    for i in range(20):
        first, last = LONG_NAMES[i % len(LONG_NAMES)]
        extra.append(P(f"KS{7100 + i}", first, f"{last}{'' if i < 5 else i}", ("frontline", "investigator",
                       "manager")[i % 3], department=DEPARTMENTS[i % len(DEPARTMENTS)],
                       mail=f"person{i}.kent@example.invalid"))
    return [*KENT, *extra]


def seed_forces(run) -> None:
    """Figures for several forces (every status band), and a bigger Kent with half its people done."""
    for code, size, done in OTHER_FORCES:
        people = [P(f"{code[:2].upper()}{i:04}", f"Person{i}", f"Of{code.title().replace('-', '')}", force=code,
                    mail=f"person{i}.{code}@example.invalid") for i in range(size)]
        run("roster", roster(people), f"{code}-roster.csv", code)
        if done:
            run("college-learn", learning([e for p in people[:done] for e in all_modules(p, DAY)]),
                f"{code}-learn.xlsx", code)
    people = kent_people()
    run("roster", roster(people), "kent-roster-july.csv", "kent")
    entries = [e for p in people[3:13] for e in all_modules(p, DAY)]
    entries += [(p, "M1", "In progress", None) for p in people[13:18]]
    run("college-learn", learning(entries), "kent-learn-july.xlsx", "kent")


def seed_batches_and_decisions(users: dict) -> None:
    """A refused file, a rolled-back batch, and remembered decisions (one confirmed, one dismissed)."""
    from sqlalchemy import select

    from lms.extensions import db
    from lms.forces.service import get_force
    from lms.imports.service import rollback, run_import
    from lms.matches.queue import decide, waiting
    from lms.models import Person

    lead = users["lead_A"]
    refused = run_import("college-learn", b"this is not a spreadsheet", "kent-broken.xlsx", "kent", lead)
    assert refused.refused
    undone = run_import("college-learn", learning(all_modules(KENT[1], DAY)), "kent-wrong-month.xlsx", "kent", lead)
    rollback(undone.batch, lead)
    strangers = [P("KX9001", "Rosalind", "Featherington", mail="r.featherington@example.invalid"),
                 P("KX9002", "Ignatius", "Pemberton-Smythe", mail="i.pemberton@example.invalid")]
    run_import("college-learn", learning([e for p in strangers for e in all_modules(p, DAY)]),
               "kent-learn-strangers.xlsx", "kent", lead)
    kent = get_force("kent")
    by_staff = {w.staff_number: w for w in waiting(kent)[0]}
    someone = db.session.scalar(select(Person.id).where(Person.staff_number == "KS7119"))
    decide(kent, by_staff["KX9001"].identity_key, str(someone), lead)
    decide(kent, by_staff["KX9002"].identity_key, "dismiss", lead)


def seed_emails_and_links() -> dict:
    """Chief constables' addresses, a month's league-table emails (they fail: no mail server, so the log shows failures
    to retry), reminders, and a chief constable's link; returns the link's URL arguments."""
    from lms.briefings.links import issue_link, token_of
    from lms.emails.delivery import send_league_tables, send_reminders
    from lms.forces.service import get_force, update_force

    for code in ("kent", "surrey", "gwent"):
        update_force(get_force(code), chief_name="Chief Constable Example", chief_email=f"chief.{code}@example.invalid")
    send_league_tables(require_published=False)
    send_reminders()
    link = issue_link(get_force("kent"))
    return {"code": "kent", "token": token_of(link)}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Its own server (the shared one is the other browser tests'), seeded as the authorisation matrix is, and more."""
    from lms.accounts.service import set_password
    from lms.extensions import db
    from lms.imports.service import run_import
    from lms.models import User

    for old in SHOTS.glob("*.png"):
        old.unlink()
    with serve_app(tmp_path_factory.mktemp("every-page"), "every_page") as server, server.app.app_context():
        data = seed_authz_world()
        users = {actor: db.session.get(User, uid) for actor, uid in data["users"].items()}
        for actor in SWEPT[1:]:
            set_password(users[actor], PASSWORD)
        seed_forces(lambda kind, body, name, code: run_import(kind, body, name, code, None))
        seed_batches_and_decisions(users)
        db.session.commit()
        data["chief_link"] = seed_emails_and_links()
        db.session.commit()
        yield server, data


def visits(app, data: dict) -> dict[str, list[tuple[str, str]]]:
    """actor -> [(endpoint, url)]: every GET case of the authorisation table the actor may open, and a few states the
    table's defaults do not reach (a preview, a refused batch, a chief constable's valid link)."""
    ids = data["ids"]
    only = os.environ.get("LMS_SWEEP_ACTORS")  # while fixing pages: LMS_SWEEP_ACTORS=admin,lead_A
    out = {actor: [] for actor in SWEPT if not only or actor in only.split(",")}
    for key, case in TABLE.items():
        endpoint, method = key[:2]
        if method != "GET":
            continue
        for actor in out:
            if case.expected(actor) == OK:
                out[actor].append((endpoint, url_for_case(app, endpoint, method, case, ids)))
    with app.test_request_context():
        extras = [("anonymous", "briefings.chief_page", url_for("briefings.chief_page", **data["chief_link"])),
                  ("lead_A", "imports.batch", url_for("imports.batch", batch_id=ids["preview_batch"])),
                  ("lead_A", "reports.people", url_for("reports.people", code="kent", show="all"))]
        extras += [("admin", "imports.batch", url_for("imports.batch", batch_id=batch_id))
                   for batch_id in other_batches(set(ids.values()))]
    for actor, endpoint, url in extras:
        if actor in out:
            out[actor].append((endpoint, url))
    if os.environ.get("LMS_SWEEP_PAGES"):  # while fixing pages: LMS_SWEEP_PAGES=forces.forces_list,reports
        wanted = tuple(os.environ["LMS_SWEEP_PAGES"].split(","))
        out = {actor: [(e, u) for e, u in targets if e.startswith(wanted)] for actor, targets in out.items()}
    return out


def other_batches(known: set) -> list[int]:
    """Kent's batches the seed made beyond the matrix's (refused, rolled back, ...), one of each status."""
    from sqlalchemy import select

    from lms.extensions import db
    from lms.models import ImportBatch

    rows = db.session.execute(select(ImportBatch.id, ImportBatch.status).order_by(ImportBatch.id)).all()
    first = {}
    for batch_id, status in rows:
        if batch_id not in known:
            first.setdefault(status, batch_id)
    return sorted(first.values())


def widths_problems(page, label: str, *, axe_at: tuple[int, ...], javascript: bool) -> list[str]:
    """The page at each width: sideways scrolling, axe violations (at the widths in `axe_at`), browser problems."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if javascript:  # let the page's resize handlers run (two frames) before measuring
            page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        problems = []
        if wide[0] > wide[1]:
            culprits = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                             && !e.closest('[role=region][tabindex]') && e.offsetParent !== null)
                .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                                 + (e.className && typeof e.className === 'string'
                                    ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))""")
            problems.append(f"scrolls sideways: {wide[0]} px wide in a {wide[1]} px window ({', '.join(culprits)})")
        if width in axe_at:
            violations = run_axe(page)
            if violations:
                problems.append(format_violations(page.url, violations))
        problems += page.problems.take()
        if problems:
            SHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^a-z0-9]+", "-", f"{label}-{width}".lower()).strip("-")
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
            found += [f"{label} at {width} px: {p}" for p in problems]
    return found


def open_page(page, url: str):
    """Go to `url`; None when it is not a page (a download starts, or the answer is JSON, CSV, ...)."""
    try:
        answer = page.goto(url)
    except Exception as exc:  # noqa: BLE001 - Playwright refuses to "navigate" to a download
        if "Download is starting" in str(exc):
            return None
        raise
    return answer


def sweep(browser, server, plan: dict, *, javascript: bool) -> tuple[set[str], list[str], list[tuple]]:
    """Visit every planned page; returns the endpoints visited, the problems found and (label, seconds) per page."""
    visited, problems, timings, checked = set(), [], [], set()
    for actor, targets in plan.items():
        ctx = new_context(browser, server, javascript=javascript)
        ctx.set_default_timeout(15_000)
        page = watched_page(ctx, server.url)
        if actor != "anonymous":
            sign_in(page, f"{actor}@example.invalid")
        seen = set()
        for endpoint, url in targets:
            started = time.perf_counter()
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            answer = open_page(page, url)
            visited.add(endpoint)
            if answer is None or not answer.headers.get("content-type", "").startswith("text/html"):
                page.problems.take()
                continue  # a download or JSON: tested where it is made
            label = f"{actor} {endpoint} {url}"
            if answer.status >= 400:
                problems.append(f"{label}: answered {answer.status} (the authz table says OK)")
                continue
            if page.url in seen:
                continue  # a redirect to a page already checked
            seen.add(page.url)
            # Another role's view of a page already checked at both widths: axe again on the phone layout only.
            axe_at = () if not javascript else WIDTHS if url not in checked else (320,)
            checked.add(url)
            problems += widths_problems(page, label, axe_at=axe_at, javascript=javascript)
            if not javascript:
                problems += [f"{label}: without JavaScript {form} cannot be sent" for form in unsendable_forms(page)]
            timings.append((label, time.perf_counter() - started))
        ctx.close()
    return visited, problems, timings


def unsendable_forms(page) -> list[str]:
    """Forms on the page with nothing to press: without JavaScript nobody could send them."""
    # form.elements includes the buttons outside the form that name it (form="...").
    return page.evaluate("""() => [...document.forms]
        .filter(f => ![...f.elements].some(e => e.type === 'submit' || e.type === 'image'))
        .map(f => 'the form ' + (f.id ? '#' + f.id : 'to ' + (f.getAttribute('action') || 'this page')))""")


def report(name: str, problems: list[str], timings: list[tuple]) -> None:
    """The run's problems and the slowest pages, in test-output/ (read it when the sweep fails)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    slow = sorted(timings, key=lambda t: -t[1])[:15]
    total = sum(t for _, t in timings)
    (SHOTS.parent.parent / f"{name}.txt").write_text(
        f"{len(timings)} pages in {total:.0f} s\n\nproblems:\n" + "\n".join(problems) + "\n\nslowest:\n"
        + "\n".join(f"{t:6.2f} s  {label}" for label, t in slow) + "\n", encoding="utf-8")


def test_every_page_of_every_role_reflows_and_passes_axe(browser, world):
    server, data = world
    with server.app.app_context():
        plan = visits(server.app, data)
    visited, problems, timings = sweep(browser, server, plan, javascript=True)
    report("every-page", problems, timings)
    in_app = {rule.endpoint for rule in server.app.url_map.iter_rules()
              if "GET" in rule.methods and rule.endpoint not in ("static", "govuk_assets")}
    assert not problems, f"{len(problems)} problem(s) on {len(timings)} pages:\n" + "\n".join(problems)
    assert not in_app - visited, "GET routes no swept actor visited (give one an OK in authz_table.py): " + \
        ", ".join(sorted(in_app - visited))
    assert len(timings) >= 60, f"only {len(timings)} pages were checked"


def test_every_page_reflows_without_javascript(browser, world):
    server, data = world
    with server.app.app_context():
        plan = visits(server.app, data)
    _, problems, timings = sweep(browser, server, plan, javascript=False)
    report("every-page-no-javascript", problems, timings)
    assert not problems, f"{len(problems)} problem(s) on {len(timings)} pages without JavaScript:\n" + \
        "\n".join(problems)


def test_the_sweep_sees_what_it_seeded(browser, world):
    """The checks are not vacuous: the seeded people, batches, emails and a long name are on the pages swept."""
    server, data = world
    ctx = new_context(browser, server)
    page = watched_page(ctx, server.url)
    sign_in(page, "admin@example.invalid")
    page.goto("/forces/kent/people?show=all")
    assert "Fotheringham-Wolstenholme" in page.content()
    page.set_viewport_size({"width": 320, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.goto("/admin/emails")
    assert "chief.kent@example.invalid" in page.content()
    ctx.close()
