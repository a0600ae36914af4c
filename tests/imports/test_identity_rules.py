"""DESIGN.md "Identity", rule by rule, through real uploads: who gets the credit, and what the figures say.

Each test tells a lead's story: the files arrive in an order that used to give the credit to the wrong person, and
the force's figures and the people's records must come out as the rules say, whatever came first.
"""

from __future__ import annotations

from datetime import date

from lms.extensions import db
from lms.forces.service import get_force
from lms.imports.service import get_batch, rollback, run_import
from lms.matches import queue
from lms.reports.figures import league_table
from lms.reports.people import force_people, person_in_force, person_records
from tests.support.files import P, all_modules, hydra, learning, roster

D = date(2025, 6, 2)
TODAY = date(2026, 1, 5)  # any day after D: the figures are as of it

AVA = P("K001", "Ava", "Stone", "frontline")
BEN = P("K002", "Ben", "Marsh", "investigator")


def go(kind: str, data: bytes) -> dict:
    """Upload and commit a file for Kent, as the command line would (confirming a small roster's changes)."""
    outcome = run_import(kind, data, {"roster": "r.csv", "college-learn": "c.xlsx", "hydra": "h.csv"}[kind], "kent",
                         None, confirm_leavers=True, confirm_force=True)
    db.session.commit()
    assert outcome.summary["status"] == "committed", outcome.summary.get("message")
    return outcome.summary


def kent() -> dict:
    """Kent's figures as the league table shows them, from the stored snapshots (what the pages read)."""
    return next(f for f in league_table()["forces"] if f["code"] == "kent")


def credited() -> dict[str, set[str]]:
    """Staff number -> the modules and Hydra sessions on that person's record (the person's page), leavers too."""
    force = get_force("kent")
    out = {}
    for line in force_people(force, TODAY, include_leavers=True):
        found = person_records(person_in_force(force, line.person.id))
        out[line.person.staff_number] = ({r.requirement_code for r, _batch in found["learning"] if r.completed}
                                         | {"HYDRA" for r, _batch in found["hydra"] if r.attended})
    return out


def waiting_names() -> list[str]:
    """The learners in Kent's unmatched queue, by name."""
    learners, _total = queue.waiting(get_force("kent"))
    return [w.name for w in learners]


def test_a_joiner_arriving_after_the_export_takes_the_credit_back_from_a_namesake(app):
    go("roster", roster([AVA, BEN]))
    # The joiner's record carries no staff number and an email the roster does not know yet: matched by name to the
    # one Ava Stone on the roster, provisionally.
    joiner = P("K050", "Ava", "Stone", "frontline", mail="ava.stone.2@kent.police.invalid")
    go("college-learn", learning(all_modules(P("", "Ava", "Stone", mail=joiner.email), D)))
    assert credited()["K001"] == {"M1", "M2", "M3", "M4"}
    assert kent()["elearning"]["complete"] == 1

    go("roster", roster([AVA, BEN, joiner]))  # the joiner arrives: their email is theirs
    assert credited()["K050"] == {"M1", "M2", "M3", "M4"}
    assert credited()["K001"] == set()
    assert kent()["elearning"].items() >= {"relevant": 3, "complete": 1}.items()


def test_rolling_back_the_joiners_roster_gives_the_provisional_match_back(app):
    go("roster", roster([AVA, BEN]))
    joiner = P("K050", "Ava", "Stone", "frontline", mail="ava.stone.2@kent.police.invalid")
    go("college-learn", learning(all_modules(P("", "Ava", "Stone", mail=joiner.email), D)))
    second = go("roster", roster([AVA, BEN, joiner]))
    rollback(get_batch(second["id"], None), None)
    db.session.commit()
    assert credited() == {"K001": {"M1", "M2", "M3", "M4"}, "K002": set()}
    assert kent()["elearning"].items() >= {"relevant": 2, "complete": 1}.items()


def test_a_staff_number_that_contradicts_the_person_blocks_a_match_by_name(app):
    go("roster", roster([AVA, BEN]))
    # Same name, another staff number (and an email nobody has): someone the roster does not list yet, never Ava
    # Stone K001.
    s = go("college-learn", learning(all_modules(P("K777", "Ava", "Stone", mail="a.stone.77@kent.police.invalid"),
                                                 D)))
    assert (s["matched"], s["unmatched"]) == (0, 4)
    assert credited()["K001"] == set()
    assert kent()["elearning"]["complete"] == 0 and kent()["unmatched_records"] == 4
    assert waiting_names() == ["Ava Stone"]


def test_leading_zeros_and_case_do_not_contradict(app):
    go("roster", roster([P("00123", "Ava", "Stone"), BEN]))
    s = go("college-learn", learning(all_modules(P("123", "Ava", "Stone", mail="old.address@kent.police.invalid"), D)))
    assert (s["matched"], s["unmatched"]) == (4, 0)
    assert kent()["elearning"]["complete"] == 1


