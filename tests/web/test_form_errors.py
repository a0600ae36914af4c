"""Every form that can fail shows GOV.UK's error summary (linking to the field) and the error on the field, and the
page title starts "Error: "; a service's refusal shown after a redirect is an error summary too, never a blue
"Important" banner. Dates are GOV.UK date inputs (day, month, year) with the Design System's messages."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from flask import url_for

from tests.support.files import P, roster


@dataclass
class Page(HTMLParser):
    """What a user (or a screen reader) finds on a page: its title, the error summary's links, the inline error
    messages, the ids on the page and whether a notification banner is shown."""

    title: str = ""
    summary: list[tuple[str, str | None]] = field(default_factory=list)  # (text, href)
    inline: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    banners: list[str] = field(default_factory=list)
    _stack: list[str] = field(default_factory=list)  # what the text being read belongs to
    _href: str | None = None
    _text: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "title":
            self._begin("title")
        elif "govuk-error-summary__list" in classes:
            self._stack.append("summary")
        elif "govuk-error-message" in classes:
            self._begin("inline")
        elif "govuk-notification-banner" in classes:
            self.banners.append(attrs.get("class"))
        elif tag == "li" and self._stack[-1:] == ["summary"]:
            self._href = None
            self._begin("item")
        elif tag == "a" and self._stack[-1:] == ["item"]:
            self._href = attrs.get("href")

    def _begin(self, what: str) -> None:
        self._stack.append(what)
        self._text = []

    def handle_data(self, data) -> None:
        self._text.append(data)

    def handle_endtag(self, tag) -> None:
        top = self._stack[-1] if self._stack else None
        text = " ".join("".join(self._text).split())
        if tag == "title" and top == "title":
            self.title = text
        elif tag == "p" and top == "inline":
            self.inline.append(text.removeprefix("Error:").strip())
        elif tag == "li" and top == "item":
            self.summary.append((text, self._href))
        elif tag == "ul" and top == "summary":
            pass
        else:
            return
        self._stack.pop()


def page_of(response) -> Page:
    parsed = Page()
    parsed.feed(response.get_data(as_text=True))
    return parsed


def assert_field_error(response, field_id: str, message: str, *, status: int = 400) -> Page:
    """The error summary links `message` to `field_id`, that element is on the page, the same message is shown on
    the field, and the title says there is an error."""
    page = page_of(response)
    assert response.status_code == status, (response.status_code, page.summary)
    assert (message, f"#{field_id}") in page.summary, f"summary {page.summary}, wanted {message!r} -> #{field_id}"
    assert field_id in page.ids, f"the summary links to #{field_id}, which is not on the page"
    assert message in page.inline, f"inline errors {page.inline}, wanted {message!r}"
    assert page.title.startswith("Error: "), page.title
    return page


def test_sign_in_without_an_email(client):
    response = client.post("/sign-in", data={"email": "", "password": "whatever"})

    assert_field_error(response, "email", "Enter your email address")


ADMIN_FORMS = [
    # (endpoint, URL arguments, form, field id, message)
    ("accounts.user_new", {}, {"email": "not an address", "role": "admin", "password": "x" * 12}, "email",
     "Enter an email address in the correct format, like name@example.police.uk"),
    ("accounts.user_edit", {"user_id": "<other>"}, {"role": ""}, "role", "Select the role"),
    ("accounts.user_password", {"user_id": "<other>"}, {"password": ""}, "password", "Enter a new password"),
    ("forces.force_edit", {"code": "kent"}, {"chief_email": "chief at kent", "personal_reminders": "off"},
     "chief_email", "Enter an email address in the correct format, like name@example.police.uk"),
    ("forces.rule_new", {}, {"category": "", "elearning": "yes", "hydra": "no"}, "category",
     "Enter the role category"),
    ("forces.rule_edit", {"category": "frontline"}, {"hydra": "no"}, "elearning",
     "Select whether they must do the e-learning"),
    ("forces.requirement_edit", {"code": "M1"}, {"title": ""}, "title", "Enter the title"),
    ("forces.due_dates_edit", {}, {"grace_days": "ninety"}, "grace_days",
     "Enter the grace period as a whole number of days from 0 to 730"),
    ("scheduler.edit", {"job_id": "league_tables"}, {"cron": "", "enabled": "on"}, "cron", "Enter a schedule"),
    ("emails.publish", {}, {}, "period", "Select the month"),
    ("imports.upload", {}, {"kind": "roster", "force": "kent"}, "file", "Select a .xlsx or .csv file"),
]


@pytest.mark.parametrize(("endpoint", "args", "form", "field_id", "message"), ADMIN_FORMS,
                         ids=[case[0] for case in ADMIN_FORMS])
def test_an_admin_form_with_a_mistake(signed_in, create_user, app, endpoint, args, form, field_id, message):
    client, _ = signed_in("admin")
    other = create_user("national")
    args = {key: other.id if value == "<other>" else value for key, value in args.items()}
    with app.test_request_context():
        address = url_for(endpoint, **args)

    assert_field_error(client.post(address, data=form), field_id, message)


def test_a_lead_uploads_for_their_own_force_named_not_chosen(signed_in):
    client, _ = signed_in("force_lead", force="kent")

    html = client.get("/upload").get_data(as_text=True)
    assert "<select" not in html.split('id="force"')[1].split("</div>")[0]
    assert 'id="force-name">Kent Police</p>' in html and '<input type="hidden" name="force" value="kent">' in html
    # The hidden field carries the force: a lead's upload still reaches a preview of Kent.
    response = client.post("/upload", data={"kind": "roster", "force": "kent",
                                            "file": (io.BytesIO(roster([P("K1", "Ada", "Hart")])), "kent.csv")})
    assert response.status_code == 302
    assert "Kent Police" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_admin_chooses_the_force_from_a_select(signed_in):
    client, _ = signed_in("admin")

    html = client.get("/upload").get_data(as_text=True)
    assert '<select class="govuk-select" id="force" name="force"' in html and 'id="force-name"' not in html


def test_a_refusal_after_a_redirect_is_an_error_summary_not_a_banner(signed_in):
    client, admin = signed_in("admin")

    response = client.post(f"/admin/users/{admin.id}/deactivate", data={}, follow_redirects=True)
    page = page_of(response)

    assert ("You cannot deactivate your own account. Ask another administrator to do it.", None) in page.summary
    assert page.banners == [], "an error must not be shown as a notification banner"
    assert page.title.startswith("Error: ")
    # A success is still a (green) success banner, without "Error:".
    ok = page_of(client.post(f"/admin/users/{admin.id}/unlock", data={}, follow_redirects=True))
    assert ok.summary == [] and ok.banners == ["govuk-notification-banner govuk-notification-banner--success"]
    assert not ok.title.startswith("Error")


# --- dates: GOV.UK date inputs --------------------------------------------------------------------------------------


def test_figures_as_of_is_a_date_input_with_govuk_messages(signed_in, today):
    client, _ = signed_in("national")

    form = page_of(client.get("/league-table"))
    assert {"as_of-day", "as_of-month", "as_of-year"} <= form.ids and not form.summary

    missing = assert_field_error(client.get("/league-table?as_of-day=1&as_of-month=&as_of-year=2026"),
                                 "as_of-month", "Figures as of must include a month", status=200)
    assert missing.summary == [("Figures as of must include a month", "#as_of-month")]
    assert_field_error(client.get("/league-table?as_of-day=30&as_of-month=2&as_of-year=2026"), "as_of-day",
                       "Figures as of must be a real date", status=200)
    assert_field_error(client.get("/league-table?as_of-day=&as_of-month=&as_of-year=2026"), "as_of-day",
                       "Figures as of must include a day and month", status=200)
    assert_field_error(client.get(f"/league-table?as_of-day=1&as_of-month=1&as_of-year={today.year + 1}"),
                       "as_of-day", "Figures as of must be today or in the past", status=200)
    assert_field_error(client.get("/league-table?as_of-day=1&as_of-month=1&as_of-year=19"), "as_of-year",
                       f"Figures as of must include a year with 4 numbers, like {today.year}", status=200)


def test_figures_as_of_reads_day_first_and_month_names(signed_in):
    client, _ = signed_in("national")

    for query, shown in (("as_of-day=5&as_of-month=3&as_of-year=2026", ("5", "3")),
                         ("as_of-day=05&as_of-month=Mar&as_of-year=2026", ("05", "Mar")),
                         ("as_of-day=5&as_of-month=march&as_of-year=2026", ("5", "march")),
                         # the single parameter of links and bookmarks, ISO or day first
                         ("as_of=2026-03-05", ("5", "3")), ("as_of=5/3/2026", ("5", "3"))):
        html = client.get(f"/league-table?{query}").get_data(as_text=True)
        assert "Figures as of <strong>5 March 2026</strong>" in html, query
        # The boxes show what was typed (or the date of the link), day first.
        assert f'name="as_of-day" type="text" value="{shown[0]}"' in html, query
        assert f'name="as_of-month" type="text" value="{shown[1]}"' in html, query


def test_the_audit_filter_dates_are_date_inputs(signed_in):
    client, _ = signed_in("admin")

    page = assert_field_error(
        client.get("/admin/audit?date_from-day=31&date_from-month=2&date_from-year=2025"
                   "&date_to-day=3&date_to-month=&date_to-year=2025"),
        "date_from-day", "From date must be a real date")
    assert ("To date must include a month", "#date_to-month") in page.summary
    assert_field_error(client.get("/admin/audit?date_from-day=2&date_from-month=7&date_from-year=2025"
                                  "&date_to-day=1&date_to-month=7&date_to-year=2025"),
                       "date_to-day", "To date must be the same as or after the from date")
    fine = page_of(client.get("/admin/audit?date_from-day=1&date_from-month=7&date_from-year=2025"))
    assert fine.summary == [] and not fine.title.startswith("Error")


def test_what_each_mistake_in_a_date_input_says(app, today):
    from datetime import date

    from lms.core.date_input import read_date

    cases = [  # (day, month, year) -> (date, message, boxes highlighted)
        (("", "3", "2026"), (None, "Start date must include a day", ("day",))),
        (("1", "", ""), (None, "Start date must include a month and year", ("month", "year"))),
        (("32", "1", "2026"), (None, "Start date must be a real date", ("day",))),
        (("1", "13", "2026"), (None, "Start date must be a real date", ("month",))),
        (("29", "2", "2025"), (None, "Start date must be a real date", ("day", "month", "year"))),
        (("1", "1", "26"), (None, "Start date must include a year with 4 numbers, like " + str(today.year),
                            ("year",))),
        (("29", "2", "2024"), (date(2024, 2, 29), None, ())),
        ((" 01 ", "Sept", "2025"), (date(2025, 9, 1), None, ())),
        (("1", "december", "2025"), (date(2025, 12, 1), None, ())),
        (("", "", ""), (None, None, ())),
    ]
    with app.test_request_context():
        for typed, expected in cases:
            entry = read_date("start", "Start date", *typed)
            assert (entry.value, entry.error, entry.wrong) == expected, typed
        assert read_date("start", "Start date", "", "", "", required_message="Enter the start date").error == \
            "Enter the start date"
        late = read_date("start", "Start date", "2", "1", "2026", latest=date(2026, 1, 1))
        assert late.error == "Start date must be on or before 1 January 2026" and late.first_id == "start-day"
