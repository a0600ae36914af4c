"""Every form of the service submitted in a real browser with JavaScript switched off, valid and (where a mistake is
possible) invalid, checking what a user then sees: GOV.UK progressive enhancement must never be needed.

Each test names the POST routes it submits (`@submits`) and a fixture checks the browser really posted to each of
them. `test_every_form_route_is_submitted_here` derives the service's form routes from the authorization table
(tests/support/authz_table.py, which every route must be in) and fails on one no test here submits, so a new form
cannot go untried without JavaScript.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from tests.support.authz_table import TABLE
from tests.support.browser import PASSWORD, expect, sign_in, summary_value, upload_file
from tests.support.files import MODULE_TITLES, P, all_modules, hydra, learning, roster, xlsx_bytes

pytestmark = pytest.mark.browser

COVERS: dict[str, frozenset[str]] = {}
DAY = date(2025, 6, 2)


def submits(*endpoints: str):
    """Declare the POST routes a test submits through their forms (checked by the `posted` fixture)."""

    def mark(test):
        COVERS[test.__name__] = frozenset(endpoints)
        return test

    return mark


@pytest.fixture
def posted(nojs_page, live_server, request):
    """The endpoints the browser POSTed to during the test; afterwards, every one the test declared must be there."""
    adapter = live_server.app.url_map.bind("127.0.0.1")
    seen: set[str] = set()

    def record(req) -> None:
        if req.method == "POST" and req.url.startswith(live_server.url):
            seen.add(adapter.match(urlsplit(req.url).path, method="POST")[0])

    failed_before = request.session.testsfailed
    nojs_page.on("request", record)
    yield seen
    if request.session.testsfailed > failed_before:
        return  # the test's own failure says what went wrong
    missing = COVERS.get(request.node.function.__name__, frozenset()) - seen
    assert not missing, f"declared but never submitted: {sorted(missing)}"


def test_every_form_route_is_submitted_here():
    form_routes = {key[0] for key in TABLE if key[1] == "POST" and "_api." not in key[0]}
    covered = frozenset().union(*COVERS.values())
    assert not form_routes - covered, (
        f"form routes no test submits without JavaScript: {sorted(form_routes - covered)}: add them to "
        "tests/browser/test_forms_without_javascript.py")


# --- helpers -------------------------------------------------------------------------------------------------------


def error_summary(page):
    return page.locator(".govuk-error-summary")


def expect_error(page, message: str, field_id: str | None = None) -> None:
    """The error summary says `message` (linking to `field_id` when given), the field shows it, the title says so."""
    expect(error_summary(page)).to_contain_text(message)
    if field_id:
        link = error_summary(page).get_by_role("link", name=message)
        assert link.get_attribute("href") == f"#{field_id}"
        assert page.locator(f"#{field_id}").count() == 1
        expect(page.locator(".govuk-error-message", has_text=message).first).to_be_visible()
    assert page.title().startswith("Error: "), page.title()
    assert page.locator(".govuk-notification-banner").count() == 0


def expect_success(page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)
    assert error_summary(page).count() == 0


def button(page, name: str, *, exact: bool = False) -> None:
    page.get_by_role("button", name=name, exact=exact).first.click()


def scripts_off(page) -> None:
    """GOV.UK Frontend marks the body js-enabled from a script: not here."""
    assert page.locator("body.js-enabled").count() == 0


def sign_out(page) -> None:
    page.get_by_role("link", name="Sign out").click()
    button(page, "Sign out")
    expect_success(page, "You have been signed out")


def date_input(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


# --- signing in and out --------------------------------------------------------------------------------------------


@submits("accounts.sign_in", "accounts.sign_out")
def test_sign_in_and_out(nojs_page, live_server, posted):
    page = nojs_page
    email = live_server.create_user("national")
    page.goto("/sign-in")
    button(page, "Sign in")
    expect_error(page, "Enter your email address", "email")
    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("not the password")
    button(page, "Sign in")
    expect(error_summary(page)).to_be_visible()
    assert page.title().startswith("Error: ")
    sign_in(page, email, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/sign-in" not in page.url
    sign_out(page)
    assert "/sign-in" in page.url


# --- a force lead: upload, map, preview, commit, cancel, try again, decide, roll back -------------------------------

HEADINGS = ["Learner ref", "Learner", "Programme", "Outcome", "Finished on"]


def unplaceable_export(people: list[P]) -> bytes:
    """A College Learn export whose headings the service cannot place, with a status it does not know."""
    rows = [[p.staff, f"{p.first} {p.last}", MODULE_TITLES[m], "Achieved", "14/05/2025"]
            for p in people for m in ("M1", "M2", "M3", "M4")]
    return xlsx_bytes(HEADINGS, rows, title_rows=["Learner outcomes report"])


def map_the_columns_and_values(page) -> None:
    page.get_by_label("Staff number (optional)").select_option("Learner ref")
    page.get_by_label("Course (needed)").select_option("Programme")
    page.get_by_label("Status (needed)").select_option("Outcome")
    page.get_by_label("Date completed (needed)").select_option("Finished on")
    button(page, "Preview with these columns")
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    page.get_by_role("group", name=re.compile("Achieved")).get_by_label("Complete", exact=True).check()
    button(page, "Save and update the preview")
    assert summary_value(page, "New completions").split()[0] == "4"


def batch_id(page) -> int:
    return int(re.search(r"/imports/(\d+)", page.url).group(1))


@submits("imports.upload", "imports.columns", "imports.values", "imports.commit", "imports.cancel",
         "imports.rollback_batch", "imports.delete_mapping")
def test_a_lead_uploads_maps_commits_cancels_and_rolls_back(nojs_page, live_server, posted):
    page, code = nojs_page, "bedfordshire"
    ava = P("BD01", "Ava", "Stone", force=code)
    live_server.commit_import("roster", roster([ava, P("BD02", "Ben", "Marsh", force=code)]), "roster.csv", code)
    sign_in(page, live_server.create_user("force_lead", force=code))

    page.goto("/upload")
    scripts_off(page)
    expect(page.locator("#force-name")).to_have_text("Bedfordshire Police")  # one force: named, not a select
    button(page, "Upload and preview")
    expect_error(page, "Select what kind of file it is", "kind")
    expect_error(page, "Select a .xlsx or .csv file", "file")

    upload_file(page, "College Learn completion export", "outcomes.xlsx", unplaceable_export([ava]))
    page.wait_for_url(re.compile(r"/imports/\d+/columns$"))
    button(page, "Preview with these columns")  # nothing chosen yet: the page says what is missing
    expect_error(page, "Choose the heading of at least one field")
    map_the_columns_and_values(page)
    button(page, "Commit this file")
    expect(page.get_by_role("heading", level=1)).to_contain_text("committed")
    committed = batch_id(page)
    assert live_server.force_api(code)["elearning"]["complete"] == 1

    upload_file(page, "College Learn completion export", "again.xlsx", learning(all_modules(ava, DAY)))
    page.wait_for_url(re.compile(r"/imports/\d+$"))
    button(page, "Cancel", exact=True)
    expect_success(page, "cancelled")

    page.goto(f"/imports/{committed}/rollback")
    button(page, "Roll back")
    expect(page.get_by_role("heading", level=1)).to_contain_text("rolled back")
    assert live_server.force_api(code)["elearning"]["complete"] == 0

    page.goto(f"/forces/{code}/imports")
    page.locator("#column-mappings").get_by_role("link", name=re.compile("Delete")).click()
    button(page, "Delete")
    expect_success(page, "Column mapping deleted")


def stop_worker(live_server, batch: int) -> None:
    """As if a worker had claimed the batch and been killed an hour ago."""
    from sqlalchemy import update

    from lms.extensions import db
    from lms.imports import worker
    from lms.models import ImportBatch, utcnow

    with live_server.app.app_context():
        assert worker.claim(batch) is not None
        db.session.execute(update(ImportBatch).where(ImportBatch.id == batch)
                           .values(heartbeat_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
        db.session.remove()


@submits("imports.retry")
def test_a_failed_preview_is_tried_again(nojs_page, live_server, posted):
    page, code = nojs_page, "cambridgeshire"
    email = live_server.create_user("force_lead", force=code)
    data = roster([P(f"CB{i:05}", f"Fore{i}", f"Sur{i}", force=code) for i in range(4000)])
    held = live_server.hold_background_preview("roster", data, "big-roster.csv", code, email)
    stop_worker(live_server, held)
    sign_in(page, email)
    page.goto(f"/imports/{held}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("failed")
    button(page, "Try again")
    page.wait_for_url(re.compile(rf"/imports/{held}$"))
    # Without scripts the progress page refreshes itself until the preview is ready.
    expect(page.get_by_role("heading", level=1, name="Check what this file will change")).to_be_visible(
        timeout=60_000)
    assert summary_value(page, "People added").replace(",", "").split()[0] == "4000"


# --- the admin's pages -----------------------------------------------------------------------------------------------


def lock(live_server, email: str) -> None:
    """As if they had failed to sign in too often."""
    from lms.extensions import db
    from lms.models import User, utcnow

    with live_server.app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        user.failed_signins, user.locked_until = 10, utcnow() + timedelta(hours=1)
        db.session.commit()


@submits("accounts.user_new", "accounts.user_edit", "accounts.user_password", "accounts.user_unlock",
         "accounts.token_new", "accounts.token_revoke", "accounts.user_deactivate", "accounts.user_reactivate")
def test_an_admin_manages_an_account(nojs_page, live_server, posted):
    page = nojs_page
    sign_in(page, live_server.create_user("admin"))
    page.goto("/admin/users/new")
    scripts_off(page)
    page.get_by_label("Email address").fill("not an address")
    button(page, "Create account")
    expect_error(page, "Enter an email address in the correct format, like name@example.police.uk", "email")
    expect_error(page, "Select the role", "role")
    page.get_by_label("Email address").fill("ada.hart@nojs.example.invalid")
    page.get_by_label("MSOICU (national)").check()
    page.get_by_label("Initial password").fill("a long enough passphrase 42")
    button(page, "Create account")
    expect_success(page, "Account created for ada.hart@nojs.example.invalid")
    detail = page.url

    page.get_by_role("link", name=re.compile("Change")).first.click()
    page.get_by_label("ROCU OIC co-ordinator").check()
    page.get_by_label("Region").select_option("Eastern")
    button(page, "Save changes")
    expect_success(page, "changes saved")

    page.get_by_role("link", name="Reset their password").click()
    button(page, "Reset password")
    expect_error(page, "Enter a new password", "password")
    page.get_by_label("New password").fill("another long passphrase 43")
    button(page, "Reset password")
    expect_success(page, "Password reset")

    lock(live_server, "ada.hart@nojs.example.invalid")
    page.goto(detail)
    button(page, "Unlock account")
    expect_success(page, "is unlocked")

    page.get_by_role("link", name="Create an API token").click()
    button(page, "Create token")
    expect(page.get_by_role("heading", level=1)).to_contain_text("token")
    page.goto(detail)
    page.locator("main").get_by_role("link", name=re.compile("Revoke")).first.click()
    button(page, "Revoke token")
    expect_success(page, "no longer works")

    page.goto(detail)
    page.get_by_role("button", name="Deactivate account").click()  # a link styled as a button
    button(page, "Deactivate account")
    expect_success(page, "has been deactivated")
    button(page, "Reactivate account")
    expect_success(page, "has been reactivated")


@submits("forces.force_edit", "forces.rule_new", "forces.rule_edit", "forces.rule_delete", "forces.requirement_edit")
def test_an_admin_changes_forces_rules_and_requirements(nojs_page, live_server, posted):
    page = nojs_page
    sign_in(page, live_server.create_user("admin"))
    page.goto("/admin/forces/dorset")
    page.get_by_label("Chief constable's email address").fill("chief at dorset")
    button(page, "Save")
    expect_error(page, "Enter an email address in the correct format, like name@example.police.uk", "chief_email")
    page.get_by_label("Chief constable's email address").fill("chief@dorset.example.invalid")
    button(page, "Save")
    expect_success(page, "Dorset Police: settings saved")

    page.goto("/admin/rules/new")
    button(page, "Add role category")
    expect_error(page, "Enter the role category", "category")
    page.get_by_label("Role category").fill("custody")
    page.get_by_role("group", name=re.compile("e-learning")).get_by_label("Yes").check()
    page.get_by_role("group", name=re.compile("Hydra")).get_by_label("No").check()
    button(page, "Add role category")
    expect_success(page, "Role category custody added")
    page.goto("/admin/rules/custody")
    page.get_by_role("group", name=re.compile("Hydra")).get_by_label("Yes").check()
    button(page, "Save")
    expect_success(page, "Role category custody saved")
    page.goto("/admin/rules/custody/delete")
    button(page, "Delete role category")
    expect_success(page, "Role category custody deleted")

    page.goto("/admin/requirements/M2")
    page.get_by_label("Title", exact=True).fill("")
    button(page, "Save")
    expect_error(page, "Enter the title", "title")
    page.get_by_label("Title", exact=True).fill(MODULE_TITLES["M2"])
    button(page, "Save")
    expect_success(page, "M2: saved")


@submits("forces.due_dates_edit", "forces.due_dates_confirm", "scheduler.edit", "scheduler.publish_step")
def test_an_admin_sets_due_dates_and_schedules(nojs_page, live_server, posted):
    page = nojs_page
    sign_in(page, live_server.create_user("admin"))
    page.goto("/admin/due-dates")
    page.get_by_label("Grace period for joiners, in days").fill("ninety")
    button(page, "Continue")
    expect_error(page, "Enter the grace period as a whole number of days from 0 to 730", "grace_days")
    page.get_by_label("Grace period for joiners, in days").fill("90")
    button(page, "Continue")
    button(page, "Save these settings")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()

    page.goto("/admin/schedules/reminders")
    page.get_by_label("Schedule").fill("every monday")
    button(page, "Save schedule")
    expect(error_summary(page)).to_contain_text("Enter five fields")
    assert page.title().startswith("Error: ")
    page.get_by_label("Schedule").fill("0 9 * * mon")
    button(page, "Save schedule")
    expect_success(page, "schedule saved")
    page.goto("/admin/schedules")
    page.locator("form[action$='/publish-step']").get_by_role("button").click()
    expect_success(page, "Publishing")


@submits("emails.publish", "emails.send_now", "briefings.revoke_link")
def test_publishing_sending_now_and_withdrawing_a_link(nojs_page, live_server, posted):
    page = nojs_page
    from sqlalchemy import func, select

    from lms.briefings import links
    from lms.extensions import db
    from lms.forces.service import get_force
    from lms.models import EmailLog

    with live_server.app.app_context():
        links.issue_link(get_force("wiltshire"))
        db.session.commit()
        emails_before = db.session.scalar(select(func.max(EmailLog.id))) or 0
    try:
        _publish_send_and_withdraw(page, live_server)
    finally:
        _forget_published_tables_and_emails(live_server, emails_before)


def _forget_published_tables_and_emails(live_server, emails_before: int) -> None:
    """The live server is shared by the browser suite: a published table (or one stored when emails are sent) would
    fix this month's league-table emails for every later test, so it goes, with the emails this test sent."""
    from sqlalchemy import delete

    from lms.extensions import db
    from lms.models import EmailLog, PublishedTable

    with live_server.app.app_context():
        db.session.execute(delete(PublishedTable))
        db.session.execute(delete(EmailLog).where(EmailLog.id > emails_before))
        db.session.commit()


