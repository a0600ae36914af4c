"""Due dates through real roster uploads: who gets a start, what the league table says, and exact rollbacks."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lms.extensions import db
from lms.imports.service import get_batch, rollback, run_import
from lms.models import DueDateSetting, Person
from lms.reports.figures import league_table, refresh_snapshots
from tests.support.files import ROSTER_HEADERS, P, all_modules, csv_bytes, learning

OLD_HANDS = [P("K001", "Ava", "Stone"), P("K002", "Ben", "Marsh"), P("K003", "Cara", "Hill", "manager")]
JOINER = P("K010", "Dara", "Quinn")


def roster_with_starts(people: list[P], starts: dict[str, date] | None = None) -> bytes:
    """A roster .csv with the optional Start date column, dd/mm/yyyy as HR extracts write it."""
    starts = starts or {}
    rows = [[p.staff, p.first, p.last, p.email, "Constable", "Officer", p.department, p.category,
             starts[p.staff].strftime("%d/%m/%Y") if p.staff in starts else ""] for p in people]
    return csv_bytes([*ROSTER_HEADERS, "Start date"], rows)


def go(kind: str, data: bytes) -> dict:
    outcome = run_import(kind, data, {"roster": "r.csv", "college-learn": "c.xlsx"}[kind], "kent", None)
    db.session.commit()
    return outcome.summary


def kent(as_of: date | None = None) -> dict:
    return next(f for f in league_table(as_of, use_snapshots=False)["forces"] if f["code"] == "kent")


def person(staff: str) -> Person:
    return db.session.scalar(select(Person).where(Person.staff_number == staff))


def test_first_roster_people_have_no_start_and_a_later_roster_dates_its_joiners(app, today):
    go("roster", roster_with_starts(OLD_HANDS))
    assert [(person(p.staff).start_date, person(p.staff).first_rostered_on) for p in OLD_HANDS] == [(None, None)] * 3
    go("roster", roster_with_starts([*OLD_HANDS, JOINER]))
    assert (person("K010").start_date, person("K010").first_rostered_on) == (None, today)
    assert person("K001").first_rostered_on is None  # still on the first roster's terms


def test_league_table_counts_overdue_and_new_joiners_not_yet_due(app, today):
    go("roster", roster_with_starts(OLD_HANDS))
    go("college-learn", learning(all_modules(OLD_HANDS[0], date(2026, 1, 5))))
    go("roster", roster_with_starts([*OLD_HANDS, JOINER]))
    entry = kent(today)
    # Ava is done; Ben (on the first roster) is overdue since the deadline; Dara joined today: 90 days' grace.
    assert entry["elearning"] == {"relevant": 3, "complete": 1, "percent": 33.3, "overdue": 1, "not_yet_due": 1}
    assert entry["hydra"] == {"relevant": 1, "complete": 0, "percent": 0.0, "overdue": 1, "not_yet_due": 0}
    assert entry["overall"] == {"relevant": 4, "complete": 1, "percent": 25.0, "overdue": 2, "not_yet_due": 1}
    # 91 days on, Dara is overdue too; relevant and complete have not changed meaning.
    later = kent(today + timedelta(days=91))
    assert later["overall"] == {"relevant": 4, "complete": 1, "percent": 25.0, "overdue": 3, "not_yet_due": 0}
    assert kent(today + timedelta(days=90))["overall"]["not_yet_due"] == 1  # the due date itself is not late


def test_start_date_column_wins_and_a_blank_one_keeps_the_last(app, today):
    recent = today - timedelta(days=10)
    go("roster", roster_with_starts(OLD_HANDS, {"K002": recent}))
    assert person("K002").start_date == recent
    assert kent(today)["elearning"]["not_yet_due"] == 1  # Ben started ten days ago: due in 80 days
    go("roster", roster_with_starts([*OLD_HANDS, JOINER], {"K010": date(2024, 3, 4)}))
    # The joiner's HR start is long ago: due by the deadline, so overdue now, not a new joiner.
    assert (person("K010").start_date, person("K010").first_rostered_on) == (date(2024, 3, 4), today)
    assert person("K002").start_date == recent  # a blank Start date kept Ben's
    assert kent(today)["elearning"] == {"relevant": 3, "complete": 0, "percent": 0.0, "overdue": 2,
                                        "not_yet_due": 1}


def test_rolling_back_a_roster_restores_the_start_data_exactly(app, today):
    go("roster", roster_with_starts(OLD_HANDS, {"K001": date(2025, 1, 6)}))
    before = kent(today)
    second = go("roster", roster_with_starts([*OLD_HANDS, JOINER], {"K001": today - timedelta(days=3)}))
    assert person("K001").start_date == today - timedelta(days=3)
    assert kent(today) != before
    rollback(get_batch(second["id"], None), None)
    db.session.commit()
    assert person("K001").start_date == date(2025, 1, 6)
    assert person("K010") is None
    assert kent(today) == before


def test_changed_settings_are_not_hidden_by_todays_snapshots(app, today):
    go("roster", roster_with_starts(OLD_HANDS))
    go("college-learn", learning(all_modules(OLD_HANDS[0], date(2026, 1, 5))))
    refresh_snapshots()
    db.session.commit()

    def served() -> dict:  # what the API serves: today's snapshots when they are fresh
        return next(f for f in league_table()["forces"] if f["code"] == "kent")

    assert served()["elearning"]["complete"] == 1
    db.session.add(DueDateSetting(id=1, grace_days=90, elearning_validity_months=6))
    db.session.commit()
    # Snapshots say which settings they followed: Ava's January completion has expired under a 6-month validity.
    assert served()["elearning"] == {"relevant": 2, "complete": 0, "percent": 0.0, "overdue": 2, "not_yet_due": 0}
    assert league_table()["forces"] == league_table(use_snapshots=False)["forces"]


def test_lms_league_table_json_and_csv_carry_the_counts(app, runner, today):
    import csv
    import io
    import json

    go("roster", roster_with_starts(OLD_HANDS))
    go("roster", roster_with_starts([*OLD_HANDS, JOINER]))
    result = runner.invoke(args=["lms", "league-table", "--format", "json"])
    assert result.exit_code == 0, result.output
    entry = next(f for f in json.loads(result.output)["forces"] if f["code"] == "kent")
    assert {package: (entry[package]["overdue"], entry[package]["not_yet_due"])
            for package in ("elearning", "hydra", "overall")} == {
        "elearning": (2, 1), "hydra": (1, 0), "overall": (3, 1)}
    for other in json.loads(result.output)["forces"]:
        for package in ("elearning", "hydra", "overall"):
            assert {"overdue", "not_yet_due"} <= set(other[package])
    result = runner.invoke(args=["lms", "league-table", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))[1:]
    kent_row = dict(zip(rows[0], next(r for r in rows if "kent" in r), strict=True))
    assert (kent_row["Overall overdue"], kent_row["Overall not yet due"]) == ("3", "1")
    assert (kent_row["E-learning overdue"], kent_row["Hydra not yet due"]) == ("2", "0")
