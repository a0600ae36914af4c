"""The heading vocabulary: every alias and system heading names its field; words name the rest; ambiguity is
reported, never guessed."""

from __future__ import annotations

import pytest

from importers import SYSTEMS, VOCABULARY, ColumnsUnresolved, read_file, vocabulary
from importers.cells import normalise
from importers.headers import FIELDS, field_of, read_header
from importers.vocabulary import FIELD_HEADINGS
from importers.words import word_field, word_rules
from tests.importers.sheetmaker import TODAY, csv_bytes

ENTRIES = [(FIELDS[name][0], name, system, heading)
           for name, (canonical, _) in FIELD_HEADINGS.items()
           for system, headings in VOCABULARY[canonical].items() for heading in headings]


@pytest.mark.parametrize(("canonical", "name", "system", "heading"), ENTRIES,
                         ids=[f"{e[2]}:{e[3]}" for e in ENTRIES])
def test_every_vocabulary_entry_names_its_field(canonical, name, system, heading):
    assert system in SYSTEMS
    assert field_of(heading) == name
    assert field_of(f"  {heading.upper()}  ") == name  # case and spaces do not matter
    assert field_of(heading.replace(" ", "_")) == name  # nor punctuation


def test_no_heading_names_two_fields():
    owner: dict[str, str] = {}
    for name, (_, headings) in FIELD_HEADINGS.items():
        for heading in headings:
            assert owner.setdefault(normalise(heading), name) == name, heading


def test_vocabulary_is_grouped_by_system_for_the_help_page():
    vocab = vocabulary()
    assert vocab == VOCABULARY
    assert set(vocab) == {canonical for canonical, _ in FIELDS.values()}
    assert "User ID Number" in vocab["Staff number"]["Totara"]
    assert "Personnel Id" in vocab["Staff number"]["HR"]
    assert "Session Start Date/Time" in vocab["Session date"]["Seminar"]
    assert "Course full name with link" in vocab["Course"]["Moodle"]
    assert all(headings for groups in vocab.values() for headings in groups.values())  # no empty groups


# The issue's own examples, each as the system writes it.
SYSTEM_HEADINGS = [
    ("User's Fullname", "full_name"), ("User ID Number", "staff_number"), ("User's Email", "email"),
    ("User's Organisation Name(s)", "force"), ("Course Name", "course"), ("Completion Status", "status"),
    ("Completion Date", "date_completed"), ("Course full name", "course"), ("Course full name with link", "course"),
    ("Full name with link", "full_name"), ("Completed", "status"), ("Time completed", "date_completed"),
    ("Personnel Id", "staff_number"), ("Forename 1", "forename"), ("Known as", "known_as"),
    ("Record Status", "record_status"), ("Session Start Date/Time", "session_date"), ("Status", "status"),
    ("Collar Number", "collar_number"), ("Start date", "start_date"), ("Leaving Date", "leaving_date"),
]


@pytest.mark.parametrize(("heading", "name"), SYSTEM_HEADINGS)
def test_the_systems_default_headings(heading, name):
    assert field_of(heading) == name


WORDS = [
    ("Employee Ref No", "staff_number"), ("Payroll Ref", "staff_number"), ("Warrant No.", "staff_number"),
    ("Staff Reference Number", "staff_number"), ("Personnel ref", "staff_number"), ("Officer ID", "staff_number"),
    ("Course title (full)", "course"), ("Name of course", "course"), ("Learning programme name", "course"),
    ("Primary e-mail", "email"), ("Mail address", "email"), ("Preferred forename", "known_as"),
    ("First given name", "forename"), ("Legal last name", "surname"), ("Delegate's full name", "full_name"),
    ("Home organisation", "force"), ("Training venue", "venue"), ("Lead trainer", "facilitator"),
    ("Date attended", None), ("Attendance outcome", "attended"), ("Date of hire", "start_date"),
    ("Contract end date", "leaving_date"), ("Employment record status", "record_status"),
    ("Record deleted?", "deleted"), ("Job family", "role"), ("Role group", "role_category"),
    ("Policing unit", "department"), ("Session code", "session_reference"), ("Event start", "session_date"),
    ("Session end date", None), ("Date of course completion", "date_completed"),
    ("Course progress status", "status"), ("Exemption expiry", "exempt_until"),
    ("Module 1 completion date", None), ("OIC Hydra attended", None), ("Username", None), ("Manager name", None),
    ("Notes", None), ("Date of birth", None),
]


@pytest.mark.parametrize(("heading", "name"), WORDS)
def test_headings_recognised_by_their_words(heading, name):
    assert field_of(heading) is None or field_of(heading) == name  # an alias would win anyway
    assert word_field(heading) == name


def test_every_word_rule_is_listed_for_the_help_page():
    rules = word_rules()
    assert {name for name, _ in rules} <= set(FIELDS)
    staff = dict(rules)["staff_number"]
    assert {"staff", "personnel", "payroll", "employee", "warrant"} <= set(staff[0])
    assert {"number", "no", "id", "ref"} <= set(staff[1])


def test_an_alias_wins_over_words():
    header = read_header(["Payroll Ref", "Staff number", "Name", "Role category"], 0)
    assert header.columns["staff_number"] == 1 and not header.ambiguous


def test_words_give_a_column_when_one_heading_fits():
    header = read_header(["Employee Ref No", "Name", "Role category"], 0)
    assert header.columns == {"staff_number": 0, "full_name": 1, "role_category": 2}


def test_two_headings_fitting_the_same_words_are_ambiguous_and_refused(tmp_path):
    rows = [["Employee Ref No", "Payroll Ref", "Name", "Role category"], ["E1", "P1", "Ann Lee", "frontline"]]
    with pytest.raises(ColumnsUnresolved) as caught:
        read_file("roster", csv_bytes(rows), "r.csv", today=TODAY)
    refusal = caught.value
    assert refusal.ambiguous == {"Staff number": ["Employee Ref No", "Payroll Ref"]}
    assert refusal.missing == []
    assert "More than one column could be the Staff number column: 'Employee Ref No', 'Payroll Ref'" in refusal.message
    assert refusal.headers == ["Employee Ref No", "Payroll Ref", "Name", "Role category"]
    assert refusal.samples["Payroll Ref"] == ["P1"] and refusal.header_row == 1


def test_a_mapping_settles_an_ambiguity():
    rows = [["Employee Ref No", "Payroll Ref", "Name", "Role category"], ["E1", "P1", "Ann Lee", "frontline"]]
    result = read_file("roster", csv_bytes(rows), "r.csv", today=TODAY, column_map={"Staff number": "Payroll Ref"})
    assert [r.staff_number for r in result.rows] == ["P1"]


def test_an_ambiguity_in_another_kinds_field_does_not_matter():
    # two "session" headings mean nothing in a roster
    rows = [["Staff number", "Name", "Role category", "Session code", "Session ref no"], ["S1", "Ann Lee", "other",
                                                                                         "a", "b"]]
    result = read_file("roster", csv_bytes(rows), "r.csv", today=TODAY)
    assert [r.staff_number for r in result.rows] == ["S1"]


def test_personnel_id_wins_over_collar_number_whichever_comes_first():
    header = read_header(["Collar Number", "Personnel Id", "Name"], 0)
    assert header.columns["staff_number"] == 1
    only_collar = read_header(["Collar Number", "Name"], 0)
    assert only_collar.columns["staff_number"] == 0


def test_completed_beats_an_enrolment_status():
    header = read_header(["Full name", "Course full name", "Status", "Completed", "Time completed"], 0)
    assert header.columns["status"] == 3
