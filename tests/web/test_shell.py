"""The page shell every page shares: a service header and footer without the GOV.UK crown, MOJ Frontend loaded,
and the shared macros (scrolling box, stacked table, badge, timeline) other pages build on."""

from __future__ import annotations

import re
from datetime import datetime

from flask import render_template_string

CROWN_MARKS = ("govuk-logo", "govuk-header__logotype", "govuk-footer__crown", "govuk-footer__copyright-logo",
               "Crown copyright", "Open Government Licence", "govuk-footer__licence", "favicon", "govuk-icon",
               "manifest.json")


def test_pages_have_the_service_header_and_footer_without_the_crown(client):
    page = client.get("/help/").get_data(as_text=True)
    for mark in CROWN_MARKS:
        assert mark not in page, mark
    header = page[page.index("<header"):page.index("</header>")]
    assert "OIC training compliance" in header and "govuk-service-navigation" in header
    footer = page[page.index("<footer"):page.index("</footer>")]
    found = re.findall(r'<a class="govuk-footer__link" href="([^"]+)">([^<]+)<', footer)
    links = {text.strip(): href for href, text in found}
    assert links == {"Help with files": "/help/", "Privacy": "/help/privacy",
                     "Accessibility statement": "/help/accessibility"}
    assert "govuk-phase-banner" in page


def test_moj_frontend_is_loaded_after_govuk_and_started_by_app_js(client):
    page = client.get("/sign-in").get_data(as_text=True)
    govuk = page.index("govuk/govuk-frontend.min.css")
    moj = page.index("moj/moj-frontend.min.css")
    assert govuk < moj < page.index("app.css")
    with client.get("/static/app.js") as script:
        assert script.status_code == 200
        assert "from './moj/all.bundle.mjs'" in script.get_data(as_text=True)
    # A module script is run only when served as JavaScript.
    with client.get("/static/moj/all.bundle.mjs") as bundle:
        assert bundle.status_code == 200 and "javascript" in bundle.mimetype
        assert "export { " in bundle.get_data(as_text=True) and " initAll," in bundle.get_data(as_text=True)


def render(app, source: str, **context) -> str:
    with app.test_request_context():
        return render_template_string('{% import "macros.html" as m %}' + source, **context)


def test_a_scrolling_box_is_a_labelled_focusable_region(app):
    html = render(app, "{% call m.scroll_region('Forces and their figures') %}<table></table>{% endcall %}")
    assert re.search(r'<div class="lms-table-wrap\s*" role="region" aria-label="Forces and their figures" '
                     r'tabindex="0">\s*<table></table>', html), html


def test_a_stacked_table_labels_every_cell_with_its_heading(app):
    html = render(app, """{{ m.stacked_table({'head': [{'text': 'Force'}, {'html': '<abbr>Overall</abbr> %'}],
                                              'rows': [[{'text': 'Kent Police'}, {'text': '42.0%'}],
                                                       [{'text': 'Essex Police'}, {'text': '7.5%',
                                                         'attributes': {'id': 'essex'}}]],
                                              'classes': 'lms-league'}) }}""")
    assert 'class="govuk-table lms-league lms-stacked"' in html
    cells = re.findall(r'<td class="govuk-table__cell"([^>]*)>([^<]+)<', html)
    assert [(re.search(r'data-label="([^"]*)"', attrs).group(1), text.strip()) for attrs, text in cells] == [
        ("Force", "Kent Police"), ("Overall %", "42.0%"), ("Force", "Essex Police"), ("Overall %", "7.5%")]
    assert 'id="essex"' in html  # a cell's own attributes stay


def test_badge_and_timeline(app):
    badge = render(app, "{{ m.badge('3 waiting', 'red') }}")
    assert badge == '<strong class="moj-badge moj-badge--red">3 waiting</strong>'
    html = render(app, "{{ m.timeline(items) }}", items=[
        {"title": "Rolled back", "by": "lead@example.invalid", "when": datetime(2026, 7, 1, 8, 43)},
        {"title": "Uploaded", "when": datetime(2026, 12, 1, 9, 5)},
    ])
    assert html.count('class="moj-timeline__item"') == 2
    assert '<h3 class="moj-timeline__title">Rolled back</h3>' in html
    assert '<p class="moj-timeline__byline">by lead@example.invalid</p>' in html
    # Stored times are UTC; the page says them in London time with the zone (BST in July, GMT in December).
    assert '<time datetime="2026-07-01T08:43:00Z">1 July 2026, 09:43 BST</time>' in html
    assert '<time datetime="2026-12-01T09:05:00Z">1 December 2026, 09:05 GMT</time>' in html
    assert html.count("moj-timeline__byline") == 1