def _publish_send_and_withdraw(page, live_server) -> None:
    sign_in(page, live_server.create_user("admin"))
    page.goto("/publish")
    page.locator("input[name=period]").evaluate_all("radios => radios.forEach(r => r.checked = false)")
    button(page, "Continue")
    expect_error(page, "Select the month", "period")
    page.locator("input[name=period]:not([disabled])").first.check()
    button(page, "Continue")
    expect(page.get_by_role("heading", level=1, name="Check before you publish")).to_be_visible()
    button(page, "Publish this table")
    expect_success(page, "Published the table")

    page.goto("/admin/emails/send?kind=reminders")
    send = page.get_by_role("button", name=re.compile(r"^Send \d+ emails? now"))
    if send.count():
        send.click()
    else:  # nothing to send: post the form anyway, as a user pressing the button on a stale page would
        page.goto("/admin/emails/send?kind=league_tables&force=wiltshire")
        page.get_by_role("button", name=re.compile(r"^Send \d+ emails? now")).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/admin/emails" in page.url

    page.goto("/admin/chief-links")
    page.locator("#links tbody tr", has_text="Wiltshire Police").first.get_by_role("button", name="Withdraw").click()
    expect_success(page, "no longer opens")


# --- GET forms: filters and dates -------------------------------------------------------------------------------------


