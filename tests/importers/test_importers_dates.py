"""Dates are day first, always; every form the exports use; clear messages for the rest."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importers.dates import DateError, parse_date

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("14/05/2025", date(2025, 5, 14)),
        ("4/5/2025", date(2025, 5, 4)),
        ("03/04/2025", date(2025, 4, 3)),  # day first: 3 April, never 4 March
        ("14/05/25", date(2025, 5, 14)),
        ("14/05/25, 09:32", date(2025, 5, 14)),  # Moodle
        ("14-05-2025", date(2025, 5, 14)),
        ("14.05.2025", date(2025, 5, 14)),
        ("2025-05-14", date(2025, 5, 14)),
        ("2025-05-14 14:05:00", date(2025, 5, 14)),
        ("2025-05-14T14:05:00Z", date(2025, 5, 14)),
        ("2025-05-14T14:05:00.123+01:00", date(2025, 5, 14)),
        ("03/03/2025 14:05", date(2025, 3, 3)),
        ("3 March 2025", date(2025, 3, 3)),
        ("3 Mar 2025", date(2025, 3, 3)),
        ("03-Mar-2025", date(2025, 3, 3)),
        ("3rd September 2025", date(2025, 9, 3)),
        ("3 Sept 2025", date(2025, 9, 3)),
        ("14 May 2025, 9:32 AM", date(2025, 5, 14)),
        ("Wednesday, 14 May 2025, 9:32 AM", date(2025, 5, 14)),
        ("May 14, 2025", date(2025, 5, 14)),
        ("  14/05/2025  ", date(2025, 5, 14)),
        ("45791", date(2025, 5, 14)),  # an Excel serial saved to CSV
        (45791, date(2025, 5, 14)),
        (45791.75, date(2025, 5, 14)),
        (datetime(2025, 5, 14, 9, 32), date(2025, 5, 14)),
        (date(2025, 5, 14), date(2025, 5, 14)),
    ],
)
def test_accepted_forms(value, expected):
    assert parse_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2025", "31/02/2025 is not a date: use a real day, like 28/02/2025"),
        ("29/02/2025", "29/02/2025 is not a date: use a real day, like 28/02/2025"),
        ("05/13/2025", "05/13/2025 is not a date: dates are day first, so write 13/05/2025"),
        ("14/13/2025", "the month must be 1 to 12"),
        ("yesterday", "yesterday is not a date: write it day first, like 14/05/2025"),
        ("32 May 2025", "is not a date: use a real day, like 31/05/2025"),
        ("14 Mayy 2025", "is not a date"),
        ("", "The date is blank"),
        (True, "is not a date"),
        (time(9, 30), "is not a date"),
        (timedelta(days=1), "is not a date"),
        (float("nan"), "is not a date"),
        (-5, "is not a date"),
        (10**9, "is not a date"),
    ],
)
def test_refused_values_say_what_to_write(value, message):
    with pytest.raises(DateError) as caught:
        parse_date(value)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("29/11/2026", "29/11/2026 is in the future (today is 28/11/2026)"),
        (date(2027, 1, 1), "01/01/2027 is in the future"),
        ("31/12/2019", "31/12/2019 is before 2020: check the year"),
        ("31/12/19", "31/12/19 is before 2020"),
        (43000, "43000 (Excel date 22/09/2017) is before 2020"),
    ],
)
def test_out_of_range_with_today(value, message):
    with pytest.raises(DateError) as caught:
        parse_date(value, today=TODAY)
    assert message in str(caught.value)


def test_today_and_first_of_2020_are_in_range():
    assert parse_date("28/11/2026", today=TODAY) == TODAY
    assert parse_date("01/01/2020", today=TODAY) == date(2020, 1, 1)
    assert parse_date("01/01/2019") == date(2019, 1, 1)  # no range without today


def test_date_error_is_a_value_error():
    assert issubclass(DateError, ValueError)


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.none(),
                 st.booleans(), st.dates(), st.datetimes(), st.binary(max_size=10)))
def test_parse_date_only_ever_raises_date_error(value):
    try:
        result = parse_date(value, today=TODAY)
    except DateError as exc:
        assert str(exc)
    else:
        assert date(2020, 1, 1) <= result <= TODAY


@given(st.dates(min_value=date(2020, 1, 1), max_value=TODAY), st.sampled_from(
    ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%b-%Y",
     "%d/%m/%y, %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%A, %d %B %Y, %I:%M %p"]))
def test_every_written_form_round_trips(day, fmt):
    written = datetime(day.year, day.month, day.day, 9, 32).strftime(fmt)
    assert parse_date(written, today=TODAY) == day
