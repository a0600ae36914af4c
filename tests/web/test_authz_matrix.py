"""The authorisation matrix: every route of the URL map x every actor, against the outcomes in
tests/support/authz_table.py.

Besides the status, every answer is searched for the names, emails and staff numbers of the seeded people: only a
force's own lead and admins may ever see them (DESIGN.md "Users"). A request that is refused must change nothing.

Speed: the seeded world lives in a database of its own (one per xdist worker) and is shared by the cases; it is
rebuilt only after a case that changed it (an allowed POST, say). Actors are signed in with Flask-Login's
login_user in a request context of the test client, not through the sign-in form: the password hashing would
dominate the run and sign-in itself is tested in test_auth.py.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import pytest
from flask import session, url_for
from flask_login import login_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import create_engine, select

from lms import create_app
from lms.extensions import db
from lms.models import ApiToken, Base, HydraAttendance, LearningRecord, MatchDecision, Person, User
from tests.support.app import fresh_database_url
from tests.support.authz_table import ACTORS, AGGREGATES_ONLY, OK, SIGN_IN, TABLE, Case, Ref
from tests.support.files import P, all_modules, hydra, learning, roster

SKIPPED_ENDPOINTS = {"static", "govuk_assets"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}

# Made-up people with names that occur nowhere else, so finding one in a response means it leaked.
KENT = [P("KQ40917", "Zephyrine", "Quillfeather", "investigator", mail="zq.private@kent.police.invalid"),
        P("KQ40918", "Barnaby", "Oakenshield", "frontline", mail="b.oakenshield@kent.police.invalid"),
        P("KQ40919", "Marisol", "Thackeray", "manager", mail="marisol.t@kent.police.invalid")]
KENT_UNMATCHED = P("KU55102", "Ottoline", "Verbeck", mail="ottoline.verbeck@kent.police.invalid")
SURREY = [P("SR71003", "Percival", "Thistlewood", "investigator", force="surrey",
            mail="percival.thistlewood@surrey.police.invalid"),
          P("SR71004", "Wilhelmina", "Drabble", "frontline", force="surrey", mail="w.drabble@surrey.police.invalid")]
DONE = date(2025, 6, 2)


def person_data(people: list[P]) -> set[str]:
    return {value for p in people for value in (p.staff, p.first, p.last, p.email)}


KENT_DATA = person_data([*KENT, KENT_UNMATCHED])
SURREY_DATA = person_data(SURREY)
# The Hydra register regional_in uploads: what is in it, they already know.
REGIONAL_REGISTER = [(KENT[1], date(2025, 5, 14), "Attended")]
REGIONAL_KNOWS = person_data([p for p, _, _ in REGIONAL_REGISTER])

# lead_A's Kent register also lists a Surrey delegate (on Surrey's roster, written with another email): that line
# waits for Surrey as a pending record. Reviewing it, Surrey's ROCU (regional_out) sees the line as the register
# wrote it, never the roster's details of the person it matches.
PENDING_LINE = P(SURREY[1].staff, SURREY[1].first, SURREY[1].last, "frontline", force="surrey",
                 mail="wilhelmina.home@example.invalid")
SENDING_REGISTER = [(KENT[2], date(2025, 5, 28), "Attended"), (PENDING_LINE, date(2025, 5, 28), "Attended")]
REVIEWER_SEES = {"regional_out": person_data([PENDING_LINE])}

# Whose people each actor must never see.
FORBIDDEN = {
    "anonymous": KENT_DATA | SURREY_DATA,
    "lead_A": SURREY_DATA,
    "lead_B": KENT_DATA,
    "regional_in": (KENT_DATA | SURREY_DATA) - REGIONAL_KNOWS,
    "regional_out": KENT_DATA | SURREY_DATA,
    "national": KENT_DATA | SURREY_DATA,
    "admin": set(),
}
ACCOUNTS = {  # actor -> (role, force, region)
    "lead_A": ("force_lead", "kent", None),
    "lead_B": ("force_lead", "surrey", None),
    "regional_in": ("regional", None, "Eastern"),  # Kent's region (ERSOU)
    "regional_out": ("regional", None, "South East"),  # Surrey's region, not Kent's
    "national": ("national", None, None),
    "admin": ("admin", None, None),
}


# --- the seeded world ---------------------------------------------------------------------------------------------


def seed() -> dict:
    """Reference data, the actors, Kent and Surrey rosters, Kent's College Learn batch (committed, with an
    unmatched learner), a preview waiting for commit, a Hydra register for Kent uploaded by regional_in, and a Kent
    batch lead_B uploaded while they led Kent.
    Returns the ids the URLs need."""
    from lms.accounts.auth import issue_token
    from lms.accounts.service import create_user, update_account
    from lms.forces.reference import load_reference_data
    from lms.forces.service import get_force
    from lms.imports.service import run_import

    load_reference_data()
    users = {actor: create_user(f"{actor}@example.invalid", role, force_code=force, region_name=region)
             for actor, (role, force, region) in ACCOUNTS.items()}
    # lead_B led Kent before an admin moved them to Surrey; one of Kent's batches is theirs from then.
    update_account(users["lead_B"], role="force_lead", force_code="kent", region_name=None, actor=users["admin"])
    old = run_import("college-learn", learning([(KENT[2], "M2", "Completed", DONE)]), "kent-old-lead.xlsx", "kent",
                     users["lead_B"])
    update_account(users["lead_B"], role="force_lead", force_code="surrey", region_name=None, actor=users["admin"])
    target = create_user("target@example.invalid", "national")  # the account the admin pages act on
    tokens = {actor: issue_token(user) for actor, user in users.items()}
    issue_token(target)
    run_import("roster", roster(KENT), "kent-roster.csv", "kent", None)
    run_import("roster", roster(SURREY), "surrey-roster.csv", "surrey", None)
    learn = run_import("college-learn", learning(all_modules(KENT[0], DONE) + all_modules(KENT_UNMATCHED, DONE)),
                       "kent-learn.xlsx", "kent", None)
    preview = run_import("college-learn", learning([(KENT[1], "M1", "Completed", DONE)]), "kent-more.xlsx", "kent",
                         None, mode="preview")
    register = run_import("hydra", hydra(REGIONAL_REGISTER), "register.csv", "kent", users["regional_in"])
    sending = run_import("hydra", _register_for_kent(SENDING_REGISTER), "kent-register.csv", "kent", users["lead_A"])
    assert sending.summary["sent_to_other_forces"] == {"surrey": 1}
    assert not learn.refused and not preview.refused and not register.refused and not old.refused
    # A remembered decision per force (a dismissed learner whose records are gone), for the decisions pages.
    decided = {code: MatchDecision(force_id=get_force(code).id, identity_key=f"s:{code}-gone|e:|n:gone learner",
                                   decision="dismissed") for code in ("kent", "surrey")}
    db.session.add_all(decided.values())
    db.session.commit()
    ids = {
        "kent_batch": learn.batch.id,
        "preview_batch": preview.batch.id,
        "regional_batch": register.batch.id,
        "sending_batch": sending.batch.id,
        "pending_line": db.session.scalar(select(HydraAttendance.id).where(HydraAttendance.pending.is_(True))),
        "moved_lead_batch": old.batch.id,
        "kent_decision": decided["kent"].id,
        "surrey_decision": decided["surrey"].id,
        "kent_person": db.session.scalar(select(Person.id).where(Person.staff_number == KENT[0].staff)),
        "surrey_person": db.session.scalar(select(Person.id).where(Person.staff_number == SURREY[0].staff)),
        "target_user": target.id,
        "target_token": db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == target.id)),
        "unmatched_key": db.session.scalar(select(LearningRecord.identity_key)
                                           .where(LearningRecord.staff_number == KENT_UNMATCHED.staff).limit(1)),
    }
    assert all(value is not None for value in ids.values()), ids
    return {"ids": ids, "users": {actor: user.id for actor, user in users.items()}, "tokens": tokens}


def _register_for_kent(entries) -> bytes:
    """A Hydra register whose Force column names each delegate's own force."""
    header, *lines = hydra(entries).decode().splitlines()
    names = {"kent": "Kent Police", "surrey": "Surrey Police"}
    fixed = [line.replace("Kent Police", names[p.force]) for line, (p, _, _) in zip(lines, entries, strict=True)]
    return "\n".join([header, *fixed, ""]).encode()