def test_filters_and_dates_without_javascript(nojs_page, live_server):
    page, code = nojs_page, "leicestershire"
    live_server.commit_import("roster", roster([P("SF01", "Cy", "Reed", force=code),
                                                P("SF02", "Di", "Lowe", "manager", force=code)]), "r.csv", code)
    sign_in(page, live_server.create_user("admin"))

    page.goto("/league-table")
    date_input(page, "Figures as of", "1", "", "2026")
    button(page, "Show figures")
    expect_error(page, "Figures as of must include a month", "as_of-month")
    date_input(page, "Figures as of", "31", "3", "2026")
    button(page, "Show figures")
    assert "as_of-day=31" in page.url and error_summary(page).count() == 0
    expect(page.locator("main")).to_contain_text("31 March 2026")

    page.goto(f"/forces/{code}")
    date_input(page, "Figures as of", "30", "2", "2026")
    button(page, "Show figures")
    expect_error(page, "Figures as of must be a real date", "as_of-day")

    page.goto("/admin/audit")
    date_input(page, "From", "2", "7", "2025")
    date_input(page, "To", "1", "7", "2025")
    button(page, "Apply filters")
    expect_error(page, "To date must be the same as or after the from date", "date_to-day")
    date_input(page, "To", "", "", "")
    button(page, "Apply filters")
    assert error_summary(page).count() == 0 and "date_from-day=2" in page.url

    page.goto(f"/forces/{code}/people")
    page.get_by_role("button", name=re.compile("Apply filters|Show people|Filter")).first.click()
    expect(page.locator("main")).to_contain_text("Reed")
    page.goto("/admin/emails")
    page.get_by_role("button", name=re.compile("Apply filters|Filter")).first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


