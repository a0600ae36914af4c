"""Fuzzing the whole import service (read, plan, apply, commit) with hypothesis.

Whatever the bytes, the kind and the file name, `run_import(mode="commit")` followed by a commit either refuses the
file (and then no record, person or session changed) or commits a batch whose rows in the database are exactly the
ones its summary counts. Never an exception, never a partial batch. The readers alone are fuzzed in
tests/importers/test_importers_properties.py; this runs the database half too, on SQLite and PostgreSQL (where
column lengths and types are enforced). LMS_FUZZ_EXAMPLES sets the number of examples (default 100).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from lms.extensions import db
from lms.imports.service import run_import
from lms.models import (
    BatchForce,
    HydraAttendance,
    HydraSession,
    ImportBatch,
    LearningRecord,
    Person,
    PersonChange,
)
from tests.support.files import (
    HYDRA_HEADERS,
    LEARN_HEADERS,
    MODULE_TITLES,
    ROSTER_HEADERS,
    P,
    all_modules,
    hydra,
    learning,
    roster,
)

KINDS = ("roster", "college-learn", "hydra")
NAMES = ["upload.csv", "upload.xlsx", "upload.xls", "upload", "UPLOAD.CSV", "upload.txt", "upload.xlsm"]
HEADERS = {"roster": ROSTER_HEADERS + ["E-learning required", "Hydra required", "Exempt until", "Force"],
           "college-learn": LEARN_HEADERS + ["Name", *MODULE_TITLES.values()],
           "hydra": HYDRA_HEADERS + ["Delegate name", "Notes"]}
PEOPLE = [P("K001", "Ava", "Stone"), P("K002", "Ben", "Marsh", "investigator"), P("K003", "Cara", "Hill", "manager")]
DATA_TABLES = (Person, PersonChange, LearningRecord, HydraAttendance, HydraSession, BatchForce)

WORDS = [
    "Completed", "Complete via RPL", "In progress", "Not yet started", "Failed", "frontline", "investigator",
    "manager", "other", "Kent Police", "Met", "Essex", "Nowhere Constabulary", "Y", "N", "yes", "1", "0",
    "Attended", "Did not attend", "Partially attended", "No show", "01/02/2025", "31/02/2025", "14/05/25, 09:32",
    "2025-13-01", "3 March 2025", "03-Mar-2025", "1/1/1900", "01/01/2099", "45791", "=1+1", "@SUM(A1)", "K001",
    "k0001", "ava.stone@kent.police.invalid", "not an email", "<script>alert(1)</script>", "x" * 300,
    "é" * 130, "\u202eevil", "  ", "", *MODULE_TITLES.values(), "OIC module 9: none",
]
TEXT_CELL = st.one_of(st.sampled_from(WORDS), st.text(max_size=80), st.text(min_size=200, max_size=400))
CELL = st.one_of(
    st.none(), TEXT_CELL, st.integers(-(10**12), 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)), st.booleans(),
)


def _xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        clean = []
        for v in row:
            if isinstance(v, str):  # characters XML cannot hold: Excel cannot have them either
                v = "".join(ch for ch in v if ch in "\t\n\r" or (ord(ch) >= 32 and not 0xD800 <= ord(ch) <= 0xDFFF
                                                                  and ch not in "\ufffe\uffff"))
            elif isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
                v = str(v)
            clean.append(v)
        ws.append(clean)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv(rows: list[list], delimiter: str, encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(
        [["" if v is None else str(v) for v in row] for row in rows])
    return out.getvalue().encode(encoding, errors="replace")


CANONICAL = {"roster": ROSTER_HEADERS, "college-learn": LEARN_HEADERS, "hydra": HYDRA_HEADERS}


def plausible_row(kind: str, n: int) -> list:
    """A row that would be valid, for the canonical headings of a kind."""
    p = PEOPLE[n % len(PEOPLE)] if n % 4 else P(f"X{n}", f"New{n}", "Person")
    if kind == "roster":
        return [p.staff, p.first, p.last, p.email, "Constable", "Officer", "Response", p.category]
    if kind == "college-learn":
        return [p.staff, p.email, p.first, p.last, "Kent Police", list(MODULE_TITLES.values())[n % 4], "Completed",
                date(2025, 5, 1 + n % 28)]
    return [date(2025, 5, 1 + n % 3), f"HYD-{n % 3}", "Centre", "Trainer", p.staff, p.first, p.last, p.email,
            "Kent Police", "Attended"]


@st.composite
def structured(draw) -> tuple[str, str, bytes]:
    """A spreadsheet of the right shape for a kind: real headings (or some of them, shuffled, with extras) and rows
    that would be valid with any of their cells replaced by something wild."""
    kind = draw(st.sampled_from(KINDS))
    canonical = draw(st.integers(0, 3)) > 0
    headings = list(CANONICAL[kind]) if canonical else draw(
        st.lists(st.sampled_from(HEADERS[kind]), min_size=1, max_size=12, unique=True))
    rows = []
    for n in range(draw(st.integers(0, 8))):
        base = plausible_row(kind, n) if canonical else [None] * len(headings)
        rows.append([draw(CELL) if draw(st.integers(0, 4)) == 0 or not canonical else value for value in base])
    titles = draw(st.lists(st.lists(TEXT_CELL, max_size=2), max_size=2))
    table = [*titles, headings, *rows]
    if draw(st.booleans()):
        data = _xlsx(table)
        name = draw(st.sampled_from(["upload.xlsx", "upload.csv", "upload"]))
    else:
        data = _csv(table, draw(st.sampled_from([",", ";", "\t"])), draw(st.sampled_from(["utf-8", "utf-8-sig",
                                                                                          "cp1252"])))
        name = draw(st.sampled_from(["upload.csv", "upload.xlsx", "upload.txt"]))
    return kind, name, data


VALID = {
    "roster": roster(PEOPLE),
    "college-learn": learning(all_modules(PEOPLE[0], date(2025, 6, 1))),
    "hydra": hydra([(PEOPLE[1], date(2025, 6, 2), "Attended")]),
}


@st.composite
def mutated(draw) -> tuple[str, str, bytes]:
    """A valid file of some kind with bytes changed, cut short or spliced: zips that lie, text that breaks."""
    source_kind = draw(st.sampled_from(KINDS))
    data = bytearray(VALID[source_kind])
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(1, 6))):
        action = rng.choice(["flip", "cut", "insert"])
        at = rng.randrange(len(data)) if data else 0
        if action == "flip" and data:
            data[at] = rng.randrange(256)
        elif action == "cut":
            del data[at:at + rng.randrange(1, 200)]
        else:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 20)))
    return draw(st.sampled_from(KINDS)), draw(st.sampled_from(NAMES)), bytes(data)


@st.composite
def raw(draw) -> tuple[str, str, bytes]:
    prefix = draw(st.sampled_from([b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                                   b"Staff number,Forename,Surname,Role category\n"]))
    return draw(st.sampled_from(KINDS)), draw(st.sampled_from(NAMES)), prefix + draw(st.binary(max_size=1024))


UPLOADS = st.one_of(structured(), structured(), structured(), mutated(), raw())  # mostly files that get in


def counts() -> dict[str, int]:
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) for model in DATA_TABLES}


@pytest.fixture
def seeded(app):
    run_import("roster", roster(PEOPLE), "roster.csv", "kent", None)
    db.session.commit()
    return app


def check(kind: str, summary: dict, before: dict[str, int]) -> None:
    after = counts()
    delta = {name: after[name] - before[name] for name in after}
    json.dumps(summary)  # the API and --json print it
    assert summary["status"] in ("refused", "committed"), summary
    for error in summary["errors"]:
        assert error["message"] and isinstance(error["message"], str)
        assert error["row"] is None or (isinstance(error["row"], int) and error["row"] >= 1)
    batch = db.session.get(ImportBatch, summary["id"]) if summary.get("id") else None
    if summary["status"] == "refused":
        assert summary["errors"] and summary.get("message")
        assert delta == dict.fromkeys(delta, 0), delta  # nothing at all was applied
        assert batch is None or (batch.status == "refused" and batch.stored_name is None)
        return
    assert batch is not None and batch.status == "committed"
    for key in ("rows", "accepted", "matched", "unmatched", "new_completions", "people_added", "people_updated",
                "leavers"):
        assert isinstance(summary[key], int) and summary[key] >= 0, (key, summary)
    in_batch = {
        "college-learn": (LearningRecord, LearningRecord.batch_id),
        "hydra": (HydraAttendance, HydraAttendance.batch_id),
    }
    if kind == "roster":
        assert delta["person"] == summary["people_added"]
        assert delta["person_change"] == summary["people_added"] + summary["people_updated"] + summary["leavers"]
        assert delta["learning_record"] == delta["hydra_attendance"] == 0
    else:
        model, column = in_batch[kind]
        stored = db.session.scalar(select(func.count()).select_from(model).where(column == batch.id))
        assert stored == summary["matched"] + summary["unmatched"] == delta[model.__tablename__], (stored, summary)
        assert delta["person"] == 0
        if kind == "hydra":
            assert delta["hydra_session"] == summary["sessions"]
    assert delta["batch_force"] >= 1 or (summary["rows"] == 0 or summary["accepted"] == 0 or kind != "roster")


# LMS_FUZZ_EXAMPLES=5000 for a longer campaign than CI's.
EXAMPLES = int(os.environ.get("LMS_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


# Any name a browser or an API client may send: control characters, path parts, very long.
ODD_NAMES = st.one_of(st.none(), st.none(), st.text(max_size=300),
                      st.sampled_from(["../../etc/passwd", "a\x00b.csv", "C:\\Users\\x\\file.xlsx", "", " ",
                                       "x" * 400 + ".csv", "<script>.csv"]))


@FUZZ
@example(upload=("roster", "r.csv", roster(PEOPLE)), force="kent", strict=False, odd_name="a\x00b.csv")
@example(upload=("college-learn", "c.csv", b"Staff number,Email,Course,Status,Date completed\n" + b"9" * 300
                 + b",,OIC module 1: introduction,Completed,01/02/2025\n"), force="kent", strict=False, odd_name=None)
@given(upload=UPLOADS, force=st.sampled_from(["kent", "kent", "all"]),
       strict=st.sampled_from([False, False, False, True]), odd_name=ODD_NAMES)
def test_any_upload_is_refused_or_committed_whole_never_a_traceback(seeded, upload, force, strict, odd_name):
    kind, name, data = upload
    name = name if odd_name is None else odd_name
    before = counts()
    try:
        outcome = run_import(kind, data, name, force, None, mode="commit", strict=strict)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    db.session.expire_all()
    event(f"{kind}: {outcome.summary['status']}{' with row errors' if outcome.summary['errors'] else ''}")
    check(kind, outcome.summary, before)


@settings(max_examples=max(EXAMPLES // 3, 10), deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(upload=UPLOADS)
def test_any_upload_previews_then_commits_or_refuses_cleanly(seeded, upload):
    """The web path: a preview stored first, committed later (the stored file is read and planned again)."""
    from lms.imports.service import commit_preview

    kind, name, data = upload
    before = counts()
    preview = run_import(kind, data, name, "kent", None, mode="preview")
    db.session.commit()
    assert counts() == before  # a preview writes no records
    if preview.summary["status"] != "preview":
        assert preview.summary["status"] == "refused"
        return
    outcome = commit_preview(preview.batch, None, confirm_leavers=True)
    db.session.commit()
    db.session.expire_all()
    check(kind, outcome.summary, before)


# --- what the fuzzer found on PostgreSQL, pinned ------------------------------------------------------------------

LONG = "x" * 300


@pytest.mark.parametrize(
    ("kind", "data", "column"),
    [
        ("roster", roster([P("K001", "Ava", LONG), *PEOPLE[1:]]), "Surname"),
        ("roster", roster([P("K" + "1" * 100, "Ava", "Stone"), *PEOPLE[1:]]), "Staff number"),
        ("college-learn", learning(all_modules(P("K001", "Ava" * 50, "Stone"), date(2025, 6, 1))), "First name"),
        ("hydra", b"Session date,Venue,Facilitator,Staff number,Forename,Surname,Attended\n02/06/2025,"
                  + b"v" * 250 + b",MSOICU,K002,Ben,Marsh,Attended\n", "Venue"),
    ],
    ids=["roster-surname", "roster-staff-number", "learning-first-name", "hydra-venue"],
)
def test_a_value_longer_than_its_column_is_a_row_error_not_a_crash(seeded, kind, data, column):
    before = counts()
    outcome = run_import(kind, data, "file.csv" if data[:2] != b"PK" else "file.xlsx", "kent", None)
    db.session.commit()

    summary = outcome.summary
    assert summary["status"] == "committed"
    assert {e["column"] for e in summary["errors"]} == {column}
    assert "characters long" in summary["errors"][0]["message"]
    if kind == "roster":  # the person whose row was refused is not made a leaver
        assert summary["leavers"] == 0
    check(kind, summary, before)


@pytest.mark.parametrize(
    ("given_name", "stored"),
    [
        ("a\x00b.csv", "ab.csv"),
        ("C:\\Users\\lead\\Desktop\\roster.csv", "roster.csv"),
        ("../../static/roster.csv", "roster.csv"),
        ("\u202eroster.csv", "roster.csv"),
        ("", "upload"),
        ("r" * 400 + ".csv", "r" * 251 + ".csv"),
    ],
    ids=["nul", "windows-path", "relative-path", "rtl-override", "empty", "too-long"],
)
def test_file_names_are_stored_clean(seeded, given_name, stored):
    outcome = run_import("roster", roster(PEOPLE), given_name, "kent", None)
    db.session.commit()

    assert outcome.summary["filename"] == stored
    assert db.session.get(ImportBatch, outcome.summary["id"]).filename == stored
