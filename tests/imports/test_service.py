"""The import pipeline end to end against the database: matching, leavers, previews, rollback, order."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.imports.service import ImportRefused, commit_preview, get_batch, rollback, run_import
from lms.matches import queue as unmatched
from lms.models import HydraAttendance, ImportBatch, LearningRecord, Person
from lms.reports.figures import league_table
from tests.support.files import P, all_modules, hydra, learning, roster

D = date(2025, 6, 1)


def kent(as_of=None) -> dict:
    return next(f for f in league_table(as_of, use_snapshots=False)["forces"] if f["code"] == "kent")


def go(kind: str, data: bytes, force: str = "kent", name: str | None = None, **kw) -> dict:
    outcome = run_import(kind, data, name or {"roster": "r.csv", "college-learn": "c.xlsx", "hydra": "h.csv"}[kind],
                         force, None, **kw)
    db.session.commit()
    return outcome.summary


PEOPLE = [
    P("K001", "Ava", "Stone", "frontline"),
    P("K002", "Ben", "Marsh", "investigator"),
    P("K003", "Cara", "Hill", "manager"),
    P("K004", "Dev", "Patel", "other"),
]


def test_roster_then_records_give_the_figures_by_the_rules(app):
    s = go("roster", roster(PEOPLE))
    assert (s["status"], s["people_added"], s["leavers"]) == ("committed", 4, 0)
    f = kent()
    # frontline + investigator need e-learning; investigator + manager need Hydra; other needs nothing.
    assert f["elearning"]["relevant"] == 2 and f["hydra"]["relevant"] == 2 and f["overall"]["relevant"] == 3
    assert f["rank"] == 1 and f["overall"]["percent"] == 0.0

    s = go("college-learn", learning(all_modules(PEOPLE[0], D) + all_modules(PEOPLE[1], D)[:3], other_courses=2))
    assert (s["matched"], s["unmatched"], s["new_completions"], s["skipped_other_courses"]) == (7, 0, 7, 2)
    s = go("hydra", hydra([(PEOPLE[2], D, "Yes"), (PEOPLE[1], D, "Did not attend")]))
    assert s["new_completions"] == 1
    f = kent()
    # (each package also carries overdue / not_yet_due: tests/compliance checks those)
    assert f["elearning"].items() >= {"relevant": 2, "complete": 1, "percent": 50.0}.items()
    assert f["hydra"].items() >= {"relevant": 2, "complete": 1, "percent": 50.0}.items()
    assert f["overall"].items() >= {"relevant": 3, "complete": 2, "percent": 66.7}.items()
    assert f["modules"] == {"M1": 2, "M2": 2, "M3": 2, "M4": 1}
    # As of the day before the completions nothing counts.
    assert kent(D - timedelta(days=1))["overall"]["complete"] == 0


def test_upload_order_never_changes_the_result(app):
    files = [
        ("roster", roster(PEOPLE)),
        ("college-learn", learning(all_modules(PEOPLE[0], D) + all_modules(PEOPLE[1], D))),
        ("hydra", hydra([(PEOPLE[1], D, "Attended"), (PEOPLE[2], D, "Y")])),
    ]
    for kind, data in files:
        go(kind, data)
    first = kent()
    for batch in db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).all():
        rollback(batch, None)
        db.session.commit()
    assert kent()["overall"]["relevant"] == 0
    for kind, data in reversed(files):  # records first, roster last: the roster re-matches them
        go(kind, data)
    again = kent()
    assert {k: again[k] for k in ("elearning", "hydra", "overall", "modules", "unmatched_records")} == {
        k: first[k] for k in ("elearning", "hydra", "overall", "modules", "unmatched_records")
    }
    assert again["overall"]["complete"] == 3


def test_rollback_returns_every_figure_to_what_it_was(app):
    go("roster", roster(PEOPLE))
    go("college-learn", learning(all_modules(PEOPLE[0], D)))
    before = league_table(use_snapshots=False)
    s = go("college-learn", learning(all_modules(PEOPLE[1], D) + [(P("K999", "Zed", "Nobody"), "M1", "Completed", D)]))
    s2 = go("hydra", hydra([(PEOPLE[1], D, "Yes")]))
    s3 = go("roster", roster(PEOPLE[:3] + [P("K005", "Eve", "Long", "investigator")]))
    assert s3["people_added"] == 1 and s3["leavers"] == 1
    assert league_table(use_snapshots=False) != before
    for summary in (s3, s2, s):
        out = rollback(get_batch(summary["id"], None), None)
        db.session.commit()
        assert out["status"] == "rolled_back"
    assert league_table(use_snapshots=False) == before
    assert db.session.scalar(select(func.count()).select_from(Person).where(Person.active.is_(True))) == 4
    assert league_table() == before  # the snapshots were refreshed too


def test_rolling_back_an_earlier_roster_before_a_later_one_is_refused(app):
    first = go("roster", roster(PEOPLE))
    go("roster", roster(PEOPLE[:3]))
    with pytest.raises(ImportRefused, match="roll that back first"):
        rollback(get_batch(first["id"], None), None)


def test_leavers_never_count_and_keep_their_records(app):
    go("roster", roster(PEOPLE))
    go("college-learn", learning(all_modules(PEOPLE[0], D)))
    assert kent()["elearning"]["complete"] == 1
    s = go("roster", roster(PEOPLE[1:]))
    assert s["leavers"] == 1
    f = kent()
    assert f["elearning"].items() >= {"relevant": 1, "complete": 0, "percent": 0.0}.items()
    # A new person with the leaver's name does not inherit the leaver's record: the staff number is the leaver's.
    go("roster", roster(PEOPLE[1:] + [P("K050", "Ava", "Stone", "frontline")]))
    go("college-learn", learning(all_modules(PEOPLE[0], D)))
    assert kent()["elearning"]["complete"] == 0
    leaver = db.session.scalar(select(Person).where(Person.staff_number == "K001"))
    assert not leaver.active and leaver.left_on is not None
    assert db.session.scalar(select(func.count()).select_from(LearningRecord)
                             .where(LearningRecord.person_id == leaver.id)) == 8


def test_a_roster_making_over_half_the_force_leavers_needs_confirmation(app):
    go("roster", roster(PEOPLE))
    s = go("roster", roster(PEOPLE[:1]))
    assert s["status"] == "refused" and "3 of 4 active people leavers" in s["message"]
    assert db.session.scalar(select(func.count()).select_from(Person).where(Person.active.is_(True))) == 4
    s = go("roster", roster(PEOPLE[:1]), confirm_leavers=True)
    assert (s["status"], s["leavers"]) == ("committed", 3)


def test_a_person_whose_row_has_an_error_is_not_made_a_leaver(app):
    go("roster", roster(PEOPLE))
    bad = [*PEOPLE[:3], P("K004", "Dev", "Patel", "traffic")]  # unknown role category
    s = go("roster", roster(bad))
    assert s["leavers"] == 0
    assert [e["column"] for e in s["errors"]] == ["Role category"] and s["errors"][0]["row"] == 5
    assert db.session.scalar(select(Person.active).where(Person.staff_number == "K004")) is True


def test_staff_numbers_match_ignoring_case_spaces_and_leading_zeros_then_email_then_unique_name(app):
    go("roster", roster([P("00123", "Ann", "Lee"), P("K2", "Bo", "Chan"),
                         P("K3", "Cy", "Ng", mail="cy1@kent.police.invalid"),
                         P("K4", "Cy", "Ng", mail="cy2@kent.police.invalid")]))
    entries = [
        (P(" 123 ", "Someone", "Else"), "M1", "Completed", D),  # staff number, leading zeros ignored
        (P("", "Bo", "Chan"), "M1", "Completed", D),  # email (no staff number in the row)
        (P("", "Ann", "Lee", mail=""), "M2", "Completed", D),  # unique name among active people
        (P("", "Cy", "Ng", mail=""), "M1", "Completed", D),  # two active people share the name: unmatched
    ]
    data = learning(entries)
    s = go("college-learn", data)
    methods = dict(db.session.execute(select(LearningRecord.source_row, LearningRecord.match_method)).all())
    assert (methods[2], methods[3], methods[4], methods[5]) == ("staff_number", "email", "name", None)
    assert s["matched"] == 3 and s["unmatched"] == 1


def test_confirmed_matches_are_remembered_and_dismissed_records_leave_the_queue(app):
    go("roster", roster(PEOPLE))
    stranger = P("X77", "Avah", "Stoan")  # a typo'd learner: no rule matches
    go("college-learn", learning(all_modules(stranger, D)))
    from lms.forces.service import get_force

    waiting, total = unmatched.waiting(get_force("kent"))
    assert total == 1 and waiting[0].records == 4
    ava = db.session.scalar(select(Person).where(Person.staff_number == "K001"))
    assert waiting[0].candidates[0][0].id == ava.id  # the likeliest person is offered first
    unmatched.confirm(ava.force, waiting[0].identity_key, ava.id, None)
    db.session.commit()
    assert kent()["elearning"]["complete"] == 1 and kent()["unmatched_records"] == 0
    # The same learner in a later export matches at once.
    s = go("college-learn", learning(all_modules(stranger, D + timedelta(days=1))))
    assert (s["matched"], s["unmatched"]) == (4, 0)
    go("college-learn", learning([(P("Q1", "Not", "Ours"), "M1", "Completed", D)]))
    waiting, _ = unmatched.waiting(ava.force)
    unmatched.dismiss(ava.force, waiting[0].identity_key, None)
    db.session.commit()
    assert kent()["unmatched_records"] == 0
    assert db.session.scalar(select(func.count()).select_from(LearningRecord)) == 9  # kept, not deleted


def test_hydra_delegates_from_another_force_are_credited_to_their_own_force(app):
    go("roster", roster(PEOPLE))
    surrey = P("S1", "Sam", "Ray", "manager", force="surrey")
    go("roster", roster([surrey]), force="surrey")
    s = go("hydra", hydra([(PEOPLE[2], D, "Yes")]) + hydra([(surrey, D, "Yes")], force_name="Surrey Police")
           .split(b"\n", 1)[1])
    assert s["matched"] == 2
    table = {f["code"]: f for f in league_table(use_snapshots=False)["forces"]}
    assert table["surrey"]["hydra"]["complete"] == 1 and table["kent"]["hydra"]["complete"] == 1
    assert table["surrey"]["last_upload"]["hydra"] is not None


def test_college_learn_rows_for_another_force_are_row_errors(app):
    go("roster", roster(PEOPLE))
    s = go("college-learn", learning([(P("S1", "Sam", "Ray", force="surrey"), "M1", "Completed", D)]))
    assert s["errors"][0]["column"] == "Organisation" and "Surrey Police" in s["errors"][0]["message"]


def test_an_all_forces_file_routes_each_row_by_its_force(app):
    go("roster", roster(PEOPLE))
    go("roster", roster([P("S1", "Sam", "Ray", force="surrey")]), force="surrey")
    data = learning([(PEOPLE[0], "M1", "Completed", D), (P("S1", "Sam", "Ray", force="surrey"), "M1", "Completed", D)])
    s = go("college-learn", data, force="all")
    assert (s["force"], s["matched"]) == ("all", 2)
    table = {f["code"]: f for f in league_table(use_snapshots=False)["forces"]}
    assert table["surrey"]["modules"]["M1"] == 1 and table["kent"]["modules"]["M1"] == 1


def test_preview_writes_no_records_and_commit_applies_it(app):
    go("roster", roster(PEOPLE))
    outcome = run_import("college-learn", learning(all_modules(PEOPLE[0], D)), "c.xlsx", "kent", None, mode="preview")
    db.session.commit()
    assert outcome.summary["status"] == "preview" and outcome.summary["new_completions"] == 4
    assert db.session.scalar(select(func.count()).select_from(LearningRecord)) == 0
    assert kent()["elearning"]["complete"] == 0
    committed = commit_preview(outcome.batch, None)
    db.session.commit()
    assert committed.summary["status"] == "committed" and kent()["elearning"]["complete"] == 1


def test_dry_run_changes_nothing_and_the_same_file_twice_is_recognised(app):
    data = roster(PEOPLE)
    s = go("roster", data, mode="dry_run")
    assert (s["id"], s["people_added"]) == (None, 4)
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    first = go("roster", data)
    again = go("roster", data)
    assert again["duplicate_of"] == first["id"] and again["people_updated"] == 0


def test_strict_commits_nothing_when_any_row_has_an_error(app):
    go("roster", roster(PEOPLE))
    data = learning([(PEOPLE[0], "M1", "Completed", D), (PEOPLE[1], "M1", "Completed", None)])
    s = go("college-learn", data, strict=True)
    assert s["status"] == "refused" and any(e["row"] == 3 for e in s["errors"])
    assert db.session.scalar(select(func.count()).select_from(LearningRecord)) == 0
    s = go("college-learn", data)
    assert s["status"] == "committed" and s["accepted"] == 1


def test_exempt_people_are_out_of_scope_until_their_date(app):
    from tests.support.files import csv_bytes

    headers = ["Staff number", "Forename", "Surname", "Role category", "Exempt until", "Exemption reason"]
    later = date.today() + timedelta(days=60)
    data = csv_bytes(headers, [["K1", "Ann", "Lee", "frontline", later.strftime("%d/%m/%Y"), "Maternity leave"],
                               ["K2", "Bo", "Chan", "frontline", "", ""]])
    s = go("roster", data)
    assert s["status"] == "committed", s["errors"]
    assert kent()["elearning"]["relevant"] == 1
    assert kent(later + timedelta(days=1))["elearning"]["relevant"] == 2


def test_hydra_attendance_rows_keep_who_did_not_attend(app):
    go("roster", roster(PEOPLE))
    go("hydra", hydra([(PEOPLE[2], D, "No show"), (PEOPLE[1], D, "Partially attended")]))
    assert kent()["hydra"]["complete"] == 0
    assert db.session.scalar(select(func.count()).select_from(HydraAttendance)) == 2


def test_committing_the_same_export_again_does_not_inflate_the_unmatched_queue(app):
    go("roster", roster(PEOPLE))
    data = learning(all_modules(P("X77", "Avah", "Stoan"), D) + all_modules(PEOPLE[0], D))
    go("college-learn", data)
    before = kent()
    again = go("college-learn", data)
    assert again["duplicate_of"] is not None
    after = kent()
    assert after["unmatched_records"] == before["unmatched_records"] == 4
    assert {k: after[k] for k in ("elearning", "overall", "modules")} == {k: before[k] for k in
                                                                         ("elearning", "overall", "modules")}
    from lms.forces.service import get_force

    waiting, total = unmatched.waiting(get_force("kent"))
    assert total == 1 and waiting[0].records == 4