# --- a lead's queues: unmatched learners, decisions, pending records from other forces ------------------------------


def import_as(live_server, kind: str, data: bytes, code: str, email: str) -> dict:
    """Seed: an import committed through the real service as that user (as the upload page would)."""
    from lms.extensions import db
    from lms.imports.service import run_import
    from lms.models import User

    with live_server.app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        outcome = run_import(kind, data, f"{kind}.csv", code, user, mode="commit")
        db.session.commit()
        return outcome.summary


@submits("matches.unmatched", "matches.undo_decision", "matches.accept_all")
def test_a_lead_decides_undoes_and_accepts_all_suggestions(nojs_page, live_server, posted):
    page, code = nojs_page, "derbyshire"
    ava = P("NF01", "Ava", "Stone", force=code)
    typo = P("NF99", "Avaa", "Stonne", force=code, mail="a.stonne@elsewhere.example.invalid")
    live_server.commit_import("roster", roster([ava, P("NF02", "Ben", "Marsh", force=code)]), "r.csv", code)
    live_server.commit_import("college-learn", learning(all_modules(typo, DAY)), "cl.xlsx", code)
    sign_in(page, live_server.create_user("force_lead", force=code))

    page.goto(f"/forces/{code}/unmatched")
    learner = page.locator("main form").filter(has_text="Avaa Stonne")
    learner.get_by_role("button", name=re.compile("Save decision")).click()  # nothing chosen
    expect(error_summary(page)).to_be_visible()
    assert page.title().startswith("Error: ")
    page.locator("main form").filter(has_text="Avaa Stonne").get_by_label(re.compile(r"Ava Stone \(NF01\)")).check()
    page.locator("main form").filter(has_text="Avaa Stonne").get_by_role(
        "button", name=re.compile("Save decision")).click()
    expect_success(page, "4 records")
    assert live_server.force_api(code)["elearning"]["complete"] == 1

    page.goto(f"/forces/{code}/decisions")
    page.get_by_role("link", name=re.compile("Undo")).first.click()
    button(page, "Undo the decision")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert live_server.force_api(code)["elearning"]["complete"] == 0

    page.goto(f"/forces/{code}/unmatched")
    page.get_by_label("Accept all suggestions at or above this similarity").fill("half")
    button(page, "Check the suggestions")
    expect(error_summary(page)).to_be_visible()
    page.get_by_label(re.compile("Similarity")).fill("60")
    button(page, "Show the suggestions")
    button(page, "Match all")
    expect_success(page, "Matched 1 learner")
    assert live_server.force_api(code)["elearning"]["complete"] == 1


