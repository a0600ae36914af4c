"""The help page lists every heading the importers recognise (by system) for every column of every kind of file,
the values known without mapping, and how column mapping works."""

from __future__ import annotations

import html
import re

import importers
from importers.headers import label
from importers.mapping import field_for_name


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", page))


def test_help_lists_every_vocabulary_entry_of_every_kind(client):
    response = client.get("/help/")
    assert response.status_code == 200
    page = _text(response.get_data(as_text=True))
    missing = []
    for kind in importers.KINDS:
        section = page.split(f'id="columns-{kind}"', 1)[1].split("</table>", 1)[0]
        for field in importers.mappable_fields(kind):
            assert field.name in section, (kind, field.name)
            groups = importers.VOCABULARY.get(label(field_for_name(kind, field.name)), {})
            for system, headings in groups.items():
                missing += [(kind, field.name, system, h) for h in headings if h not in section]
    assert not missing
    # Grouped by the system that writes them.
    for system in ("Moodle", "Totara", "Seminar", "Moodle attendance", "HR"):
        assert f"<strong>{system}</strong>:" in page


def test_help_explains_mapping_and_the_known_values(client):
    page = _text(client.get("/help/").get_data(as_text=True))
    assert 'id="mapping"' in page and "remembered for your force" in page
    assert '--map "Staff number=User ID Number"' in page and "<code>map</code>" in page
    assert "Completed (achieved pass grade)" in page and "Waitlisted" in page and "Late" in page
    assert ".ods" in page and ".xls" in page
