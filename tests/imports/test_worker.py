"""Background previews run by a worker: queued by the web request, claimed by exactly one worker, failed cleanly when
their worker stops (or never starts), then tried again or cancelled; originals kept in the database.

In-process here (the service, the web pages through the test client, `lms work-imports` through the CLI runner);
tests/imports/test_worker_processes.py kills a real worker process, tests/ops/test_two_instances.py runs two servers.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from lms.cli import cli
from lms.config import from_environment
from lms.extensions import db
from lms.imports import background, worker
from lms.imports.errors import ImportRefused
from lms.imports.service import cancel_preview, commit_preview, get_batch, run_import
from lms.imports.storage import stored_file
from lms.models import AuditEvent, ImportBatch, Person, StoredUpload, utcnow
from tests.support.files import P, roster

PEOPLE = [P(f"K{n:04}", f"Fore{n}", f"Sur{n}") for n in range(300)]


@pytest.fixture
def queued(app):
    """The app with previews queued for a worker process (LMS_IMPORT_WORKER=process), every upload in the background."""
    app.config.update(IMPORT_WORKER="process", BACKGROUND_IMPORT_BYTES=1)
    return app


def upload(client, data: bytes, name: str = "roster.csv", kind: str = "roster") -> int:
    from io import BytesIO

    response = client.post("/upload", data={"kind": kind, "force": "kent", "file": (BytesIO(data), name)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(response.location.rsplit("/", 1)[1])


def batch(batch_id: int) -> ImportBatch:
    db.session.expire_all()
    return db.session.get(ImportBatch, batch_id)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def age(batch_id: int, seconds: float, **values) -> None:
    """Make a batch's last sign of life `seconds` old, as if its worker had gone quiet that long ago."""
    db.session.execute(update(ImportBatch).where(ImportBatch.id == batch_id)
                       .values(heartbeat_at=utcnow() - timedelta(seconds=seconds), **values))
    db.session.commit()


def work_imports(app, *args: str):
    result = app.test_cli_runner().invoke(cli, ["work-imports", *args])
    assert result.exit_code == 0, result.output
    return result


def test_a_queued_preview_waits_for_a_worker_then_lms_work_imports_previews_it(queued, signed_in):
    client, lead = signed_in("force_lead", force="kent")

    batch_id = upload(client, roster(PEOPLE))

    waiting = batch(batch_id)
    assert waiting.status == "processing" and waiting.claimed_at is None  # no thread started in the web process
    assert not [t for t in threading.enumerate() if t.name == f"import-{batch_id}"]
    assert "Reading your file" in client.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert client.get(f"/imports/{batch_id}/progress").get_json()["ready"] is False

    result = work_imports(queued, "--once")

    assert "Previewed 1 waiting file" in result.output
    done = batch(batch_id)
    assert done.status == "preview" and done.summary["people_added"] == len(PEOPLE)
    assert done.claimed_by and done.heartbeat_at >= done.claimed_at
    assert client.get(f"/imports/{batch_id}/progress").get_json()["ready"] is True
    client.post(f"/imports/{batch_id}/commit")
    assert batch(batch_id).status == "committed"
    assert db.session.scalar(select(func.count()).select_from(Person)) == len(PEOPLE)


def test_the_scheduler_process_works_through_the_queue_beside_its_jobs(queued, signed_in):
    from lms.scheduler import jobs

    client, _ = signed_in("force_lead", force="kent")
    batch_id = upload(client, roster(PEOPLE[:100]))

    thread, stop = jobs.start_import_worker(queued)  # what `lms run-scheduler` starts
    try:
        for _ in range(300):
            if batch(batch_id).status != "processing":
                break
            stop.wait(0.1)
    finally:
        stop.set()
        thread.join(30)

    assert batch(batch_id).status == "preview" and not thread.is_alive()