def test_a_changed_email_still_matches_by_name(app):
    go("roster", roster([AVA, BEN]))
    # No staff number, and an email Ava no longer has: emails change, so the unique name still finds her.
    s = go("college-learn", learning(all_modules(P("", "Ava", "Stone", mail="ava.s@old-force.invalid"), D)))
    assert (s["matched"], s["unmatched"]) == (4, 0)
    assert credited()["K001"] == {"M1", "M2", "M3", "M4"}
    assert kent()["elearning"]["complete"] == 1


def test_a_leavers_staff_number_never_passes_to_a_namesake(app):
    go("roster", roster([AVA, BEN]))
    go("college-learn", learning(all_modules(AVA, D)))
    go("hydra", hydra([(AVA, D, "Attended")]))
    namesake = P("K050", "Ava", "Stone", "investigator", mail="ava.stone.2@kent.police.invalid")
    go("roster", roster([BEN, namesake]))  # Ava K001 leaves; another Ava Stone joins
    assert credited() == {"K001": {"M1", "M2", "M3", "M4", "HYDRA"}, "K002": set(), "K050": set()}
    f = kent()
    assert f["elearning"]["complete"] == 0 and f["hydra"]["complete"] == 0 and f["unmatched_records"] == 0
    # The same files uploaded again after the change still credit the leaver, never the namesake.
    go("college-learn", learning(all_modules(AVA, D)))
    assert credited()["K050"] == set() and kent()["elearning"]["complete"] == 0


def test_names_match_only_when_unique_among_active_people(app):
    twin = P("K003", "Ava", "Stone", "frontline", mail="a.stone@kent.police.invalid")
    go("roster", roster([AVA, BEN, twin]))
    s = go("hydra", hydra([(P("", "Ava", "Stone", mail=""), D, "Attended")]))
    assert (s["matched"], s["unmatched"]) == (0, 1)
    go("roster", roster([AVA, BEN]))  # the other Ava Stone leaves: the name is unique again
    assert credited()["K001"] == {"HYDRA"}
    assert credited()["K003"] == set()


def test_a_confirmed_decision_survives_a_roster_that_would_match_otherwise(app):
    go("roster", roster([AVA, BEN]))
    stranger = P("K9", "A", "Stone", mail="astone@kent.police.invalid")
    go("college-learn", learning(all_modules(stranger, D)))
    assert waiting_names() == ["A Stone"]
    learner = queue.waiting(get_force("kent"))[0][0]
    person_id = next(p.id for p, _score in learner.candidates if p.staff_number == "K001")
    queue.confirm(get_force("kent"), learner.identity_key, person_id, None)
    db.session.commit()
    assert credited()["K001"] == {"M1", "M2", "M3", "M4"}

    # A later roster lists someone with the record's staff number: the lead's decision still stands.
    go("roster", roster([AVA, BEN, P("K9", "Alex", "Stone")]))
    assert credited()["K001"] == {"M1", "M2", "M3", "M4"} and credited()["K9"] == set()
    # And so it does for the same learner's later uploads.
    go("college-learn", learning(all_modules(stranger, D)))
    assert credited()["K9"] == set() and kent()["elearning"]["complete"] == 1


def test_a_dismissed_learner_stays_out_of_the_queue_when_a_roster_would_match_them(app):
    go("roster", roster([AVA, BEN]))
    go("college-learn", learning(all_modules(P("K9", "Cal", "Reed"), D)))
    learner = queue.waiting(get_force("kent"))[0][0]
    queue.dismiss(get_force("kent"), learner.identity_key, None)
    db.session.commit()
    go("roster", roster([AVA, BEN, P("K9", "Cal", "Reed")]))
    assert credited()["K9"] == set()
    assert waiting_names() == [] and kent()["unmatched_records"] == 0


def test_a_pending_line_for_another_force_is_matched_when_that_forces_roster_arrives(app, create_user):
    from lms.pending import service as pending

    surrey_people = [P("S201", "Cyra", "Wendover", "manager", force="surrey")]
    go("roster", roster([AVA, BEN]))
    lead = create_user("force_lead", force="kent")
    register = hydra([(surrey_people[0], D, "Attended")], force_name="Surrey Police")
    outcome = run_import("hydra", register, "register.csv", "kent", lead)
    db.session.commit()
    assert outcome.summary["sent_to_other_forces"] == {"surrey": 1}
    lines, _paging = pending.waiting(get_force("surrey"))
    assert lines[0].person is None  # Surrey has no roster yet

    run_import("roster", roster(surrey_people), "surrey.csv", "surrey", None)
    db.session.commit()
    lines, _paging = pending.waiting(get_force("surrey"))
    assert lines[0].person is not None and lines[0].person.staff_number == "S201"
    surrey = next(f for f in league_table()["forces"] if f["code"] == "surrey")
    assert surrey["hydra"]["complete"] == 0  # matched, but it counts only once Surrey's lead accepts it