@submits("pending.queue", "pending.accept_all")
def test_a_lead_accepts_pending_records_from_another_force(nojs_page, live_server, posted):
    page = nojs_page
    ours = [P("HT01", "Cyra", "Wendover", "manager", force="hertfordshire"),
            P("HT02", "Dorian", "Pell", "manager", force="hertfordshire")]
    live_server.commit_import("roster", roster(ours), "r.csv", "hertfordshire")
    live_server.commit_import("roster", roster([P("EX01", "Esme", "Tarrant", "manager", force="essex")]), "r.csv",
                              "essex")
    essex_lead = live_server.create_user("force_lead", force="essex")
    register = hydra([(person, DAY, "Attended") for person in ours], force_name="Hertfordshire Constabulary")
    import_as(live_server, "hydra", register, "essex", essex_lead)
    sign_in(page, live_server.create_user("force_lead", force="hertfordshire"))

    page.goto("/forces/hertfordshire/pending")
    page.get_by_role("button", name=re.compile("^Accept the line for Cyra Wendover")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert live_server.force_api("hertfordshire")["hydra"]["complete"] == 1
    page.get_by_role("button", name=re.compile(r"^Accept all")).first.click()  # a link styled as a button
    button(page, "Accept all")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    assert live_server.force_api("hertfordshire")["hydra"]["complete"] == 2