def fingerprint() -> dict[str, list[tuple]]:
    """Every row of every table, but when a token was last used (every bearer request writes it)."""
    db.session.remove()
    out = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if not (table.name == "api_token" and c.name == "last_used_at")]
            rows = conn.execute(select(*columns).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


@dataclass
class World:
    app: object
    data: dict = field(default_factory=dict)
    pristine: dict = field(default_factory=dict)
    dirty: bool = True

    def ensure(self) -> None:
        """Rebuild the seed if the last case changed anything."""
        if not self.dirty:
            return
        with self.app.app_context():
            with db.engine.begin() as conn:
                for table in reversed(Base.metadata.sorted_tables):
                    conn.execute(table.delete())
            self.data = seed()
            self.pristine = fingerprint()
        self.dirty = False


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("authz")
    url = fresh_database_url(folder, "authz")
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_DIR": str(folder / "instance"),
        "UPLOAD_DIR": str(folder / "instance" / "uploads"),
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "authz-secret-key",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": 1,
        "BASE_URL": "http://127.0.0.1:5000",
        "RATELIMIT_ENABLED": False,
    })
    yield World(app)
    with app.app_context():
        db.engine.dispose()


# --- building each request ----------------------------------------------------------------------------------------


def _first_job() -> str:
    from lms.scheduler.settings import JOBS

    return next(iter(JOBS))


