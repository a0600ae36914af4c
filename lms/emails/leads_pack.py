"""The monthly pack for each force's training leads, beside the chief constable's email: the same figures, and as
an .xlsx the people who are overdue. Personal data, so it goes to that force's own active lead accounts and to
no one else (DESIGN.md: person-level data only to the force's own leads and admins).
"""

from __future__ import annotations

from datetime import date

from lms.briefings.leads import force_leads
from lms.core.clock import month_label
from lms.core.text import plural
from lms.emails.chief_email import league_email_context
from lms.emails.common import LEADS_PACK, Planned, external_url
from lms.emails.comparison import earlier_figures
from lms.emails.mailer import XLSX, Attachment, OutgoingEmail, render_parts
from lms.models import Force, User
from lms.reports import exports
from lms.reports import people as people_service


def overdue_people(force: Force, as_of: date) -> list:
    """The force's people who still have training to do and are past their due date (never the exempt)."""
    return [line for line in people_service.outstanding_people(force, as_of)
            if not line.status.exempt and getattr(line.status, "overdue", True)]


def pack_name(force: Force, period: str) -> str:
    """The file name of a force's overdue list for a month."""
    return f"oic-overdue-{force.code}-{period}.xlsx"


def pack_subject(force: Force, period: str) -> str:
    """The pack's subject line."""
    return f"{force.name}: OIC training, {month_label(period)}: your monthly pack"


def render_leads_pack(force: Force, lead: User, table: dict, period: str) -> OutgoingEmail:
    """One lead's pack: the chief's figures for the force, and the overdue people as .xlsx."""
    as_of, deadline = date.fromisoformat(table["as_of"]), date.fromisoformat(table["deadline"])
    lines = overdue_people(force, as_of)
    context = league_email_context(force, table, period, earlier_figures(force, period, as_of), chief_url=None,
                                   attachment=pack_name(force, period))
    subject = pack_subject(force, period)
    text, html = render_parts(
        "leads_pack", subject=subject, **{**context, "salutation": f"Dear {lead.name}," if lead.name else "Hello,"},
        overdue=plural(len(lines), "person is", "people are"), overdue_count=len(lines),
        people_url=external_url("reports.people", f"/forces/{force.code}/people", code=force.code),
    )
    data = exports.people_to_xlsx(force.name, lines, as_of, deadline, "people overdue")
    return OutgoingEmail(to=lead.email, subject=subject, text=text, html=html,
                         attachments=[Attachment(pack_name(force, period), XLSX, data)])


def leads_pack_plans(table: dict, period: str, forces: list[Force]) -> list[Planned]:
    """A pack for each active lead of each force, addressed to that lead only."""
    plans = []
    for force in forces:
        for lead in force_leads(force.id):
            plans.append(Planned(
                kind=LEADS_PACK, period=period, recipient=lead.email.strip().lower(),
                subject=pack_subject(force, period), force_id=force.id,
                render=lambda force=force, lead=lead: render_leads_pack(force, lead, table, period),
            ))
    return plans
