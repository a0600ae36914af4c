"""Outgoing email: messages rendered from Jinja templates, sent through SMTP (the LMS_SMTP_* settings).

Each email is a `templates/emails/<name>.txt` and `<name>.html` pair: the text part is the message, the HTML
part is the same words with inline styles (Outlook ignores <style> blocks and external CSS).
"""

from __future__ import annotations

import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask import current_app, render_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Headers unfolded up to RFC 5322's hard limit: Python folds a long Subject straight after "Subject:", which some
# readers then show with a leading space.
POLICY = email_policy.default.clone(max_line_length=998)


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(slots=True)
class OutgoingEmail:
    """One email to one recipient, ready to send."""

    to: str
    subject: str
    text: str
    html: str
    attachments: list[Attachment] = field(default_factory=list)
    reply_to: list[str] = field(default_factory=list)


def render_parts(name: str, **context: Any) -> tuple[str, str]:
    """Render the text and HTML parts of `templates/emails/<name>`."""
    text = render_template(f"emails/{name}.txt", **context)
    html = render_template(f"emails/{name}.html", **context)
    return text.rstrip() + "\n", html


def build_message(email: OutgoingEmail, mail_from: str) -> EmailMessage:
    """A MIME message: multipart/alternative (text, then HTML), inside multipart/mixed when there are attachments."""
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = email.subject
    msg["From"] = mail_from
    msg["To"] = email.to
    if email.reply_to:
        msg["Reply-To"] = ", ".join(email.reply_to)
    msg["Date"] = formatdate(localtime=False)
    domain = mail_from.rpartition("@")[2].strip(">") or None
    msg["Message-ID"] = make_msgid(domain=domain)
    # RFC 3834: an automatic message; Outlook's own header stops out-of-office replies coming back.
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(email.text)
    msg.add_alternative(email.html, subtype="html")
    for attachment in email.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        msg.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return msg


class MailError(Exception):
    """Sending one message failed; the message says why (safe to store in the email log)."""


class Mailer:
    """One SMTP connection for a run of emails, opened on first use and reopened after a failure.

    A failure sending one message raises MailError for that message only; the next message gets a fresh
    connection. When the server cannot be reached at all, every later message in the run fails at once with
    the same error instead of waiting for each connection to time out.
    """

    def __init__(self, config: Any = None, timeout: float = 30.0) -> None:
        self.config = config if config is not None else current_app.config
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None
        self._unreachable: str | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        host, port = self.config["SMTP_HOST"], int(self.config["SMTP_PORT"])
        try:
            smtp = smtplib.SMTP(host, port, timeout=self.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            self._unreachable = f"Could not connect to the SMTP server {host}:{port}: {exc}"
            raise MailError(self._unreachable) from exc
        try:
            if self.config.get("SMTP_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if self.config.get("SMTP_USERNAME"):
                smtp.login(self.config["SMTP_USERNAME"], self.config.get("SMTP_PASSWORD") or "")
        except (OSError, smtplib.SMTPException) as exc:
            self._close(smtp)
            self._unreachable = f"SMTP server {host}:{port} refused the session: {_describe(exc)}"
            raise MailError(self._unreachable) from exc
        return smtp

    def send(self, email: OutgoingEmail) -> None:
        """Send one email or raise MailError."""
        if self._unreachable:
            raise MailError(self._unreachable)
        message = build_message(email, self.config["MAIL_FROM"])
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            # The connection's state after an error is not worth trusting: start the next message afresh.
            self.close()
            raise MailError(_describe(exc)) from exc

    def close(self) -> None:
        if self._smtp is not None:
            self._close(self._smtp)
            self._smtp = None

    @staticmethod
    def _close(smtp: smtplib.SMTP) -> None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()


ADDRESS = re.compile(r"<?[^\s<>@,;:]+@[^\s<>@,;:]+>?")


def redact_addresses(text: str) -> str:
    """Text with every email address in it replaced by ``<address>``: servers quote the recipient in refusals
    ("550 5.1.1 <chief@…>: Recipient address rejected"), and application logs keep no one's address."""
    return ADDRESS.sub("<address>", text)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {_text(msg)}" for code, msg in exc.recipients.values()]
        return "Recipient refused: " + "; ".join(parts)
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