# URL arguments by name; a Ref is a seeded object's id.
SAMPLES = {
    "code": "kent",
    "slug": "eastern",  # Kent's region
    "batch_id": Ref("kent_batch"),
    "person_id": Ref("kent_person"),
    "user_id": Ref("target_user"),
    "token_id": Ref("target_token"),
    "category": "frontline",
    "kind": "roster",
    "job_id": _first_job(),
    "token": "not-a-signed-token",  # a chief constable's link (briefings.chief_page); valid ones: tests/briefings
    "link_id": 999999,  # a chief link that does not exist
    "decision_id": Ref("kent_decision"),  # a remembered decision of Kent's (matches.undo_decision)
    "name": "kent",  # a single sign-on provider (accounts.sso_start); this app configures none
}
ARGS = {"forces.requirement_edit": {"code": "M1"}}
QUERY = {endpoint: {"force": "kent"} for endpoint in
         ("emails.preview", "emails.preview_html", "emails.preview_attachment")}


def _publish_period() -> str:
    from lms.core import clock
    from lms.emails import publish as publishing

    return next(s.period for s in publishing.publish_states(clock.today()) if not s.locked)


# The file an upload case sends, by kind: people the uploaders already know (REGIONAL_KNOWS for regional_in).
UPLOADS = {
    "hydra": lambda: (io.BytesIO(hydra([(p, date(2025, 5, 21), "Attended") for p, _, _ in REGIONAL_REGISTER])),
                      "register.csv"),
    "roster": lambda: (io.BytesIO(roster(KENT)), "roster.csv"),
}


NEW_PASSWORD = "a-long-new-passphrase-4417"
# Bodies that an allowed user's request succeeds with (each case runs on its own copy of the seed).
BODIES = {
    "accounts.sign_in": lambda ids: {"email": "nobody@example.invalid", "password": "not-the-password-1"},
    "imports.upload": lambda ids: {"kind": "hydra", "force": "kent", "file": UPLOADS},
    "imports_api.create_import": lambda ids: {"kind": "hydra", "force": "kent", "dry_run": "true", "file": UPLOADS},
    "matches.unmatched": lambda ids: {"identity_key": ids["unmatched_key"], "person_id": "dismiss"},
    "pending.queue": lambda ids: {"line": ids["pending_line"], "decision": "accept"},
    "pending.accept_all": lambda ids: {"upto": ids["pending_line"]},
    "matches.accept_all": lambda ids: {"minimum": "90", "choice": f"{ids['kent_person']} {ids['unmatched_key']}"},
    "emails.publish": lambda ids: {"period": _publish_period()},
    "scheduler.publish_step": lambda ids: {"required": "on"},
    "scheduler.edit": lambda ids: {"cron": "30 9 * * 1", "enabled": "on"},
    "emails.send_now": lambda ids: {"kind": "league_tables", "force": "kent"},
    "accounts.user_new": lambda ids: {"email": "new.user@example.invalid", "name": "New User", "role": "national",
                                   "force": "", "region": "", "password": NEW_PASSWORD},
    "accounts.user_edit": lambda ids: {"role": "national", "force": "", "region": ""},
    "accounts.user_password": lambda ids: {"password": NEW_PASSWORD},
    "forces.force_edit": lambda ids: {"chief_name": "A Chief", "chief_email": "chief@kent.police.invalid",
                                     "personal_reminders": "off"},
    "forces.rule_new": lambda ids: {"category": "detective", "elearning": "yes", "hydra": "no"},
    "forces.rule_edit": lambda ids: {"elearning": "yes", "hydra": "yes"},
    "forces.requirement_edit": lambda ids: {"title": "OIC module 1: an introduction", "aliases": ""},
}


