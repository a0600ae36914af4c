"""Tiny files that ask a reader for gigabytes or minutes are refused before any reading starts, with a message
that names the limit; real exports of the largest force pass well within every limit."""

from __future__ import annotations

from datetime import date

import pytest

from importers import FileRefused, read_file
from importers.limits import MAX_CSV_CELLS, MAX_SHEETS
from tests.importers import hostile

TODAY = date(2026, 12, 1)


def refusal(data: bytes, filename: str) -> str:
    with pytest.raises(FileRefused) as refused:
        read_file("roster", data, filename, today=TODAY)
    return refused.value.message


@pytest.mark.parametrize("ref", ["XFD1048576", "xfd1048576", "Z1048576", "z1048576", "AAA500000"])
def test_one_cell_far_away_is_refused_whatever_the_case_of_its_reference(ref):
    message = refusal(hostile.far_cell(ref), "roster.xlsx")

    assert "far beyond any real export" in message


def test_a_declared_dimension_alone_does_not_make_the_reader_allocate(tmp_path):
    message = refusal(hostile.declared_only("XFD1048576"), "roster.xlsx")

    assert "no data rows" in message  # read as the heading row it really is


def test_many_cells_pointing_at_one_huge_shared_string_are_refused():
    message = refusal(hostile.one_huge_shared_string(), "roster.xlsx")

    assert "longer than Excel's own limit of 32,767 characters" in message


def test_many_uses_of_a_long_but_legal_string_are_refused_by_the_text_budget():
    data = hostile.one_huge_shared_string(cells=4_000, size=30_000)  # 120 million characters once read

    message = refusal(data, "roster.xlsx")

    assert "million characters of text" in message


def test_thousands_of_sheets_are_refused_before_any_is_read():
    message = refusal(hostile.many_sheets(sheets=MAX_SHEETS + 1, rows=2), "roster.xlsx")

    assert f"{MAX_SHEETS + 1:,} sheets: at most {MAX_SHEETS} are accepted" in message


def test_a_csv_of_nothing_but_commas_is_refused_at_once():
    message = refusal(hostile.csv_of_commas(), "roster.csv")

    assert f"more than {MAX_CSV_CELLS:,} cells" in message


def test_a_csv_of_millions_of_empty_rows_is_refused():
    message = refusal(hostile.csv_of_many_short_lines(), "roster.csv")

    assert f"more than {MAX_CSV_CELLS:,} cells" in message


def test_a_csv_with_one_absurdly_long_line_is_refused():
    data = b"Staff number,Forename,Surname,Role category\n1001,Ada," + b"x" * 1_200_000 + b",frontline\n"

    message = refusal(data, "roster.csv")

    assert "a line longer than 1,000,000 characters" in message


def test_a_utf16_csv_is_held_to_the_same_limits():
    data = ("Staff number,Forename,Surname,Role category\n" + "," * 6_000_000).encode("utf-16")

    assert f"more than {MAX_CSV_CELLS:,} cells" in refusal(data, "roster.csv")
