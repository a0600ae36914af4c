"""Cross-force Hydra lines through the services: pending for the delegate's force until it accepts them."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.core.clock import today
from lms.extensions import db
from lms.forces.service import get_force
from lms.imports.service import commit_preview, get_batch, rollback
from lms.matches import queue as unmatched
from lms.models import AuditEvent, HydraAttendance, ImportBatch, Person
from lms.pending import service as pending
from lms.reports import people
from lms.reports.figures import unmatched_counts
from tests.pending.support import DAY, ESSEX, KENT, SURREY, figures, register, rosters, upload
from tests.support.files import P


def _surrey():
    return get_force("surrey")


def test_a_leads_register_credits_kent_and_leaves_surreys_delegate_pending(app, create_user):
    rosters()
    lead = create_user("force_lead", force="kent")
    summary = upload(register([(KENT[0], DAY, "Attended"), (SURREY[0], DAY, "Attended")]), lead)

    assert (summary["matched"], summary["unmatched"], summary["new_completions"]) == (1, 0, 1)
    assert summary["sent_to_other_forces"] == {"surrey": 1}
    assert figures("kent")["hydra"]["complete"] == 1
    assert figures("surrey")["hydra"]["complete"] == 0
    assert figures("surrey", snapshots=True)["hydra"]["complete"] == 0
    # Matched like any line, so Surrey's lead sees who it is; counted nowhere yet.
    lines, paging = pending.waiting(_surrey())
    assert paging.total == 1 and lines[0].person.staff_number == SURREY[0].staff
    assert lines[0].sent_by_force == "Kent Police" and lines[0].venue == "Maidstone training centre"
    assert SURREY[0].staff in {line.person.staff_number for line in people.outstanding_people(_surrey(), today())}
    person = lines[0].person
    assert people.person_records(person)["hydra"] == []


def test_surreys_figures_move_only_when_its_lead_accepts(app, create_user):
    rosters()
    kent_lead = create_user("force_lead", force="kent")
    surrey_lead = create_user("force_lead", force="surrey")
    upload(register([(SURREY[0], DAY, "Attended"), (SURREY[1], DAY, "Attended")]), kent_lead)
    before = figures("surrey", snapshots=True)["hydra"]
    assert before["complete"] == 0

    first = pending.waiting(_surrey())[0][0]
    pending.accept(_surrey(), surrey_lead, line_id=first.id)
    db.session.commit()
    assert figures("surrey", snapshots=True)["hydra"]["complete"] == 1
    assert figures("surrey")["hydra"]["complete"] == 1
    assert pending.waiting(_surrey())[1].total == 1

    n = pending.accept(_surrey(), surrey_lead, upto=pending.latest_waiting_id(_surrey()))
    db.session.commit()
    assert n == 1 and figures("surrey", snapshots=True)["hydra"]["complete"] == 2
    # Now on their people pages (and so out of reminders): Cyra needs only Hydra, and has done it.
    outstanding = {line.person.staff_number for line in people.outstanding_people(_surrey(), today())}
    assert SURREY[0].staff not in outstanding
    assert len(people.person_records(first.person)["hydra"]) == 1
    assert pending.waiting(_surrey())[1].total == 0
    assert figures("surrey")["last_upload"]["hydra"] is not None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("pending.%"))).all()
    assert actions == ["pending.accepted", "pending.accepted"]


def test_a_declined_line_is_kept_but_never_counts(app, create_user):
    rosters()
    lead = create_user("force_lead", force="kent")
    rocu = create_user("regional", region="South East")  # Surrey's ROCU
    upload(register([(SURREY[0], DAY, "Attended")]), lead)
    line = pending.waiting(_surrey())[0][0]

    assert "never counts" in pending.decide(_surrey(), line.id, "decline", rocu)
    db.session.commit()
    assert figures("surrey", snapshots=True)["hydra"]["complete"] == 0
    assert pending.waiting(_surrey())[1].total == 0
    kept = db.session.get(HydraAttendance, line.id)
    assert (kept.review, kept.pending, kept.reviewed_by_id) == ("declined", True, rocu.id)
    # Decided once: neither can be undone by accepting afterwards.
    try:
        pending.accept(_surrey(), rocu, line_id=line.id)
    except pending.PendingError as exc:
        assert "no longer waiting" in str(exc)
    else:
        raise AssertionError("a declined line was accepted")
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "pending.declined"))


def test_accept_all_takes_only_the_lines_the_lead_was_shown(app, create_user):
    rosters()
    lead = create_user("force_lead", force="kent")
    upload(register([(SURREY[0], DAY, "Attended")]), lead)
    shown = pending.latest_waiting_id(_surrey())
    upload(register([(SURREY[1], DAY, "Attended")], venue="Guildford"), lead)

    assert pending.accept(_surrey(), None, upto=shown) == 1
    db.session.commit()
    left = pending.waiting(_surrey())[0]
    assert [line.venue for line in left] == ["Guildford"]
    assert [s.lines for s in pending.senders(_surrey())] == [1]


def _summary_without_ids(summary: dict) -> dict:
    """The summary less the batch's id, and less the national ranks in the effect on the figures: the league table is
    public, and Surrey's own figures differ between the two worlds compared, whatever the file says."""
    out = {k: v for k, v in summary.items() if k not in ("id", "duplicate_of", "effect")}
    if "effect" in summary:
        out["effect"] = [(f["code"], {k: v for k, v in f["before"].items() if k != "rank"},
                          {k: v for k, v in f["after"].items() if k != "rank"}) for f in summary["effect"]["forces"]]
        assert [f["code"] for f in summary["effect"]["forces"]] == ["kent"]
    return out


