"""The demo's files as forces write them: rosters (CSV in several shapes and encodings, or .xlsx), College Learn
exports (.xlsx, long or wide) and Hydra registers (CSV, per force and per region), with the odd row error.

Each force's files come from its generated people (`lms.demo.people`); the shapes, encodings, date formats
and sessions are drawn from the force's own ``random.Random`` after its people, so the same seed writes the same
bytes.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from importers.forces import FORCES
from lms.compliance.rules import DEFAULT_RULES, MODULES
from lms.demo.model import EARLIEST, LEADS, ROW_ERRORS, DemoFile, ForceDemo, Member, Session
from lms.demo.names import ROLES
from lms.demo.people import abbreviation, draw_sessions, session_size

# How files often name a force instead of its official name (importers.forces understands them).
SHORT_NAMES = {
    "greater-manchester": "GMP", "metropolitan": "Met", "hampshire": "Hampshire", "devon-and-cornwall":
    "Devon & Cornwall", "avon-and-somerset": "Avon and Somerset", "thames-valley": "TVP", "west-midlands": "WMP",
    "west-yorkshire": "WYP", "city-of-london": "London, City of", "kent": "Kent", "sussex": "Sussex",
    "surrey": "Surrey", "essex": "Essex",
}


def module_titles(variant: int) -> dict[str, str]:
    """College Learn course titles of M1..M4, in one of the ways exports write them."""
    if variant == 0:
        return {
            "M1": "Organised immigration crime - Module 1: Introduction to organised immigration crime",
            "M2": "Organised immigration crime - Module 2: Legislation and powers",
            "M3": "Organised immigration crime - Module 3: Incident types, investigative mindset and partners",
            "M4": "Organised immigration crime - Module 4: Inland case study",
        }
    if variant == 1:
        return {
            "M1": "OIC module 1: introduction to organised immigration crime",
            "M2": "OIC module 2: legislation and powers",
            "M3": "OIC module 3: incident types and the investigative mindset",
            "M4": "OIC module 4: inland case study",
        }
    return {
        "M1": "Organised immigration crime: introduction",
        "M2": "Organised immigration crime: legislation and powers",
        "M3": "Organised immigration crime: incident types, investigative mindset and partners",
        "M4": "Organised immigration crime: inland case study",
    }


DATE_FORMATS = (
    lambda d: d.strftime("%d/%m/%Y"),
    lambda d: d.strftime("%d/%m/%Y"),
    lambda d: f"{d.day} {d:%B %Y}",
    lambda d: d.isoformat(),
    lambda d: d.strftime("%d-%b-%Y"),
)


# --- Hydra registers -------------------------------------------------------------------------------------------


def regional_register(region, rocu, lines, rng, today, scale) -> list[DemoFile]:
    """A ROCU's Hydra register for its region's delegates, as a demo file (none without delegates)."""
    if not lines:
        return []
    uploaded = today - timedelta(days=rng.randint(4, 30))
    name = rocu.split()[0]
    flat = [((m, code), kind) for m, code, kind in lines]

    def make(i, day):
        return Session(day, f"{name}-HYD-{i + 1:02d}", f"{name} regional training centre", f"{name} OIC co-ordinator")

    sessions = draw_sessions(rng, flat, today - timedelta(days=330), uploaded - timedelta(days=1), session_size(scale),
                         make)
    rows = [["Session date", "Session reference", "Venue", "Facilitator", "Staff number", "Forename", "Surname",
             "Email", "Force", "Attended"]]
    for s in sessions:
        for (m, code), kind in sorted(s.lines, key=lambda line: (line[0][0].surname, line[0][0].forename)):
            force_name = SHORT_NAMES.get(code) if rng.random() < 0.5 else None
            force_name = force_name or next(f.name for f in FORCES if f.code == code)
            rows.append([s.when.strftime("%d/%m/%Y"), s.reference, s.venue, s.facilitator, m.staff, m.forename,
                         m.surname, m.email or "", force_name, _attendance(rng, kind, "words")])
    slug = region.lower().replace(" ", "-")
    return [DemoFile("hydra", "all", f"regional_{slug}hydra-register_{uploaded.isoformat()}.csv",
                     _csv(rows, "utf-8-sig"), uploaded, "regional" if region == "South East" else None)]


def _attendance(rng: random.Random, kind: str, style: str) -> str:
    if kind == "attended":
        return {"words": "Attended", "yes": "Yes", "y": "Y"}[style]
    if style == "yes":
        return rng.choice(("No", "No", "Partially attended"))
    return rng.choice(("Did not attend", "No show", "Partially attended"))


# --- files ------------------------------------------------------------------------------------------------------


def _csv(rows: list[list], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx(rows: list[list], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = "DD/MM/YYYY HH:MM" if isinstance(value, datetime) else "DD/MM/YYYY"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_files(fd: ForceDemo, days: dict[str, date], shape: str, exemptions: bool) -> None:
    """Write the force's roster, College Learn export(s) and Hydra register as the files it would upload."""
    code, rng = fd.info.code, fd.rng
    uploader = code if code in LEADS else None
    if fd.profile.roster:
        first = [m for m in fd.members if not m.joins]
        fd.files.append(_roster(fd, first, days["roster"], shape, exemptions, uploader))
        if "roster-2" in days:
            stayers = [m for m in fd.members if not m.leaves and m.category == "frontline" and not m.flags]
            for m in rng.sample(stayers, min(len(stayers), max(1, len(fd.members) // 100))):
                m.category = "investigator"  # joined CID since the first roster
                m.rank, m.role, m.department = ROLES["investigator"][0]
                m.elearning, m.hydra = DEFAULT_RULES["investigator"]
            second = [m for m in fd.members if not m.leaves]
            fd.files.append(_roster(fd, second, days["roster-2"], shape, exemptions, uploader))
    cl_shape = rng.choices(("long", "moodle", "columns"), weights=(2, 1, 1))[0]
    if code in ("greater-manchester", "wiltshire"):
        cl_shape = "long"
    learners = [m for m in fd.members + fd.strays if m.modules or m.other_courses]
    # Each force's exports look alike from one month to the next.
    style = ExportStyle(cl_shape, module_titles(rng.randrange(3)), rng.random() < 0.7,
                        SHORT_NAMES.get(code, fd.info.name) if rng.random() < 0.3 else fd.info.name)
    for key in ("college-learn-1", "college-learn"):
        if key in days:
            fd.files.append(_college_learn(fd, learners, days[key], style, uploader, final=key == "college-learn"))
    if any(kind != "missed-then-attended" for _m, kind in fd.hydra_lines):
        fd.files.append(_register(fd, fd.hydra_lines, days, uploader))


def _roster(fd: ForceDemo, members: list[Member], on: date, shape: str, exemptions: bool, uploader) -> DemoFile:
    code = fd.info.code
    exempt_cols = ["Exempt until", "Exemption reason"] if exemptions else []
    if shape == "flags":
        rows = [["Staff No", "Forename", "Surname", "Work email", "Rank", "Job title", "Department",
                 "E-learning required", "Hydra required", *(["Exemption end date", "Reason for exemption"]
                                                            if exemptions else [])]]
    elif shape == "xlsx":
        rows = [[f"{fd.info.name}: OIC relevant personnel"], [f"Extracted from the HR system on {on:%d/%m/%Y}"], [],
                ["Payroll number", "First name", "Last name", "Email address", "Rank/grade", "Job role", "Command",
                 "Role category", "E-learning required", "Hydra required", *exempt_cols]]
    else:
        rows = [["Staff number", "Forename", "Surname", "Email", "Rank", "Role", "Department", "Role category",
                 *exempt_cols]]
    for m in sorted(members, key=lambda m: m.staff):
        exempt = [m.exempt_until.strftime("%d/%m/%Y") if m.exempt_until else "", m.exemption_reason or ""]
        if shape == "xlsx" and m.exempt_until:
            exempt[0] = m.exempt_until
        base = [m.staff, m.forename, m.surname, m.email or "", m.rank, m.role, m.department]
        if shape == "flags":
            rows.append([*base, "Y" if m.elearning else "N", "Y" if m.hydra else "N", *(exempt if exemptions else [])])
        elif shape == "xlsx":
            rows.append([*base, m.bad_category or m.category, *(m.flags or ("", "")), *(exempt if exemptions else [])])
        else:
            rows.append([*base, m.bad_category or m.category, *(exempt if exemptions else [])])
    stamp = on.isoformat()
    if shape == "xlsx":
        return DemoFile("roster", code, f"{code}_roster_{stamp}.xlsx", _xlsx(rows, "Roster"), on, uploader)
    encoding = fd.rng.choice(("utf-8-sig", "utf-8", "cp1252"))
    return DemoFile("roster", code, f"{code}_roster_{stamp}.csv", _csv(rows, encoding), on, uploader)


def _visible(m: Member, on: date) -> dict[str, tuple[str, datetime | None]]:
    """A learner's module states as an export taken on `on` shows them."""
    out = {}
    for code, (status, when) in m.modules.items():
        if when is not None and when.date() > on:
            out[code] = ("In progress", None)
            break
        out[code] = (status, when)
    return out


@dataclass(frozen=True)
class ExportStyle:
    """How a force's College Learn exports look: shape, course titles, staff numbers or not, organisation name."""

    shape: str  # long, moodle (wide, "Completed (date)" cells) or columns (wide, status and date per module)
    titles: dict[str, str]
    with_staff: bool
    organisation: str


def _college_learn(fd: ForceDemo, learners: list[Member], on: date, style: ExportStyle, uploader,
                   final: bool) -> DemoFile:
    code = fd.info.code
    titles, with_staff, org, shape = style.titles, style.with_staff, style.organisation, style.shape
    learners = sorted((m for m in learners if not (m.joins and not final)), key=lambda m: (m.surname, m.forename))
    error_row = final and ROW_ERRORS.get(code) == "college-learn"
    if shape == "long":
        rows = [["College Learn: course completion report"], [f"Organisation: {fd.info.name}"], [],
                ["Staff number", "Email", "First name", "Last name", "Organisation", "Course", "Status",
                 "Date completed"]]
        for m in learners:
            # Excel turns an all-digit staff number into a number and drops its leading zeros.
            staff = int(m.staff) if m.staff.isdigit() else m.staff
            who = [staff if with_staff or not m.email else "", m.email or "", m.forename, m.surname, org]
            for module, (status, when) in _visible(m, on).items():
                rows.append([*who, titles[module], status, when or ""])
            for course, status, when in m.other_courses:
                if when is None or when.date() <= on:
                    rows.append([*who, course, status, when or ""])
        done = next((i for i, r in enumerate(rows) if len(r) > 6 and r[6] == "Completed"), None)
        if error_row and done is not None:
            rows[done][7] = ""
    elif shape == "moodle":
        rows = [["First name", "Last name", "Email address", *(["ID number"] if with_staff else []),
                 *(titles[c] for c in MODULES)]]
        for m in learners:
            states = _visible(m, on)
            if not states:
                continue
            cells = []
            for module in MODULES:
                status, when = states.get(module, ("", None))
                cells.append(f"Completed ({when:%d/%m/%y, %H:%M})" if when else ("Not completed" if status else ""))
            rows.append([m.forename, m.surname, m.email or "", *([m.staff] if with_staff else []), *cells])
        done = next((r for r in rows[1:] if str(r[-1]).startswith("Completed (")), None)
        if error_row and done is not None:
            done[-1] = "Completed"  # the date left out: a row error the lead can fix
    else:
        rows = [["Staff ID", "Name", "Email", *(h for c in MODULES for h in (f"OIC Module {c[1]} - Status",
                                                                             f"OIC Module {c[1]} - Completion date"))]]
        for m in learners:
            states = _visible(m, on)
            if not states:
                continue
            cells = []
            for module in MODULES:
                status, when = states.get(module, ("", None))
                label = {"Completed": "Complete", "Not yet started": "Not started"}.get(status, status)
                cells += [label, when.date() if when else ""]
            rows.append([m.staff, f"{m.surname}, {m.forename}", m.email or "", *cells])
        done = next((r for r in rows[1:] if r[-2] == "Complete"), None)
        if error_row and done is not None:
            done[-1] = ""  # the date left out: a row error the lead can fix
    return DemoFile("college-learn", code, f"{code}_college-learn_{on.isoformat()}.xlsx", _xlsx(rows, "Completions"),
                    on, uploader)


def _register(fd: ForceDemo, lines, days: dict[str, date], uploader) -> DemoFile:
    code, rng = fd.info.code, fd.rng
    on = days["hydra"]
    abbr = abbreviation(code)
    first = max(EARLIEST, fd.ago(fd.profile.started - 20))
    venue = rng.choice(("training centre", "HQ training suite", "learning and development centre"))

    def make(i, day):
        who = rng.choice(("MSOICU trainer", "MSOICU trainer", f"{fd.info.name} Hydra trainer"))
        return Session(day, f"HYD-{abbr}-{i + 1:02d}", f"{fd.info.name} {venue}", who)

    sessions = draw_sessions(rng, lines, min(first, on - timedelta(days=1)), on - timedelta(days=1),
                         session_size(fd.scale), make)
    shape = rng.choice(("canonical", "short", "names"))
    fmt = rng.choice(DATE_FORMATS)
    style = {"canonical": "yes", "short": "words", "names": "words"}[shape]
    if shape == "canonical":
        rows = [["Session date", "Session reference", "Venue", "Facilitator", "Staff number", "Forename", "Surname",
                 "Email", "Force", "Attended"]]
    elif shape == "short":
        rows = [["Date", "Session", "Location", "Trainer", "Staff ID", "First name", "Last name", "Attendance"]]
    else:
        rows = [["Date of session", "Venue", "Facilitator", "Delegate name", "Force", "Attendance"]]
    for s in sessions:
        for m, kind in sorted(s.lines, key=lambda line: (line[0].surname, line[0].forename)):
            day, attended = fmt(s.when), _attendance(rng, kind, style)
            if shape == "canonical":
                rows.append([day, s.reference, s.venue, s.facilitator, m.staff, m.forename, m.surname, m.email or "",
                             fd.info.name, attended])
            elif shape == "short":
                rows.append([day, s.reference, s.venue, s.facilitator, m.staff, m.forename, m.surname, attended])
            else:
                rows.append([day, s.venue, s.facilitator, f"{m.forename} {m.surname}", fd.info.name, attended])
    if ROW_ERRORS.get(code) == "hydra" and len(rows) > 2:
        rows[2][-1] = "TBC"
    return DemoFile("hydra", code, f"{code}hydra-register_{on.isoformat()}.csv", _csv(rows, "utf-8"), on, uploader)