def test_only_one_of_many_workers_racing_claims_a_batch(queued, signed_in):
    client, _ = signed_in("force_lead", force="kent")
    batch_id = upload(client, roster(PEOPLE[:50]))
    won: list = []
    start = threading.Barrier(6)

    def race() -> None:
        with queued.app_context():
            start.wait()
            try:
                claimed = worker.claim()
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - a lock wait would be a finding too
                claimed = exc
            finally:
                db.session.remove()
            won.append(claimed)

    threads = [threading.Thread(target=race) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    claims = [c for c in won if c is not None]
    assert len(won) == 6 and len(claims) == 1, won
    assert claims[0][0] == batch_id and batch(batch_id).claimed_by == claims[0][1]


def test_a_preview_whose_worker_stopped_fails_after_the_timeout_with_a_message(queued, signed_in):
    queued.config["IMPORT_TIMEOUT_SECONDS"] = 30
    client, _ = signed_in("force_lead", force="kent")
    batch_id = upload(client, roster(PEOPLE[:50]))
    with queued.app_context():
        worker.claim(batch_id)
        db.session.commit()
    age(batch_id, 10)
    assert client.get(f"/imports/{batch_id}/progress").get_json()["status"] == "processing"  # not yet

    age(batch_id, 31)
    state = client.get(f"/imports/{batch_id}/progress").get_json()

    assert state["status"] == "failed" and state["ready"] is True  # the page stops polling and opens the batch
    assert "stopped before it finished" in state["message"] and "Try again" in state["message"]
    page = client.get(state["url"]).get_data(as_text=True)
    assert f"Batch {batch_id}: failed" in page and "stopped before it finished" in page
    assert 'id="retry"' in page and 'id="cancel"' in page and "Reading your file" not in page
    assert [e.target for e in events("import.failed")] == [f"batch {batch_id}"]
    api = client.get(f"/api/v1/imports/{batch_id}").get_json()
    assert api["status"] == "refused" and "stopped before it finished" in api["message"]  # CONTRACT's statuses
    assert "committed" not in client.post(f"/imports/{batch_id}/commit").get_data(as_text=True)
    assert batch(batch_id).status == "failed"


def test_try_again_queues_a_failed_preview_and_a_worker_then_previews_it(queued, signed_in):
    client, lead = signed_in("force_lead", force="kent")
    batch_id = upload(client, roster(PEOPLE))
    with queued.app_context():
        worker.claim(batch_id)
        db.session.commit()
    age(batch_id, 3600, progress_rows=40, progress_total=600)
    client.get(f"/imports/{batch_id}")
    assert batch(batch_id).status == "failed"

    response = client.post(f"/imports/{batch_id}/retry")

    assert response.status_code == 302 and response.location.endswith(f"/imports/{batch_id}")
    again = batch(batch_id)
    assert again.status == "processing" and again.claimed_at is None and again.progress_rows == 0
    assert [e.user_id for e in events("import.retried")] == [lead.id]
    work_imports(queued, "--once")
    assert batch(batch_id).status == "preview"
    assert "Check what this file will change" in client.get(f"/imports/{batch_id}").get_data(as_text=True)
    # Only a failed preview can be tried again.
    refused = client.post(f"/imports/{batch_id}/retry", follow_redirects=True).get_data(as_text=True)
    assert "only a preview that failed can be tried again" in refused and batch(batch_id).status == "preview"


def test_try_again_in_the_web_process_reads_the_file_in_a_thread(app, signed_in):
    app.config["BACKGROUND_IMPORT_BYTES"] = 1
    assert app.config["IMPORT_WORKER"] == "thread"  # the default
    client, lead = signed_in("force_lead", force="kent")
    failed = background.start_preview("roster", roster(PEOPLE[:80]), "roster.csv", "kent", lead)
    failed.status = "failed"  # as if its worker had stopped
    db.session.commit()

    client.post(f"/imports/{failed.id}/retry")
    for thread in threading.enumerate():
        if thread.name == f"import-{failed.id}":
            thread.join(30)

    assert batch(failed.id).status == "preview" and batch(failed.id).summary["people_added"] == 80


def test_cancelling_a_failed_preview_discards_its_original(queued, signed_in):
    client, _ = signed_in("force_lead", force="kent")
    batch_id = upload(client, roster(PEOPLE[:50]))
    name = batch(batch_id).stored_name
    age(batch_id, 7 * 24 * 3600)  # never claimed: no worker was running
    page = client.get(f"/imports/{batch_id}").get_data(as_text=True)
    assert "No import worker started reading this file" in page and "lms work-imports" in page

    client.post(f"/imports/{batch_id}/cancel")

    assert batch(batch_id).status == "cancelled" and batch(batch_id).stored_name is None
    assert db.session.get(StoredUpload, name) is None
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_a_worker_whose_claim_was_taken_away_leaves_the_batch_alone(queued, signed_in):
    client, _ = signed_in("force_lead", force="kent")
    batch_id = upload(client, roster(PEOPLE[:50]))
    with queued.app_context():
        _, token = worker.claim(batch_id)
        db.session.commit()
    age(batch_id, 3600)
    with queued.app_context():
        assert worker.expire_stale() == [batch_id]
        db.session.commit()

    assert worker.work(queued, batch_id, token) is None  # it read the file, then found the batch no longer its own

    assert batch(batch_id).status == "failed"
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_an_unexpected_error_in_the_worker_fails_the_batch_so_it_can_be_tried_again(queued, signed_in, monkeypatch):
    client, _ = signed_in("force_lead", force="kent")
    batch_id = upload(client, roster(PEOPLE[:50]))

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(worker, "run_import", broken)
    work_imports(queued, "--once")

    failed = batch(batch_id)
    assert failed.status == "failed" and "Something went wrong while reading this file" in failed.summary["message"]
    assert "disk on fire" not in str(failed.summary)


# --- originals in the database ---------------------------------------------------------------------------------


def test_a_preview_stored_on_disk_before_the_upgrade_still_commits_and_cancels(app, tmp_path):
    """Revision 0007 moved originals into the database; files already in UPLOAD_DIR are still read and deleted."""
    outcome = run_import("roster", roster(PEOPLE[:20]), "roster.csv", "kent", None, mode="preview")
    first = outcome.batch
    data = stored_file(first)
    db.session.execute(StoredUpload.__table__.delete())  # as it was before the upgrade: the file on disk only
    folder = tmp_path / "instance" / "uploads"
    folder.mkdir(parents=True, mode=0o700)
    (folder / first.stored_name).write_bytes(data)
    db.session.commit()

    assert stored_file(first) == data
    commit_preview(first, None)
    db.session.commit()
    assert first.status == "committed" and db.session.scalar(select(func.count()).select_from(Person)) == 20

    second = run_import("roster", roster(PEOPLE[:30]), "roster2.csv", "kent", None, mode="preview").batch
    name = second.stored_name
    db.session.execute(StoredUpload.__table__.delete())
    (folder / name).write_bytes(b"an original kept on disk")
    db.session.commit()

    cancel_preview(second, None)
    db.session.commit()
    assert second.status == "cancelled" and not (folder / name).exists()
    assert [p.name for p in folder.iterdir()] == [first.stored_name]


@pytest.mark.parametrize("name", ["../../secret_key", "/etc/passwd", ".hidden", "a/b.upload"])
def test_a_stored_name_is_never_a_path_out_of_the_upload_folder(app, tmp_path, name):
    (tmp_path / "instance").mkdir(exist_ok=True)
    (tmp_path / "instance" / "secret_key").write_text("do not read me")
    outcome = run_import("roster", roster(PEOPLE[:2]), "roster.csv", "kent", None, mode="preview")
    outcome.batch.stored_name = name
    db.session.commit()

    with pytest.raises(ImportRefused, match="no longer kept"):
        stored_file(get_batch(outcome.batch.id, None))


def test_the_worker_kind_is_configured_and_checked(monkeypatch, tmp_path):
    monkeypatch.delenv("LMS_IMPORT_WORKER", raising=False)
    assert from_environment(tmp_path)["IMPORT_WORKER"] == "thread"
    monkeypatch.setenv("LMS_IMPORT_WORKER", " Process ")
    monkeypatch.setenv("LMS_IMPORT_TIMEOUT", "45")
    settings = from_environment(tmp_path)
    assert settings["IMPORT_WORKER"] == "process" and settings["IMPORT_TIMEOUT_SECONDS"] == 45
    monkeypatch.setenv("LMS_IMPORT_WORKER", "celery")
    with pytest.raises(ValueError, match="LMS_IMPORT_WORKER must be 'thread' or 'process'"):
        from_environment(tmp_path)


def test_lms_work_imports_is_a_command(runner):
    result = runner.invoke(cli, ["--help"])
    assert "work-imports" in result.output
    help_text = runner.invoke(cli, ["work-imports", "--help"]).output
    assert "--once" in help_text and "LMS_IMPORT_TIMEOUT" in help_text
