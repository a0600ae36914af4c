"""Matching keys: staff number, email, normalised full name."""

from __future__ import annotations

import pytest

from importers.identity import email_key, name_key, split_full_name, staff_key


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("000123", "123"),
        ("123", "123"),
        ("  S0005 ", "s0005"),
        ("s0005", "s0005"),
        ("0000", "0"),
        ("0", "0"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_staff_key(value, key):
    assert staff_key(value) == key


@pytest.mark.parametrize(
    ("value", "key"),
    [(" Ann.Lee@Kent.Police.UK ", "ann.lee@kent.police.uk"), ("", None), ("  ", None), (None, None)],
)
def test_email_key(value, key):
    assert email_key(value) == key


@pytest.mark.parametrize(
    ("first", "last", "key"),
    [
        ("Zoë", "Ní Bhraonáin", "zoe ni bhraonain"),
        ("Mary-Jane", "O'Brien", "mary jane o brien"),
        ("  Ann ", "  LEE  ", "ann lee"),
        ("J.", "Smith", "j smith"),
        ("Siân", "Ap-Rhys", "sian ap rhys"),
        ("Anne", "O\u2019Neill", "anne o neill"),
        (None, "Lee", "lee"),
        (None, None, ""),
        ("STRASSE", "Straße", "strasse strasse"),
    ],
)
def test_name_key(first, last, key):
    assert name_key(first, last) == key


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Ann Lee", ("Ann", "Lee")),
        ("Mary Jane Watson", ("Mary Jane", "Watson")),
        ("Lee, Ann", ("Ann", "Lee")),
        ("Madonna", ("", "Madonna")),
        ("  Ann   Lee  ", ("Ann", "Lee")),
    ],
)
def test_split_full_name(text, parts):
    assert split_full_name(text) == parts
