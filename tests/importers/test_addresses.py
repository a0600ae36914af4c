"""One strict email check for rosters, forms and the CLI: what it accepts, what it refuses, and that its fast path
gives the same answer as email-validator itself."""

from __future__ import annotations

from datetime import date

import email_validator
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers import read_file
from importers.addresses import EVERYDAY, BadEmailAddress, email_address, is_email_address
from tests.support.files import ROSTER_HEADERS, csv_bytes


@pytest.mark.parametrize("text, expected", [
    ("ada.example@kent.police.invalid", "ada.example@kent.police.invalid"),
    ("Ada.Example@Kent.Police.UK", "Ada.Example@kent.police.uk"),
    ("o'brien+oic@met.police.invalid", "o'brien+oic@met.police.invalid"),
    ("  padded@example.invalid ", "padded@example.invalid"),
])
def test_accepted_addresses(text, expected):
    assert email_address(text) == expected


@pytest.mark.parametrize("text", [
    "evil@evil.example>x@gwent.police.invalid",  # two addresses in one: the reminder went to the first
    "chief@kent.police.invalid\r\nBcc: everyone@example.invalid",  # a header smuggled in
    "chief@kent.police.invalid>", "<chief@kent.police.invalid>", "a..b@kent.police.invalid", ".a@kent.police.invalid",
    "a@kent..police.invalid", "a@-kent.police.invalid", "a b@kent.police.invalid", "a@kent", "a@localhost",
    "a@printer.local", "@kent.police.invalid", "a@", "", "a,b@kent.police.invalid",
])
def test_refused_addresses(text):
    assert not is_email_address(text)
    with pytest.raises(BadEmailAddress):
        email_address(text)


@settings(max_examples=300)
@given(st.from_regex(EVERYDAY, fullmatch=True))
def test_the_fast_path_agrees_with_email_validator(text):
    try:
        expected = email_validator.validate_email(text, check_deliverability=False).normalized
    except email_validator.EmailNotValidError:
        expected = None
    try:
        got = email_address(text)
    except BadEmailAddress:
        got = None
    assert got == expected


def test_a_roster_email_with_two_addresses_in_it_is_not_used():
    data = csv_bytes(ROSTER_HEADERS, [
        ["1001", "Ada", "Example", "evil@evil.example>x@gwent.police.invalid", "PC", "Officer", "Response",
         "frontline"],
        ["1002", "Bea", "Example", "bea.example@gwent.police.invalid", "PC", "Officer", "Response", "frontline"],
    ])

    result = read_file("roster", data, "roster.csv", today=date(2026, 12, 1))

    emails = {row.staff_number: row.email for row in result.rows}
    assert emails == {"1001": None, "1002": "bea.example@gwent.police.invalid"}
    assert any(w.row == 2 and w.column == "Email" for w in result.warnings)
