"""Shared by the email, job and schedule tests: a real SMTP server on loopback, and figures put straight into the
database (the import pipeline is tested elsewhere). Only made-up names and .invalid addresses.

Imported by the test modules; holds no tests itself. Its fixtures are `smtp` and `smtp_auth`: import
`smtp_fixture` / `smtp_auth_fixture` into a test module to use them.
"""

from __future__ import annotations

import email
import email.policy
import io
import socket
import threading
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from openpyxl import load_workbook
from sqlalchemy import select

from lms.compliance.rules import MODULES
from lms.extensions import db
from lms.models import (
    BatchForce,
    EmailLog,
    Force,
    HydraAttendance,
    HydraSession,
    ImportBatch,
    LearningRecord,
    Person,
)

AS_OF = date(2026, 5, 1)
DEADLINE = date(2026, 4, 30)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage

    @property
    def to(self) -> str:
        return str(self.message["To"])

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return body.get_content()

    @property
    def text(self) -> str:
        return self.part("plain")

    @property
    def html(self) -> str:
        return self.part("html")

    def attachments(self) -> list[email.message.EmailMessage]:
        return list(self.message.iter_attachments())

    def workbook_rows(self) -> list[tuple]:
        (attachment,) = self.attachments()
        workbook = load_workbook(io.BytesIO(attachment.get_payload(decode=True)), read_only=True)
        rows = [tuple(row) for row in workbook.active.iter_rows(values_only=True)]
        workbook.close()
        return rows


class CapturingHandler:
    """Accepts every message except to addresses in `refuse`, which get a permanent 550 at RCPT."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refuse: set[str] = set()
        # What the server says when it refuses; real servers (Postfix, Exchange) quote the address in it.
        self.refusal = "550 5.1.1 Mailbox unavailable"
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return self.refusal.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]

    def clear(self) -> None:
        with self.lock:
            self.received.clear()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(name="smtp")
def smtp_fixture(app):
    """A real SMTP server on 127.0.0.1, wired into the app's settings; yields its handler (`.received`)."""
    handler = CapturingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False, SMTP_USERNAME=None,
                      SMTP_PASSWORD=None, MAIL_FROM="oic-training@service.invalid", DEADLINE=DEADLINE,
                      TIMEZONE="Europe/London", BASE_URL="http://127.0.0.1:5000")
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture(name="smtp_auth")
def smtp_auth_fixture(app):
    """An SMTP server that requires AUTH (over plain TCP: a loopback test server only); records the logins."""
    handler = CapturingHandler()
    logins: list[tuple[str, str]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"app-password-for-tests", handled=False)

    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                            auth_require_tls=False, auth_required=True)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False,
                      MAIL_FROM="oic-training@service.invalid", DEADLINE=DEADLINE)
    try:
        yield handler, logins
    finally:
        controller.stop()


# --- figures straight into the database ------------------------------------------------------------------------


def force(code: str) -> Force:
    return db.session.scalar(select(Force).where(Force.code == code))


def add_batch(f: Force, kind: str, committed_at: datetime) -> ImportBatch:
    batch = ImportBatch(kind=kind, force_id=f.id, status="committed", filename=f"{kind}.xlsx", sha256="x" * 64,
                        committed_at=committed_at, created_at=committed_at)
    db.session.add(batch)
    db.session.flush()
    db.session.add(BatchForce(batch_id=batch.id, force_id=f.id))
    return batch


_row = {"n": 0}


def add_person(f: Force, roster: ImportBatch, forename: str, surname: str, *, elearning: bool = False,
               hydra: bool = False, email_address: str | None = None, active: bool = True,
               exempt_until: date | None = None) -> Person:
    _row["n"] += 1
    person = Person(force_id=f.id, staff_number=f"S{_row['n']:05d}", staff_key=f"s{_row['n']:05d}",
                    forename=forename, surname=surname, name_key=f"{forename} {surname}".lower(),
                    email=email_address, email_key=email_address.lower() if email_address else None,
                    elearning_required=elearning, hydra_required=hydra, active=active, exempt_until=exempt_until,
                    left_on=None if active else date(2026, 1, 31), created_batch_id=roster.id)
    db.session.add(person)
    db.session.flush()
    return person


def complete(person: Person, batch: ImportBatch, on: date, modules: tuple[str, ...] = MODULES) -> None:
    for code in modules:
        _row["n"] += 1
        db.session.add(LearningRecord(
            batch_id=batch.id, force_id=person.force_id, person_id=person.id, match_method="staff_number",
            requirement_code=code, status="Completed", completed=True, completed_on=on, source_row=_row["n"],
            staff_number=person.staff_number, identity_key=f"s:{person.staff_key}",
        ))


def attend(person: Person, batch: ImportBatch, on: date) -> None:
    session = HydraSession(batch_id=batch.id, session_date=on, venue="Training centre", facilitator="MSOICU")
    db.session.add(session)
    db.session.flush()
    _row["n"] += 1
    db.session.add(HydraAttendance(
        batch_id=batch.id, session_id=session.id, force_id=person.force_id, person_id=person.id,
        match_method="staff_number", session_date=on, attendance="Attended", attended=True, source_row=_row["n"],
        staff_number=person.staff_number, identity_key=f"s:{person.staff_key}",
    ))


