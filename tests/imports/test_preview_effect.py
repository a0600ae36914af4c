"""The effect on the figures, in the preview: "Overall 0.0% → 75.0%, rank 2 → 1", equal to the figures after the
commit (measured by committing and comparing), and nothing left behind by the measuring."""

from __future__ import annotations

import html
import io
from datetime import date

from sqlalchemy import func, select

from lms.extensions import db
from lms.imports.service import commit_preview, run_import
from lms.models import HydraAttendance, LearningRecord, Person
from lms.reports.figures import league_table
from tests.support.files import P, all_modules, hydra, learning, roster

D = date(2025, 6, 1)
KENT = [P("K001", "Ava", "Stone"), P("K002", "Ben", "Marsh"), P("K003", "Cal", "Reed"), P("K004", "Dee", "Hart")]
SURREY = [P("S001", "Eve", "Lamb", force="surrey"), P("S002", "Fay", "Moss", force="surrey")]


def entry(code: str) -> dict:
    """A force as the league table shows it now, computed from the records (not the snapshots)."""
    return next(f for f in league_table(use_snapshots=False)["forces"] if f["code"] == code)


def figures(e: dict) -> dict:
    return {"rank": e["rank"], **{k: {n: e[k][n] for n in ("relevant", "complete", "percent")}
                                  for k in ("overall", "elearning", "hydra")}}


def commit(kind: str, data: bytes, force: str = "kent"):
    outcome = run_import(kind, data, "f.csv" if kind != "college-learn" else "f.xlsx", force, None)
    db.session.commit()
    assert outcome.summary["status"] == "committed", outcome.summary
    return outcome


def surrey_half_done() -> None:
    commit("roster", roster(SURREY), "surrey")
    commit("college-learn", learning(all_modules(SURREY[0], D)), "surrey")  # Surrey: 1 of 2, 50%


def preview_then_commit(kind: str, data: bytes, force: str = "kent"):
    """(the preview's effect for `force`, the figures before, the figures after committing it)."""
    before = figures(entry(force))
    preview = run_import(kind, data, "f.xlsx", force, None, mode="preview")
    db.session.commit()
    assert figures(entry(force)) == before  # the measuring left nothing behind
    effect = {f["code"]: f for f in preview.summary["effect"]["forces"]}[force]
    committed = commit_preview(preview.batch, None)
    db.session.commit()
    assert committed.summary["status"] == "committed"
    return effect, before, figures(entry(force))


def test_a_college_learn_preview_shows_the_figures_its_commit_gives(app):
    commit("roster", roster(KENT))
    surrey_half_done()
    records = db.session.scalar(select(func.count()).select_from(LearningRecord))
    stranger = P("X900", "Zed", "Quill")  # matches nobody: never counts
    data = learning([entry for p in (*KENT[:3], stranger) for entry in all_modules(p, D)]
                    + [(KENT[3], code, "In progress", None) for code in ("M1", "M2")])

    effect, before, after = preview_then_commit("college-learn", data)

    assert effect["before"] == before and effect["after"] == after
    assert after["overall"]["percent"] == 75.0 and after["rank"] == 1 and before["rank"] == 2
    assert db.session.scalar(select(func.count()).select_from(LearningRecord)) == records + 18


def test_a_roster_preview_counts_the_records_it_would_match_again(app):
    # Records waiting for people not yet on the roster: the roster's commit matches them again (rematch).
    commit("roster", roster(KENT[:1]))
    joiners = [P("K010", "Gus", "Vale"), P("K011", "Hal", "Wren")]
    commit("college-learn", learning([e for p in joiners for e in all_modules(p, D)]))
    surrey_half_done()

    effect, before, after = preview_then_commit("roster", roster([*KENT[:1], *joiners]))

    assert effect["before"] == before and effect["after"] == after
    assert before["overall"] == {"relevant": 1, "complete": 0, "percent": 0.0}
    assert after["overall"] == {"relevant": 3, "complete": 2, "percent": 66.7} and after["rank"] == 1


def test_a_hydra_register_for_all_forces_lists_the_forces_it_changes(app, create_user):
    commit("roster", roster([P("K005", "Ivy", "Dale", "manager"), *KENT[:1]]))
    commit("roster", roster([P("S005", "Jo", "Finch", "manager", force="surrey")]), "surrey")
    register = hydra([(P("K005", "Ivy", "Dale", "manager"), D, "Attended")]) + hydra(
        [(P("S005", "Jo", "Finch", "manager", force="surrey"), D, "Attended")], force_name="Surrey Police"
    ).split(b"\n", 1)[1]
    admin = create_user("admin")
    attendance = db.session.scalar(select(func.count()).select_from(HydraAttendance))
    preview = run_import("hydra", register, "register.csv", "all", admin, mode="preview")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(HydraAttendance)) == attendance
    effect = {f["code"]: f for f in preview.summary["effect"]["forces"]}
    assert set(effect) == {"kent", "surrey"} and preview.summary["effect"]["forces_changed"] == 2
    commit_preview(preview.batch, admin)
    db.session.commit()
    for code in ("kent", "surrey"):
        assert effect[code]["after"] == figures(entry(code))


def test_a_lead_sees_the_effect_for_their_force_on_the_page(signed_in):
    commit("roster", roster(KENT))
    surrey_half_done()
    client, _ = signed_in("force_lead", force="kent")
    data = learning([entry for p in KENT[:3] for entry in all_modules(p, D)])
    response = client.post("/upload", data={"kind": "college-learn", "force": "kent",
                                            "file": (io.BytesIO(data), "export.xlsx")},
                           content_type="multipart/form-data")
    page = html.unescape(" ".join(client.get(response.location).get_data(as_text=True).split()))
    assert "What committing it will do to the figures" in page
    assert "Kent Police: overall 0.0% → 75.0%, rank 2 → 1" in page
    assert db.session.scalar(select(func.count()).select_from(Person).where(Person.active)) == 6


def test_a_dry_run_measures_the_effect_and_changes_nothing(app):
    commit("roster", roster(KENT))
    data = learning(all_modules(KENT[0], D))
    outcome = run_import("college-learn", data, "f.xlsx", "kent", None, mode="dry_run")
    db.session.commit()
    [row] = outcome.summary["effect"]["forces"]
    assert row["after"]["elearning"]["complete"] == 1 and row["before"]["elearning"]["complete"] == 0
    assert db.session.scalar(select(func.count()).select_from(LearningRecord)) == 0
    assert entry("kent")["elearning"]["complete"] == 0