def url_for_case(app, endpoint: str, method: str, case: Case, ids: dict) -> str:
    rule = next(r for r in app.url_map.iter_rules(endpoint) if method in r.methods)
    values = {}
    for name in rule.arguments:
        value = case.args.get(name, ARGS.get(endpoint, {}).get(name, SAMPLES[name]))
        values[name] = ids[value.name] if isinstance(value, Ref) else value
    values.update(QUERY.get(endpoint, {}))
    with app.test_request_context():
        return url_for(endpoint, _method=method, **values)


# --- the actors ---------------------------------------------------------------------------------------------------


def client_for(world: World, actor: str):
    """A test client with `actor` signed in (a real Flask-Login session for this client), and the session's CSRF
    token, which the API wants in a header from session (not bearer) callers on a state change."""
    client = world.app.test_client()
    if actor == "anonymous":
        return client, None
    with world.app.test_request_context(environ_base=client.environ_base):
        login_user(db.session.get(User, world.data["users"][actor]), fresh=True)
        token = generate_csrf()
        values = dict(session)
    with client.session_transaction() as sess:
        sess.update(values)
    return client, token


def outcome(response):
    if response.status_code in (301, 302, 303, 307, 308):
        return SIGN_IN if urlsplit(response.headers["Location"]).path == "/sign-in" else OK
    if 200 <= response.status_code < 300:
        return OK
    return response.status_code


def readable_text(response) -> str:
    """The body as text, with .xlsx (zip) parts unpacked, and the headers (a filename can leak too)."""
    body = response.get_data()
    parts = [body]
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts = [archive.read(name) for name in archive.namelist()]
    text = "\n".join(part.decode("utf-8", "replace") for part in parts)
    return (text + "\n" + "\n".join(f"{k}: {v}" for k, v in response.headers.items())).casefold()


# --- the cases ----------------------------------------------------------------------------------------------------


def _cases():
    for key, case in TABLE.items():
        endpoint, method = key[:2]
        variant = key[2] if len(key) > 2 else None
        vias = ("session", "bearer") if endpoint.split(".")[0].endswith("_api") else ("session",)
        for actor in ACTORS:
            for via in vias:
                label = "-".join(filter(None, (endpoint, method, variant, actor, via if via != "session" else "")))
                marks = []
                if actor in case.bugs:
                    marks.append(pytest.mark.xfail(strict=True, reason=case.bugs[actor]))
                yield pytest.param(endpoint, method, case, actor, via, id=label.replace(" ", "_"), marks=marks)


