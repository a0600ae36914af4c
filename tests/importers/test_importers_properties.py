"""Properties: any bytes give a result or a refusal (never a crash), and valid rows survive a round trip."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers import FORCES, KINDS, FileRefused, HydraRow, LearningRow, ReadResult, RosterRow, read_file
from tests.importers.sheetmaker import (
    CL_HEADERS,
    HYDRA_HEADERS,
    ROSTER_HEADERS,
    TODAY,
    M,
    csv_bytes,
    roster_row,
    xlsx_bytes,
)

NAMES = ["x.csv", "x.xlsx", "x.txt", "x", "x.CSV", "x.XLSX", "x.ods", "x.xls"]
FILE_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(kind: str, data: bytes, name: str) -> ReadResult | FileRefused:
    try:
        return read_file(kind, data, name, today=TODAY)
    except FileRefused as refused:
        assert refused.message
        return refused


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(KINDS), st.binary(max_size=2048), st.sampled_from(NAMES))
def test_arbitrary_bytes_never_crash(kind, data, name):
    outcome(kind, data, name)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(KINDS), st.sampled_from(NAMES),
       st.binary(min_size=4, max_size=600).map(lambda b: b"PK\x03\x04" + b))
def test_arbitrary_zip_looking_bytes_never_crash(kind, name, data):
    outcome(kind, data, name)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(KINDS), st.sampled_from(NAMES),
       st.binary(min_size=0, max_size=3000).map(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b))
def test_arbitrary_ole2_looking_bytes_never_crash(kind, name, data):
    outcome(kind, data, name)


ALIAS_HEADINGS = sorted({*ROSTER_HEADERS, *CL_HEADERS, *HYDRA_HEADERS, "Name", "E-learning required",
                         "Hydra required", "Exempt until", M[1], M[2], "", "Notes"})
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["Completed", "Y", "N", "Attended", "No show", "14/05/25, 09:32", "31/02/2025", "=1+1", "Met",
                     "Kent Police", "frontline", "Completed (14/05/25, 09:32)", "45791", "", " "]),
    st.integers(-10, 10**6).map(str),
)


@FILE_SETTINGS
@given(st.sampled_from(KINDS), st.lists(st.sampled_from(ALIAS_HEADINGS), min_size=1, max_size=9),
       st.lists(st.lists(CELL, max_size=10), max_size=8), st.sampled_from([",", ";", "\t"]))
def test_arbitrary_csv_grids_never_crash(kind, headings, rows, delimiter):
    outcome(kind, csv_bytes([headings, *rows], delimiter=delimiter), "x.csv")


@FILE_SETTINGS
@given(st.sampled_from(KINDS), st.data())
def test_mutated_workbooks_never_crash(kind, data):
    """Garbled sheet XML inside a well-formed zip: calamine's errors become refusals."""
    rows = [ROSTER_HEADERS, roster_row(1), roster_row(2)] if kind == "roster" else [CL_HEADERS if kind ==
                                                                                    "college-learn" else HYDRA_HEADERS]
    original = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    members = {info.filename: original.read(info) for info in original.infolist()}
    target = data.draw(st.sampled_from(sorted(members)))
    content = bytearray(members[target])
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, max(len(content) - 1, 0)))
        action = data.draw(st.sampled_from(["flip", "delete", "insert"]))
        if action == "flip" and content:
            content[position] ^= data.draw(st.integers(1, 255))
        elif action == "delete":
            del content[position: position + data.draw(st.integers(1, 20))]
        else:
            content[position:position] = data.draw(st.binary(min_size=1, max_size=20))
    members[target] = bytes(content)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    outcome(kind, buffer.getvalue(), "x.xlsx")


# Round trips: rows written to real files read back identically.
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéëíáóúñçøåßÉÖ"
NAME = st.text(alphabet=LETTERS + " '-", min_size=1, max_size=15).map(lambda s: " ".join(s.split())).filter(
    lambda s: s and s[0] in LETTERS)
