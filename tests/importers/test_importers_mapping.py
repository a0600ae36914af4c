"""Column and value mappings: a file the service cannot place is refused with what a mapping page needs, and
reads once its headings are mapped; values nobody knows are counted, never row errors."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importers import (
    KINDS,
    ColumnsUnresolved,
    FileRefused,
    MappableField,
    header_signature,
    mappable_fields,
    read_file,
)
from tests.importers.sheetmaker import CL_HEADERS, HYDRA_HEADERS, TODAY, M, csv_bytes, xlsx_bytes

# A learning platform's own export: nothing the service recognises as who, what or when.
CUSTOM = [["Learner ref", "Learner", "Programme", "Outcome", "Outcome recorded"],
          ["K1", "Ann Lee", M[1], "Done", "03/03/2025"],
          ["K2", "Bo Chan", M[2], "Done", "04/03/2025"],
          ["K3", "Cy Dean", M[1], "Begun", ""],
          ["K4", "Di Eve", M[3], "Done", "05/03/2025"]]
CUSTOM_MAP = {"Staff number": "Learner ref", "Name": "Learner", "Course": "Programme", "Status": "Outcome",
              "Date completed": "Outcome recorded"}


def refusal(kind: str, data: bytes, name: str = "f.csv", **options) -> FileRefused:
    with pytest.raises(FileRefused) as caught:
        read_file(kind, data, name, today=TODAY, **options)
    return caught.value


@pytest.mark.parametrize("maker", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_an_unrecognised_export_is_refused_with_its_headings_and_samples(maker):
    data = maker([["Course export, all learners"], [], *CUSTOM])
    caught = refusal("college-learn", data, "f.csv" if maker is csv_bytes else "f.xlsx")
    assert isinstance(caught, ColumnsUnresolved)
    assert caught.kind == "college-learn"
    assert caught.headers == CUSTOM[0]
    assert caught.header_row == 3
    assert caught.samples["Learner ref"] == ["K1", "K2", "K3"]  # three, as text
    assert caught.samples["Outcome recorded"] == ["03/03/2025", "04/03/2025", "05/03/2025"]
    assert set(caught.missing) >= {"Course", "Status", "Date completed"}
    assert "Could not find the column headings of a College Learn export" in caught.message  # as worded before


def test_the_mapped_export_reads_and_unknown_values_are_counted():
    result = read_file("college-learn", csv_bytes(CUSTOM), "f.csv", today=TODAY, column_map=CUSTOM_MAP)
    assert result.errors == []
    assert [(r.staff_number, r.requirement, r.completed) for r in result.rows] == [
        ("K1", "M1", False), ("K2", "M2", False), ("K3", "M1", False), ("K4", "M3", False)]
    assert result.unknown_values == {"Done": 3, "Begun": 1}


def test_a_value_mapped_to_complete_counts():
    result = read_file("college-learn", csv_bytes(CUSTOM), "f.csv", today=TODAY, column_map=CUSTOM_MAP,
                       value_map={"done": "complete", "BEGUN": "not complete"})
    assert [(r.staff_number, r.completed, r.completed_on) for r in result.rows] == [
        ("K1", True, date(2025, 3, 3)), ("K2", True, date(2025, 3, 4)), ("K3", False, None),
        ("K4", True, date(2025, 3, 5))]
    assert result.unknown_values == {}


def test_a_missing_required_column_names_it_in_the_kinds_canonical_words():
    rows = [["Staff number", "First name", "Last name", "Organisation", "Course", "Status"],
            ["K1", "Ann", "Lee", "Kent", M[1], "Completed"]]
    caught = refusal("college-learn", csv_bytes(rows))
    assert isinstance(caught, ColumnsUnresolved)
    assert caught.missing == ["Date completed"]
    assert caught.message.startswith("The file has no Date completed column.")  # today's wording
    assert caught.samples["Course"] == [M[1]] and caught.header_row == 1


def test_a_mapped_heading_wins_over_an_alias():
    rows = [CL_HEADERS + ["Staff ID number (HR)"], ["K1", "", "Ann", "Lee", "Kent", M[1], "Completed", "03/03/2025",
                                                    "HR-9"]]
    result = read_file("college-learn", csv_bytes(rows), "f.csv", today=TODAY,
                       column_map={"Staff number": "Staff ID number (HR)"})
    assert result.rows[0].staff_number == "HR-9"
    assert result.warnings == []


def test_a_mapping_to_a_heading_the_file_lacks_is_refused():
    caught = refusal("college-learn", csv_bytes(CUSTOM), column_map={**CUSTOM_MAP, "Email": "Work e-mail (primary)"})
    assert not isinstance(caught, ColumnsUnresolved)
    assert "The file has no column headed 'Work e-mail (primary)' (chosen for the Email column)" in caught.message


def test_a_mapping_to_an_unknown_field_is_refused():
    caught = refusal("hydra", csv_bytes(CUSTOM), column_map={"Course": "Programme"})
    assert "'Course' is not a column of a Hydra register" in caught.message
    caught = refusal("roster", csv_bytes(CUSTOM), column_map={"Shoe size": "Programme"})
    assert "'Shoe size' is not a column of a roster" in caught.message


def test_a_value_mapping_to_an_unknown_meaning_is_refused():
    caught = refusal("hydra", csv_bytes(CUSTOM), value_map={"Done": "complete"})
    assert "'Done' can only be mapped to 'attended' or 'not attended'" in caught.message


def test_college_learn_names_its_learner_columns_its_own_way():
    names = [f.name for f in mappable_fields("college-learn")]
    assert {"First name", "Last name", "Organisation"} <= set(names)
    rows = [["Ref", "Given", "Family", "Employer name", "Programme", "Outcome", "When"],
            ["K1", "Ann", "Lee", "Kent Police", M[1], "Completed", "03/03/2025"]]
    result = read_file("college-learn", csv_bytes(rows), "f.csv", today=TODAY, column_map={
        "Staff number": "Ref", "First name": "Given", "Last name": "Family", "Organisation": "Employer name",
        "Course": "Programme", "Status": "Outcome", "Date completed": "When"})
    row = result.rows[0]
    assert (row.staff_number, row.first_name, row.last_name, row.force_code) == ("K1", "Ann", "Lee", "kent")


@pytest.mark.parametrize("kind", KINDS)
def test_mappable_fields_required_first_with_a_hint_each(kind):
    fields = mappable_fields(kind)
    assert all(isinstance(f, MappableField) and f.hint for f in fields)
    flags = [f.required for f in fields]
    assert flags == sorted(flags, reverse=True)
    assert len({f.name for f in fields}) == len(fields)


def test_required_fields_are_those_a_file_cannot_lack():
    assert [f.name for f in mappable_fields("roster") if f.required] == ["Staff number"]
    assert [f.name for f in mappable_fields("hydra") if f.required] == ["Session date", "Attended"]
    assert [f.name for f in mappable_fields("college-learn") if f.required] == ["Course", "Status", "Date completed"]
    both = {f.name: f for f in mappable_fields("hydra")}
    assert not both["Staff number"].required and not both["Email"].required
    assert "Staff number, Email" in both["Email"].hint
    assert [f.name for f in mappable_fields("hydra", require_force=True) if f.required][-1] == "Force"


def test_every_mappable_field_can_be_mapped():
    for kind in KINDS:
        for field in mappable_fields(kind):
            rows = [["Something else", "Odd heading"], ["1", "2"]]
            try:
                read_file(kind, csv_bytes(rows), "f.csv", today=TODAY, column_map={field.name: "Odd heading"})
            except ColumnsUnresolved:
                pass  # other required columns are still missing: but the name was accepted
            except FileRefused as refused:
                assert "is not a column of" not in refused.message, (kind, field.name)


def test_an_all_forces_file_without_a_force_column_is_refused_naming_it():
    rows = [HYDRA_HEADERS[:-2] + ["Attended"], ["20/01/2026", "H1", "Lewes", "T", "S1", "Ann", "Lee", "", "Yes"]]
    caught = refusal("hydra", csv_bytes(rows), require_force=True)
    assert isinstance(caught, ColumnsUnresolved)
    assert caught.missing == ["Force"]
    assert "The file has no Force column" in caught.message and "A file of every force" in caught.message
    learn = [CL_HEADERS[:4] + CL_HEADERS[5:], ["K1", "", "Ann", "Lee", M[1], "Completed", "03/03/2025"]]
    assert refusal("college-learn", csv_bytes(learn), require_force=True).missing == ["Organisation"]


def test_an_all_forces_file_may_map_its_force_column():
    rows = [["Session date", "Staff number", "Attended", "Home org"], ["20/01/2026", "S1", "Yes", "Sussex Police"]]
    result = read_file("hydra", csv_bytes(rows), "f.csv", today=TODAY, require_force=True,
                       column_map={"Force": "Home org"})
    assert result.rows[0].force_code == "sussex" and result.has_force_column


def test_header_signature_ignores_order_case_punctuation_and_blanks():
    one = header_signature(["Staff No.", "Course", "Status", ""])
    assert one == header_signature(["status", "", "COURSE", "staff no"])
    assert one != header_signature(["Staff No.", "Course"])
    assert len(one) == 64 and int(one, 16) >= 0


@given(st.lists(st.text(max_size=12), max_size=8), st.randoms())
def test_header_signature_is_order_insensitive(headers, rng):
    shuffled = list(headers)
    rng.shuffle(shuffled)
    assert header_signature(headers) == header_signature(shuffled)


def test_one_heading_for_two_fields_is_refused():
    caught = refusal("college-learn", csv_bytes(CUSTOM), column_map={**CUSTOM_MAP, "Email": "Learner ref"})
    assert "The heading 'Learner ref' is chosen for both the Staff number and the Email column" in caught.message