@pytest.mark.parametrize(("endpoint", "method", "case", "actor", "via"), list(_cases()))
def test_authorisation_matrix(world, endpoint, method, case, actor, via):
    """One cell: the outcome the table gives, no person-level data the actor may not see, and a refusal changes
    nothing."""
    world.ensure()
    ids = world.data["ids"]
    app = world.app
    url = url_for_case(app, endpoint, method, case, ids)
    client, csrf_token = client_for(world, actor if via == "session" else "anonymous")
    headers = {"X-CSRFToken": csrf_token} if csrf_token else {}
    if via == "bearer":
        # Anonymous sends a token that is not one: the same 401 as no credentials.
        headers["Authorization"] = "Bearer " + world.data["tokens"].get(actor, "lms_not-a-real-token")
    data = None
    if method == "POST":
        body = BODIES.get(endpoint)
        with app.app_context():
            data = {**(body(ids) if body else {}), **case.form}
        if "file" in data:
            data["file"] = UPLOADS[data["kind"]]()
    world.dirty = True  # until the fingerprint below shows otherwise
    response = client.open(url, method=method, data=data, headers=headers)
    expected = case.expected(actor)
    got = outcome(response)
    text = readable_text(response)
    response.close()

    with app.app_context():
        after = fingerprint()
    world.dirty = after != world.pristine

    where = f"{method} {url} as {actor}" + (" (bearer token)" if via == "bearer" else "")
    assert got == expected, f"{where}: expected {expected}, got {response.status_code} " \
                            f"{response.headers.get('Location', '')}"
    forbidden = KENT_DATA | SURREY_DATA if endpoint in AGGREGATES_ONLY else FORBIDDEN[actor]
    if endpoint.startswith("pending."):
        forbidden = forbidden - REVIEWER_SEES.get(actor, set())
    leaked = sorted(value for value in forbidden if value.casefold() in text)
    assert not leaked, f"{where}: person-level data in the answer: {leaked}"
    if url.startswith("/api/") and response.status_code >= 400:
        assert response.is_json and "error" in response.get_json(), f"{where}: not the CONTRACT's error object"
    refused = expected in (401, 403, 404) or (expected == 400 and endpoint != "accounts.sign_in") or (
        expected == SIGN_IN and actor == "anonymous")
    if refused:
        # A failed sign-in and a refused chief constable's link are audited, by design.
        audited = {"audit_event"} if endpoint in ("accounts.sign_in", "briefings.chief_page") else set()
        changes = sorted(name for name, rows in after.items() if rows != world.pristine[name] and name not in audited)
        assert not changes, f"{where}: was refused but changed {changes}"


def test_every_route_of_the_app_is_in_the_table(world):
    """A new route fails here until its row is added to tests/support/authz_table.py (and an old row once it is
    gone)."""
    in_app = {(rule.endpoint, method) for rule in world.app.url_map.iter_rules()
              if rule.endpoint not in SKIPPED_ENDPOINTS for method in rule.methods - IGNORED_METHODS}
    in_table = {key[:2] for key in TABLE}
    missing = sorted(in_app - in_table)
    stale = sorted(in_table - in_app)
    assert not missing, "Routes with no row in tests/support/authz_table.py (say who may use them): " + ", ".join(
        f"{endpoint} {method}" for endpoint, method in missing)
    assert not stale, "Rows in tests/support/authz_table.py for routes the app no longer has: " + ", ".join(
        f"{endpoint} {method}" for endpoint, method in stale)
    for key, case in TABLE.items():
        assert len(case.outcomes) == len(ACTORS), key
        assert set(case.bugs) <= set(ACTORS), key
        assert all(o in (OK, SIGN_IN) or isinstance(o, int) for o in case.outcomes), key


def test_the_leak_check_finds_people_where_they_are_allowed(world):
    """The search for person-level data is not vacuous: the pages that may show people do show them, .xlsx too."""
    world.ensure()
    ids = world.data["ids"]
    names = {value for p in KENT for value in (p.staff, p.first, p.last)}
    for actor, url, expected in (
        ("lead_A", "/forces/kent/people?show=all", names),
        ("lead_A", "/forces/kent/people.xlsx?show=all", names),
        ("admin", f"/forces/kent/people/{ids['kent_person']}", person_data(KENT[:1])),
        ("admin", "/forces/kent/unmatched", person_data([KENT_UNMATCHED])),
        ("lead_B", f"/forces/surrey/people/{ids['surrey_person']}", person_data(SURREY[:1])),
        ("lead_B", "/forces/surrey/pending", person_data([PENDING_LINE]) | {SURREY[1].email}),
        ("regional_out", "/forces/surrey/pending", person_data([PENDING_LINE])),
    ):
        client, _ = client_for(world, actor)
        response = client.get(url)
        assert response.status_code == 200, url
        text = readable_text(response)
        assert {value for value in expected if value.casefold() not in text} == set(), (actor, url)