FORMAT = st.sampled_from([("x.xlsx", None, ","), ("x.csv", "utf-8", ","), ("x.csv", "utf-8-sig", ";"),
                          ("x.csv", "cp1252", "\t"), ("x.csv", "cp1252", ",")])
DAY = st.dates(min_value=date(2020, 1, 1), max_value=TODAY)


def file_bytes(fmt, rows) -> tuple[bytes, str]:
    name, encoding, delimiter = fmt
    if name.endswith(".xlsx"):
        return xlsx_bytes(rows), name
    if encoding == "utf-8-sig":
        return csv_bytes(rows, delimiter=delimiter, bom=True), name
    return csv_bytes(rows, delimiter=delimiter, encoding=encoding), name


def as_cell(value: date, fmt) -> object:
    return value if fmt[0].endswith(".xlsx") else value.strftime("%d/%m/%Y")


@FILE_SETTINGS
@given(st.lists(st.tuples(NAME, NAME, st.sampled_from(["frontline", "investigator", "manager", "other"]),
                          st.one_of(st.none(), DAY), st.sampled_from([None, "Y", "N"])), min_size=1, max_size=12),
       FORMAT)
def test_roster_round_trip(people, fmt):
    headers = ["Staff number", "Forename", "Surname", "Email", "Role category", "Exempt until", "E-learning required"]
    rows, expected = [headers], []
    for n, (first, last, category, exempt, flag) in enumerate(people, start=1):
        rows.append([f"0{n}", first, last, f"p{n}@kent.police.uk", category,
                     as_cell(exempt, fmt) if exempt else "", flag or ""])
        expected.append(RosterRow(n + 1, f"0{n}", first, last, f"p{n}@kent.police.uk", role_category=category,
                                  exempt_until=exempt, elearning_required=None if flag is None else flag == "Y"))
    result = read_file("roster", *file_bytes(fmt, rows), today=TODAY)
    assert result.errors == []
    assert result.rows == expected


@FILE_SETTINGS
@given(st.lists(st.tuples(NAME, NAME, st.sampled_from([1, 2, 3, 4, 0]),
                          st.sampled_from(["Completed", "Passed", "In progress", "Not yet started"]), DAY,
                          st.sampled_from(FORCES)), min_size=1, max_size=12), FORMAT)
def test_college_learn_round_trip(records, fmt):
    rows, expected, skipped = [CL_HEADERS], [], 0
    for n, (first, last, module, status, done, force) in enumerate(records, start=1):
        complete = status in ("Completed", "Passed")
        rows.append([f"S{n}", f"p{n}@x.police.uk", first, last, force.name, M.get(module, "Health and safety"),
                     status, as_cell(done, fmt) if complete else ""])
        if module:
            expected.append(LearningRow(n + 1, f"M{module}", status, complete, done if complete else None, f"S{n}",
                                        f"p{n}@x.police.uk", first, last, force.code))
        else:
            skipped += 1
    result = read_file("college-learn", *file_bytes(fmt, rows), today=TODAY)
    assert result.errors == []
    assert result.rows == expected and result.skipped_other_courses == skipped


@FILE_SETTINGS
@given(st.lists(st.tuples(NAME, NAME, DAY, st.sampled_from(["Attended", "Did not attend", "Yes", "No show"]),
                          st.sampled_from(FORCES)), min_size=1, max_size=12), FORMAT)
def test_hydra_round_trip(delegates, fmt):
    rows, expected = [HYDRA_HEADERS], []
    for n, (first, last, when, attended, force) in enumerate(delegates, start=1):
        rows.append([as_cell(when, fmt), f"H{n}", "Lewes", "MSOICU", f"S{n}", first, last, "", force.code, attended])
        expected.append(HydraRow(n + 1, when, f"H{n}", "Lewes", "MSOICU", f"S{n}", None, first, last, force.code,
                                 attended, attended in ("Attended", "Yes")))
    result = read_file("hydra", *file_bytes(fmt, rows), today=TODAY)
    assert result.errors == []
    assert result.rows == expected