def test_the_uploaders_summary_is_the_same_whether_or_not_the_delegate_is_on_surreys_roster(app, create_user):
    """No oracle: matched, unmatched, new completions and every other key say nothing about Surrey's people."""
    rosters()
    lead = create_user("force_lead", force="kent")
    # Sam has attended before, in Surrey's own register: a second attendance would be no "new completion".
    sam = P("S299", "Sam", "Oakes", "manager", force="surrey")
    rosters(surrey=[*SURREY, sam])
    upload(register([(sam, DAY, "Attended")]), create_user("force_lead", force="surrey"), force="surrey")
    data = register([(KENT[0], DAY, "Attended"), (sam, DAY, "Attended"), (SURREY[1], DAY, "Did not attend")])
    on_roster = {mode: upload(data, lead, mode=mode) for mode in ("dry_run", "preview")}
    assert on_roster["dry_run"]["sent_to_other_forces"] == {"surrey": 2}

    # The same file against a Surrey that has never heard of Sam or Dorian: its uploads undone, newest first.
    surreys = select(ImportBatch.id).where(ImportBatch.force_id == _surrey().id, ImportBatch.status == "committed")
    for batch_id in db.session.scalars(surreys.order_by(ImportBatch.id.desc())).all():
        rollback(get_batch(batch_id, None), None)
    rosters(surrey=SURREY[:1])
    assert db.session.scalar(select(func.count()).select_from(Person).where(Person.staff_number == sam.staff)) == 0
    off_roster = {mode: upload(data, lead, mode=mode) for mode in ("dry_run", "preview")}
    for mode in ("dry_run", "preview"):
        assert _summary_without_ids(on_roster[mode]) == _summary_without_ids(off_roster[mode]), mode


def test_a_rocu_credits_its_regions_forces_directly_and_sends_the_rest(app, create_user):
    rosters()
    eastern = create_user("regional", region="Eastern")  # Kent's and Essex's ROCU, not Surrey's
    summary = upload(register([(KENT[0], DAY, "Attended"), (ESSEX[0], DAY, "Attended"),
                               (SURREY[0], DAY, "Attended")]), eastern)
    assert (summary["matched"], summary["new_completions"]) == (2, 2)
    assert summary["sent_to_other_forces"] == {"surrey": 1}
    assert figures("essex")["hydra"]["complete"] == 1 and figures("surrey")["hydra"]["complete"] == 0

    everywhere = upload(register([(ESSEX[0], DAY, "Attended"), (SURREY[1], DAY, "Attended")]), eastern, force="all")
    assert everywhere["sent_to_other_forces"] == {"surrey": 1}


def test_an_admins_upload_credits_every_force_directly(app, create_user):
    rosters()
    admin = create_user("admin")
    summary = upload(register([(KENT[0], DAY, "Attended"), (SURREY[0], DAY, "Attended")]), admin)
    assert (summary["matched"], summary["sent_to_other_forces"]) == (2, {})
    assert figures("surrey", snapshots=True)["hydra"]["complete"] == 1
    assert pending.waiting_counts() == {}


def test_a_leads_preview_committed_by_an_admin_still_sends_the_line(app, create_user):
    """Both the uploader and whoever commits must be allowed to credit a force directly."""
    rosters()
    lead = create_user("force_lead", force="kent")
    preview = upload(register([(SURREY[0], DAY, "Attended")]), lead, mode="preview")
    summary = commit_preview(get_batch(preview["id"], None), create_user("admin")).summary
    db.session.commit()
    assert summary["sent_to_other_forces"] == {"surrey": 1}
    assert figures("surrey")["hydra"]["complete"] == 0


def test_rolling_back_the_sending_batch_removes_its_lines_and_what_they_counted(app, create_user):
    rosters()
    lead = create_user("force_lead", force="kent")
    summary = upload(register([(SURREY[0], DAY, "Attended"), (SURREY[1], DAY, "Attended")]), lead)
    pending.accept(_surrey(), None, line_id=pending.waiting(_surrey())[0][0].id)
    db.session.commit()
    assert figures("surrey", snapshots=True)["hydra"]["complete"] == 1

    rollback(get_batch(summary["id"], lead), lead)
    db.session.commit()
    assert figures("surrey", snapshots=True)["hydra"]["complete"] == 0
    assert pending.waiting_counts() == {}
    assert db.session.scalar(select(func.count()).select_from(HydraAttendance)) == 0


def test_a_pending_line_nobody_matches_waits_here_not_in_the_unmatched_queue(app, create_user):
    rosters()
    lead = create_user("force_lead", force="kent")
    stranger = P("S777", "Gwen", "Faraday", "manager", force="surrey")
    upload(register([(stranger, DAY, "Attended")]), lead)
    assert pending.waiting(_surrey())[0][0].person is None
    assert unmatched.waiting(_surrey())[1] == 0 and unmatched_counts().get(_surrey().id, 0) == 0
    assert figures("surrey")["unmatched_records"] == 0

    pending.accept(_surrey(), None, upto=pending.latest_waiting_id(_surrey()))
    db.session.commit()
    assert unmatched.waiting(_surrey())[1] == 1 and figures("surrey")["unmatched_records"] == 1
