"""Demo data: made-up people, completions and Hydra sessions for all 43 forces, loaded through the real imports.

:func:`load` writes the files :mod:`lms.demo.files` generates into a folder and imports each one with
:func:`lms.imports.service.run_import`, exactly as an upload would be; then it dates the batches as if they had
been uploaded over the past months, stores a year of month-end snapshots for the trend charts and creates a
sign-in for each role. Services only flush: the `lms demo` command commits.
"""

from __future__ import annotations

import random
import secrets
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, func, select, update

from lms.accounts.service import create_user
from lms.audit import service as audit
from lms.demo import files as demo_files
from lms.demo import model as demo_model
from lms.extensions import db
from lms.imports.service import run_import
from lms.models import (
    ApiToken,
    AuditEvent,
    BatchForce,
    EmailLog,
    Force,
    ForceSnapshot,
    HydraAttendance,
    HydraSession,
    ImportBatch,
    LearningRecord,
    MatchDecision,
    Person,
    PersonChange,
    PublishedTable,
    ScheduleSetting,
    StoredUpload,
    User,
)
from lms.reports.figures import refresh_snapshots, today

DEFAULT_SCALE = 0.02
DEFAULT_SEED = 2025
SNAPSHOT_MONTHS = 12


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: str
    name: str
    force: str | None = None
    region: str | None = None


DEMO_USERS = (
    DemoUser("demo.admin@example.invalid", "admin", "Alex Morgan"),
    DemoUser("msoicu.analyst@example.invalid", "national", "Priya Shah"),
    DemoUser("serocu.coordinator@example.invalid", "regional", "Tom Hargreaves", region="South East"),
    DemoUser("kent.training@example.invalid", "force_lead", "Siân Howells", force="kent"),
    DemoUser("gmp.training@example.invalid", "force_lead", "Chidi Okafor", force="greater-manchester"),
)
DEMO_EMAILS = tuple(u.email for u in DEMO_USERS)


class DemoError(Exception):
    """The demo could not be loaded; the message says why."""


@dataclass
class SignIn:
    email: str
    role: str
    password: str
    scope: str | None  # the force or region a force lead or regional user sees


@dataclass
class DemoResult:
    folder: Path
    files: int
    sign_ins: list[SignIn]
    counts: dict[str, int]
    stale: list[str]
    without_roster: list[str]
    snapshot_dates: list[date]
    seconds: float = 0.0


def existing_data() -> dict[str, int]:
    """What the database already holds besides reference data and demo users: people, uploads, other users."""
    return {
        "people": db.session.scalar(select(func.count()).select_from(Person)) or 0,
        "uploads": db.session.scalar(select(func.count()).select_from(ImportBatch)) or 0,
        "other users": db.session.scalar(
            select(func.count()).select_from(User).where(User.email.not_in(DEMO_EMAILS))) or 0,
    }


def forces_loaded() -> int:
    """How many forces the database holds (none before `lms init-db`)."""
    return db.session.scalar(select(func.count()).select_from(Force)) or 0


def reset() -> list[Path]:
    """Delete people, records, uploads, snapshots, emails, match decisions, audit events and the demo users.

    Forces, regions, requirements, rules, schedules and other users are kept. Flushes; returns the stored
    upload files to delete once the caller has committed.
    """
    folder = Path(current_app.config["UPLOAD_DIR"])
    stored = [folder / name for name in db.session.scalars(select(ImportBatch.stored_name)) if name]
    demo_ids = select(User.id).where(User.email.in_(DEMO_EMAILS)).scalar_subquery()
    db.session.execute(update(ImportBatch).values(duplicate_of_id=None))
    db.session.execute(update(ScheduleSetting).where(ScheduleSetting.updated_by_id.in_(demo_ids))
                       .values(updated_by_id=None))
    for model in (AuditEvent, EmailLog, PublishedTable, ForceSnapshot, MatchDecision, HydraAttendance,
                  HydraSession, LearningRecord, PersonChange, BatchForce, Person, ImportBatch, StoredUpload):
        db.session.execute(delete(model))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id.in_(demo_ids)))
    db.session.execute(delete(User).where(User.email.in_(DEMO_EMAILS)))
    db.session.flush()
    db.session.expire_all()
    return stored


def _month_ends(day: date, months: int) -> list[date]:
    """The last `months` month-ends before `day`, oldest first."""
    out = []
    end = day.replace(day=1) - timedelta(days=1)
    for _ in range(months):
        out.append(end)
        end = end.replace(day=1) - timedelta(days=1)
    return out[::-1]


def _create_users() -> tuple[list[SignIn], dict[str, User]]:
    db.session.execute(delete(ApiToken).where(ApiToken.user_id.in_(
        select(User.id).where(User.email.in_(DEMO_EMAILS)).scalar_subquery())))
    db.session.execute(delete(User).where(User.email.in_(DEMO_EMAILS)))
    sign_ins, uploaders = [], {}
    for spec in DEMO_USERS:
        password = secrets.token_urlsafe(15)
        user = create_user(spec.email, spec.role, password=password, force_code=spec.force,
                           region_name=spec.region, name=spec.name)
        scope = user.force.name if user.force else (user.region.name if user.region else None)
        sign_ins.append(SignIn(spec.email, spec.role, password, scope))
        if spec.force:
            uploaders[spec.force] = user
        elif spec.role == "regional":
            uploaders["regional"] = user
    return sign_ins, uploaders