def unmatched_record(f: Force, batch: ImportBatch) -> None:
    _row["n"] += 1
    db.session.add(LearningRecord(
        batch_id=batch.id, force_id=f.id, person_id=None, requirement_code="M1", status="Completed", completed=True,
        completed_on=date(2026, 3, 2), source_row=_row["n"], first_name="Unknown", last_name="Learner",
        identity_key="n:unknown learner",
    ))


@dataclass
class Scenario:
    kent_people: dict[str, Person]


def load_scenario() -> Scenario:
    """On 1 May 2026: Essex ranked 1 (100% overall), Kent 2 (62.5%), Surrey 3 (50%); 40 forces have no roster.

    Kent: four frontline (e-learning), two investigators (both), two managers (Hydra), a leaver and an exempt
    person. Some of Kent's training was done in April, so on 1 April (the previous report) it was 37.5%, ranked 3.
    """
    kent, essex, surrey = force("kent"), force("essex"), force("surrey")
    uploaded = datetime(2026, 4, 20, 9, 0)
    k_roster = add_batch(kent, "roster", uploaded)
    k_learn = add_batch(kent, "college-learn", uploaded)
    k_hydra = add_batch(kent, "hydra", uploaded)
    early, april = date(2026, 2, 10), date(2026, 4, 15)
    p = {}
    p["ada"] = add_person(kent, k_roster, "Ada", "Testperson", elearning=True,
                          email_address="ada.testperson@kent.invalid")
    p["ben"] = add_person(kent, k_roster, "Ben", "Notaperson", elearning=True,
                          email_address="ben.notaperson@kent.invalid")
    p["cat"] = add_person(kent, k_roster, "Cat", "Fictional", elearning=True,
                          email_address="cat.fictional@kent.invalid")
    p["dev"] = add_person(kent, k_roster, "Dev", "Sample", elearning=True, email_address="dev.sample@kent.invalid")
    p["eve"] = add_person(kent, k_roster, "Eve", "Example", elearning=True, hydra=True,
                          email_address="eve.example@kent.invalid")
    p["fin"] = add_person(kent, k_roster, "Fin", "Placeholder", elearning=True, hydra=True,
                          email_address="fin.placeholder@kent.invalid")
    p["gus"] = add_person(kent, k_roster, "Gus", "Notreal", hydra=True, email_address="gus.notreal@kent.invalid")
    p["hal"] = add_person(kent, k_roster, "Hal", "Invented", hydra=True)  # no email address
    p["ivy"] = add_person(kent, k_roster, "Ivy", "Leaver", elearning=True, active=False,
                          email_address="ivy.leaver@kent.invalid")
    p["jo"] = add_person(kent, k_roster, "Jo", "Exempt", elearning=True, exempt_until=date(2026, 12, 31),
                         email_address="jo.exempt@kent.invalid")
    complete(p["ada"], k_learn, early)
    complete(p["ben"], k_learn, early)
    complete(p["cat"], k_learn, april)
    complete(p["dev"], k_learn, early, modules=("M1", "M2"))
    complete(p["eve"], k_learn, early)
    attend(p["eve"], k_hydra, date(2026, 3, 5))
    complete(p["fin"], k_learn, april)
    attend(p["gus"], k_hydra, april)
    unmatched_record(kent, k_learn)

    e_roster = add_batch(essex, "roster", datetime(2026, 1, 10, 9, 0))
    e_learn = add_batch(essex, "college-learn", datetime(2026, 1, 10, 9, 30))
    for forename in ("Kim", "Lee"):
        person = add_person(essex, e_roster, forename, "Essexperson", elearning=True)
        complete(person, e_learn, date(2026, 1, 5))

    s_roster = add_batch(surrey, "roster", datetime(2026, 4, 28, 9, 0))
    s_learn = add_batch(surrey, "college-learn", datetime(2026, 4, 28, 9, 0))
    add_batch(surrey, "hydra", datetime(2026, 4, 28, 9, 0))
    complete(add_person(surrey, s_roster, "Max", "Surreyperson", elearning=True), s_learn, early)
    add_person(surrey, s_roster, "Ned", "Surreyperson", elearning=True)
    db.session.commit()
    return Scenario(kent_people=p)


def set_chiefs(**addresses: str | None) -> None:
    for code, address in addresses.items():
        f = force(code.replace("_", "-"))
        f.chief_email = address
        f.chief_name = f"Chief Constable {code.title()} Madeup" if address else None
    db.session.commit()


def log_rows(kind: str | None = None) -> list[EmailLog]:
    db.session.expire_all()
    q = select(EmailLog).order_by(EmailLog.id)
    if kind:
        q = q.where(EmailLog.kind == kind)
    return list(db.session.scalars(q))
