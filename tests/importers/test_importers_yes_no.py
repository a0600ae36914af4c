"""One yes/no parser for every yes/no cell: the roster's E-learning/Hydra required flags and Hydra attendance.

One rule, so that nothing either earlier parser took is refused: the roster's words (Y/N, yes/no, true/false,
T/F, 1/0) with the register's leniency (case, spaces and punctuation ignored). Any other word is refused.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from importers import read_file
from importers.cells import yes_no, yes_no_word
from importers.hydra import attendance
from tests.importers.sheetmaker import TODAY, csv_bytes, xlsx_bytes

YES_SPELLINGS = [
    "Y", "y", "Yes", "yes", "YES", "yEs", "T", "t", "True", "true", "TRUE", "1",
    " Y ", "\tyes\n", "Yes.", "Y.", "y...", "True.",  # the roster's trailing dots
    "Y!", "(yes)", "'Y", "y e s", "T.R.U.E", "yes -", "+1", "-1",  # the register's spaces and punctuation ignored
]
NO_SPELLINGS = [
    "N", "n", "No", "no", "NO", "nO", "F", "f", "False", "false", "FALSE", "0",
    " N ", "\tno\n", "No.", "N.", "n...", "False.",
    "N!", "(no)", "'N", "n o", "F.A.L.S.E", "no -", "-0", "N/",
]
REFUSED = [
    "maybe", "yess", "nope", "yeah", "ja", "oui", "on", "off", "x", "✓", "Y/N", "N/A", "YN", "2", "10", "1.0", "01",
    "-", "?", "tru", "fals", "ye",
]


@pytest.mark.parametrize("text", YES_SPELLINGS)
def test_yes_spellings(text):
    assert yes_no(text) is True
    assert yes_no_word(text) is True


@pytest.mark.parametrize("text", NO_SPELLINGS)
def test_no_spellings(text):
    assert yes_no(text) is False
    assert yes_no_word(text) is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(True, True, id="excel-true"),
        pytest.param(False, False, id="excel-false"),
        pytest.param(1, True, id="int-1"),
        pytest.param(0, False, id="int-0"),
        pytest.param(1.0, True, id="float-1"),
        pytest.param(0.0, False, id="float-0"),
    ],
)
def test_typed_cells(value, expected):
    assert yes_no(value) is expected


@pytest.mark.parametrize("value", [None, "", "   ", "\t\n", ".", "..."])
def test_blank_is_none(value):
    assert yes_no(value) is None


@pytest.mark.parametrize("text", REFUSED)
def test_refused_spellings(text):
    assert yes_no_word(text) is None
    with pytest.raises(ValueError):  # the roster turns any ValueError into its row error
        yes_no(text)


@pytest.mark.parametrize(
    "value",
    [2, -2, 0.5, 1.5, date(2025, 1, 1), datetime(2025, 1, 1, 9, 30)],
    ids=["int-2", "int-minus-2", "float-half", "float-1.5", "date", "datetime"],
)
def test_refused_typed_cells(value):
    with pytest.raises(ValueError):
        yes_no(value)


@pytest.mark.parametrize("text", YES_SPELLINGS + NO_SPELLINGS)
def test_attendance_takes_every_yes_and_no(text):
    assert attendance(text) is yes_no(text)


@pytest.mark.parametrize("text", REFUSED)
def test_attendance_refuses_what_yes_no_refuses(text):
    assert attendance(text) is None


ROSTER_FLAGS = ["Staff number", "Forename", "Surname", "E-learning required", "Hydra required"]


@pytest.mark.parametrize("maker", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_roster_flags_use_the_parser(maker):
    spellings = [(y, n) for y, n in zip(YES_SPELLINGS, NO_SPELLINGS, strict=True)]
    rows = [ROSTER_FLAGS] + [[f"S{i}", "Ann", "Lee", y, n] for i, (y, n) in enumerate(spellings)]
    name = "roster.csv" if maker is csv_bytes else "roster.xlsx"
    result = read_file("roster", maker(rows), name, today=TODAY)
    assert result.errors == []
    assert [(r.elearning_required, r.hydra_required) for r in result.rows] == [(True, False)] * len(spellings)


def test_roster_flag_refusals_name_row_and_column():
    rows = [ROSTER_FLAGS] + [[f"S{i}", "Ann", "Lee", text, "N"] for i, text in enumerate(REFUSED)]
    result = read_file("roster", csv_bytes(rows), "roster.csv", today=TODAY)
    assert result.rows == []
    assert [(e.row, e.column) for e in result.errors] == [(i + 2, "E-learning required") for i in range(len(REFUSED))]
    assert result.errors[0].message == (
        "'maybe' is not Y or N: write Y if this person must do the OIC e-learning, or N if not"
    )