def _set_chiefs(chiefs: dict[str, tuple[str, str] | None]) -> None:
    for force in db.session.scalars(select(Force)):
        contact = chiefs.get(force.code)
        force.chief_name, force.chief_email = contact if contact else (None, None)
        force.personal_reminders = False  # demo addresses are not real: never email the made-up people
    db.session.flush()


def _write(folder: Path, files: list[demo_model.DemoFile]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*"):
        if old.is_file() and old.suffix in (".csv", ".xlsx"):
            old.unlink()
    for f in files:
        (folder / f.filename).write_bytes(f.data)


def _backdate(batches: list[tuple[ImportBatch, date]], rng: random.Random, now: date) -> None:
    """Date each batch (and what it did) on the day the demo says it was uploaded, in office hours."""
    for batch, day in batches:
        moment = datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59), rng.randint(0, 59)))
        batch.created_at = batch.committed_at = moment
        db.session.execute(update(AuditEvent).where(AuditEvent.target == f"batch {batch.id}").values(at=moment))
        if batch.kind == "roster":
            db.session.execute(update(Person).where(Person.created_batch_id == batch.id).values(created_at=moment))
            db.session.execute(update(Person).where(Person.updated_batch_id == batch.id, Person.active.is_(False),
                                                    Person.left_on == now).values(left_on=day))
            # Due dates: a joiner added by a later roster joined on the day that roster was uploaded.
            db.session.execute(update(Person).where(Person.created_batch_id == batch.id,
                                                    Person.first_rostered_on == now).values(first_rostered_on=day))
    db.session.flush()


def _counts() -> dict[str, int]:
    def count(q) -> int:
        return db.session.scalar(q) or 0

    unmatched = sum(
        count(select(func.count()).select_from(m).where(m.person_id.is_(None), m.dismissed.is_(False)))
        for m in (LearningRecord, HydraAttendance)
    )
    return {
        "people": count(select(func.count()).select_from(Person).where(Person.active.is_(True))),
        "leavers": count(select(func.count()).select_from(Person).where(Person.active.is_(False))),
        "exempt": count(select(func.count()).select_from(Person).where(Person.exempt_until.is_not(None))),
        "learning records": count(select(func.count()).select_from(LearningRecord)),
        "Hydra sessions": count(select(func.count()).select_from(HydraSession)),
        "Hydra delegate lines": count(select(func.count()).select_from(HydraAttendance)),
        "unmatched records": unmatched,
    }


def load(*, scale: float = DEFAULT_SCALE, seed: int = DEFAULT_SEED, folder: Path | None = None,
         log: Callable[[str], None] | None = None) -> DemoResult:
    """Generate the demo files, import them through the real pipeline and create the demo sign-ins.

    The database must hold no people or uploads (call :func:`reset` first). Deterministic for a seed on a
    given day, except the passwords. `log(message)` hears progress. Flushes only.
    """
    started = clock.perf_counter()
    say = log or (lambda _message: None)
    if forces_loaded() == 0:
        raise DemoError("The database has no forces: run `lms init-db` first")
    if (data := existing_data())["people"] or data["uploads"]:
        raise DemoError("The database already has people or uploads: reset it first")
    now = today()
    files, chiefs = demo_files.build(seed, scale, now)
    folder = folder or Path(current_app.config["INSTANCE_DIR"]) / "demo"
    _write(folder, files)
    say(f"Wrote {len(files)} files to {folder}")
    sign_ins, uploaders = _create_users()
    _set_chiefs(chiefs)
    batches: list[tuple[ImportBatch, date]] = []
    for number, f in enumerate(files, 1):
        outcome = run_import(f.kind, f.data, f.filename, f.force, uploaders.get(f.uploader or ""), mode="commit")
        if outcome.refused or outcome.batch is None:
            raise DemoError(f"The demo file {f.filename} was refused: {outcome.summary.get('message')}")
        batches.append((outcome.batch, f.uploaded_on))
        if number % 25 == 0:
            say(f"Imported {number} of {len(files)} files")
    _backdate(batches, random.Random(f"{seed}:times"), now)
    snapshot_dates = [*_month_ends(now, SNAPSHOT_MONTHS), now]
    for day in snapshot_dates:
        refresh_snapshots(as_of=day)
    say(f"Stored snapshots for {len(snapshot_dates)} dates")
    counts = _counts()
    audit.record("demo.loaded", None, actor="cli", scale=scale, seed=seed, files=len(files), **{
        k.replace(" ", "_").lower(): v for k, v in counts.items()})
    db.session.flush()
    names = {f.code: f.name for f in db.session.scalars(select(Force))}
    profiles = demo_model.PROFILES
    return DemoResult(
        folder=folder, files=len(files), sign_ins=sign_ins, counts=counts,
        stale=sorted(names[c] for c, p in profiles.items() if p.stale),
        without_roster=sorted(names[c] for c, p in profiles.items() if not p.roster),
        snapshot_dates=snapshot_dates, seconds=clock.perf_counter() - started,
    )
