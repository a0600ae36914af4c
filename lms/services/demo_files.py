"""Demo data files for all 43 forces: rosters, College Learn exports and Hydra registers, as forces write them.

Pure generation, no Flask and no database: :func:`build` returns the files with the day each was "uploaded"
and by whom; :mod:`lms.services.demo` writes them to disk and imports them through the real pipeline. Every
choice comes from a ``random.Random`` seeded with the seed and the force code, so one seed gives the same
files on the same day, and changing one force never reshuffles another.
"""

from __future__ import annotations

import csv
import io
import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from importers.forces import FORCES, REGIONS, ForceInfo
from lms.compliance import DEFAULT_RULES, MODULES

RELEVANT_SHARE = 0.6  # relevant personnel as a share of officer FTE at --scale 1
MIN_PEOPLE = 8
EARLIEST = date(2020, 1, 1)


# --- made-up people ---------------------------------------------------------------------------------------------
# Common UK forenames and surnames, some with accents and apostrophes; all of them fit Windows-1252, because some
# forces save their rosters from Excel as plain "CSV".

FORENAMES = (
    "James", "Oliver", "Jack", "Harry", "George", "Thomas", "William", "Daniel", "Matthew", "Joseph", "Samuel",
    "Benjamin", "Luke", "Adam", "Ryan", "Michael", "David", "Christopher", "Andrew", "Mark", "Paul", "Stephen",
    "Richard", "Robert", "Peter", "John", "Jonathan", "Nicholas", "Alexander", "Callum", "Connor", "Liam", "Kieran",
    "Jamie", "Lewis", "Aaron", "Nathan", "Scott", "Craig", "Gareth", "Rhys", "Dafydd", "Owain", "Rhodri", "Iwan",
    "Cerys", "Ffion", "Siân", "Seren", "Carys", "Bethan", "Megan", "Rhiannon", "Eleri", "Seán", "Ciarán", "Niamh",
    "Aoife", "Siobhán", "Gráinne", "Eilís", "Róisín", "Sinéad", "Orla", "Zoë", "Chloé", "Renée", "Amélie", "José",
    "André", "Raphaël", "Olivia", "Emily", "Sophie", "Jessica", "Charlotte", "Hannah", "Lucy", "Amy", "Laura",
    "Rebecca", "Sarah", "Emma", "Rachel", "Hayley", "Gemma", "Katie", "Lauren", "Jade", "Natalie", "Claire", "Helen",
    "Nicola", "Joanne", "Michelle", "Karen", "Lisa", "Victoria", "Katherine", "Elizabeth", "Eleanor", "Grace",
    "Ellie", "Holly", "Abigail", "Amelia", "Isabel", "Mohammed", "Muhammad", "Ahmed", "Ali", "Omar", "Bilal",
    "Imran", "Tariq", "Hassan", "Yusuf", "Amir", "Aisha", "Fatima", "Zainab", "Ayesha", "Maryam", "Samira", "Priya",
    "Anjali", "Sunita", "Ravi", "Arjun", "Sanjay", "Raj", "Vikram", "Deepa", "Kwame", "Kofi", "Chidi", "Emeka",
    "Tunde", "Adaeze", "Chiamaka", "Ngozi", "Abena", "Femi", "Marcus", "Jerome", "Tyrone", "Wei", "Mei", "Jun",
    "Lin", "Piotr", "Tomasz", "Krzysztof", "Agnieszka", "Katarzyna", "Magdalena", "Björn", "Søren", "Zofia",
)
SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
    "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris",
    "Clarke", "Patel", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark",
    "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter", "Richardson",
    "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Khan", "Marshall", "Anderson",
    "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers",
    "Gray", "Mason", "Ali", "Hunt", "Hussain", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills",
    "Barnes", "Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon",
    "Harvey", "Ahmed", "Rahman", "Chowdhury", "Okafor", "Mensah", "Adeyemi", "Osei", "Boateng", "Nwosu", "Kaur",
    "Sharma", "Gill", "Sandhu", "Chen", "Wong", "Nowak", "Kowalski", "Wójcik", "O'Brien", "O'Connor", "O'Neill",
    "O'Sullivan", "McDonald", "MacLeod", "McCarthy", "D'Souza", "Smith-Jones", "Fitzgerald", "Ní Bhraonáin",
    "Ó Súilleabháin", "Mac Giolla Phádraig", "Llewellyn", "ap Rhys", "Pryce", "Vaughan", "Bowen", "Gruffydd",
    "Núñez", "Müller", "François", "Brontë", "Ní Dhomhnaill", "Ó Briain",
)
# What a College Learn account may call the same person.
NICKNAMES = {
    "Jonathan": "Jon", "Katherine": "Kate", "Elizabeth": "Liz", "Christopher": "Chris", "Michael": "Mike",
    "Nicholas": "Nick", "Alexander": "Alex", "Benjamin": "Ben", "Matthew": "Matt", "Daniel": "Dan",
    "Samuel": "Sam", "Rebecca": "Becky", "Victoria": "Vicky", "Stephen": "Steve", "Richard": "Rich",
    "Robert": "Rob", "Andrew": "Andy", "Thomas": "Tom", "William": "Will", "Joseph": "Joe", "Abigail": "Abi",
    "Jessica": "Jess", "Natalie": "Nat", "Nathan": "Nate", "Muhammad": "Mohammed", "Ciarán": "Kieran",
}
CHIEF_NAMES = tuple(zip(
    ("Sarah", "Andrew", "Rachel", "Mark", "Helen", "Gareth", "Amanda", "Jason", "Nikki", "Stephen", "Olivia",
     "Richard", "Jo", "Darren", "Catherine", "Pippa", "Ian", "Lucy"),
    ("Whitfield", "Pemberton", "Okonjo", "Hallworth", "Ashdown", "Llewellyn-Hughes", "Carver", "Boateng",
     "Fairbrother", "Redmayne", "Castleton", "Thornbury", "Marchetti", "Wycliffe", "Ó Dálaigh", "Greenhalgh",
     "Kingsley", "Penrose"),
    strict=True,
))
# category -> (rank, role, department) as rosters write them
ROLES = {
    "frontline": (("Constable", "Response officer", "Response"),
                  ("Constable", "Neighbourhood officer", "Neighbourhood policing"),
                  ("Constable", "Roads policing officer", "Roads policing"),
                  ("Sergeant", "Response sergeant", "Response"),
                  ("PCSO", "Police community support officer", "Neighbourhood policing"),
                  ("Constable", "Custody officer", "Custody"),
                  ("Constable", "Ports officer", "Special Branch")),
    "investigator": (("Detective constable", "Investigator", "CID"),
                     ("Detective sergeant", "Investigator", "Major crime"),
                     ("Police staff investigator", "PIP2 investigator", "Public protection"),
                     ("Detective constable", "Investigator", "Serious and organised crime"),
                     ("Trainee detective constable", "Trainee investigator", "CID")),
    "manager": (("Inspector", "Response inspector", "Response"),
                ("Detective inspector", "Senior investigating officer", "Major crime"),
                ("Chief inspector", "Neighbourhood commander", "Neighbourhood policing"),
                ("Superintendent", "Local policing commander", "Local policing"),
                ("Inspector", "Custody inspector", "Custody")),
    "other": (("Police staff", "Intelligence analyst", "Intelligence"),
              ("Police staff", "Contact handler", "Contact management"),
              ("Police staff", "Training officer", "Learning and development"),
              ("Police staff", "Case file officer", "Criminal justice")),
}
EXEMPTIONS = ("Maternity leave", "Long-term sick leave", "Seconded to the NCA", "Career break",
              "Recuperative duties")
OTHER_COURSES = (
    "Data protection and information security", "Stop and search: legitimacy and fairness",
    "Domestic abuse matters", "Modern slavery and human trafficking", "Code of Ethics",
    "Digital intelligence and investigation", "Safeguarding children", "Counter terrorism awareness",
)
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


@dataclass(frozen=True)
class Profile:
    """How far a force has got: share of its relevant people who finished each package, and since when."""

    elearning: float
    hydra: float
    started: int  # days ago the force began pushing the training (at most 18 months)
    share: float = RELEVANT_SHARE
    stale: bool = False  # every upload more than 30 days old
    roster: bool = True
    second_roster: bool = False  # a later roster with leavers and joiners
    uploads: bool = True  # False: the force has uploaded nothing at all


# The inspection found Greater Manchester far ahead and others in single figures; the rest are drawn at random.
PROFILES: dict[str, Profile] = {
    "greater-manchester": Profile(0.97, 0.62, 540, share=0.75, second_roster=True),
    "kent": Profile(0.66, 0.42, 450, second_roster=True),
    "durham": Profile(0.74, 0.5, 480),
    "west-yorkshire": Profile(0.58, 0.34, 420, second_roster=True),
    "sussex": Profile(0.55, 0.3, 400),
    "merseyside": Profile(0.5, 0.36, 380, second_roster=True),
    "lincolnshire": Profile(0.015, 0.0, 110),
    "dyfed-powys": Profile(0.012, 0.012, 95),
    "bedfordshire": Profile(0.015, 0.0, 120),
    "city-of-london": Profile(0.02, 0.03, 130),
    "cumbria": Profile(0.3, 0.12, 330, stale=True),
    "north-yorkshire": Profile(0.22, 0.1, 300, stale=True),
    "gloucestershire": Profile(0.35, 0.15, 360, stale=True),
    "suffolk": Profile(0.18, 0.05, 280, stale=True),
    "wiltshire": Profile(0.25, 0.1, 260, roster=False),
    "gwent": Profile(0.0, 0.0, 30, roster=False, uploads=False),
}
NO_CHIEF = ("bedfordshire", "city-of-london")  # forces whose chief constable contact is left for the admin
TWO_EXPORTS = ("greater-manchester", "kent")  # an older College Learn export before the latest
LEADS = ("kent", "greater-manchester")  # forces with a demo force lead, who uploads their files
ROW_ERRORS = {"kent": "college-learn", "hampshire": "college-learn", "essex": "hydra", "northumbria": "roster",
              "avon-and-somerset": "roster"}


@dataclass
class DemoFile:
    """One file as a force would upload it, and the day and uploader to record for it."""

    kind: str
    force: str  # force code, or "all" (a regional register routed by its Force column)
    filename: str
    data: bytes
    uploaded_on: date
    uploader: str | None = None  # a LEADS code, "regional", or None (an admin at the command line)


@dataclass
class Member:
    """A made-up person: what the roster says and what they have done."""

    staff: str
    forename: str
    surname: str
    email: str | None
    rank: str
    role: str
    department: str
    category: str
    elearning: bool
    hydra: bool
    flags: tuple[str, str] | None = None  # explicit Y/N written in the roster (overrides the category)
    exempt_until: date | None = None
    exemption_reason: str | None = None
    joins: bool = False  # only on the second roster
    leaves: bool = False  # only on the first roster
    bad_category: str | None = None  # a deliberate row error
    modules: dict[str, tuple[str, datetime | None]] = field(default_factory=dict)
    other_courses: list[tuple[str, str, datetime | None]] = field(default_factory=list)


@dataclass
class Session:
    when: date
    reference: str
    venue: str
    facilitator: str
    lines: list[tuple[object, str]] = field(default_factory=list)  # (delegate, "attended" or "missed")


@dataclass
class ForceDemo:
    """Everything generated for one force."""

    info: ForceInfo
    profile: Profile
    rng: random.Random
    today: date
    scale: float
    members: list[Member] = field(default_factory=list)
    strays: list[Member] = field(default_factory=list)
    regional_lines: list[tuple[Member, str]] = field(default_factory=list)
    files: list[DemoFile] = field(default_factory=list)
    chief: tuple[str, str] | None = None
    spare_numbers: list[str] = field(default_factory=list)  # staff numbers nobody on the roster has
    hydra_lines: list[tuple[Member, str]] = field(default_factory=list)  # delegates of the force's own sessions

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)


def build(seed: int, scale: float, today: date) -> tuple[list[DemoFile], dict[str, tuple[str, str] | None]]:
    """Generate every force's files and the regional Hydra registers, in upload order.

    Returns the files and each force's chief constable (name, email), or None for the few left unset.
    """
    forces = [_force(info, seed, scale, today) for info in FORCES]
    files = [f for fd in forces for f in fd.files]
    by_code = {fd.info.code: fd for fd in forces}
    for region, rocu, members in REGIONS:
        if rocu is None:
            continue
        rng = random.Random(f"{seed}:region:{region}")
        lines = [(m, code, att) for code, _n, _f in members for m, att in by_code[code].regional_lines]
        files.extend(_regional_register(region, rocu, lines, rng, today, scale))
    order = {"roster": 0, "college-learn": 1, "hydra": 2}
    files.sort(key=lambda f: (f.uploaded_on, order[f.kind], f.filename))
    return files, {fd.info.code: fd.chief for fd in forces}


def _profile(info: ForceInfo, rng: random.Random) -> Profile:
    if info.code in PROFILES:
        return PROFILES[info.code]
    return Profile(round(rng.uniform(0.12, 0.55), 3), round(rng.uniform(0.04, 0.35), 3), rng.randint(250, 480),
                   second_roster=rng.random() < 0.25)


def _force(info: ForceInfo, seed: int, scale: float, today: date) -> ForceDemo:
    rng = random.Random(f"{seed}:{info.code}")
    fd = ForceDemo(info, _profile(info, rng), rng, today, scale)
    if info.code not in NO_CHIEF:
        first, last = rng.choice(CHIEF_NAMES)
        fd.chief = (f"{first} {last}", f"chief.constable@{info.code}.police.invalid")
    if not fd.profile.uploads:
        return fd
    n = max(MIN_PEOPLE, round(info.officer_fte * fd.profile.share * scale))
    roster_shape = rng.choices(("category", "flags", "xlsx"), weights=(5, 3, 2))[0]
    if info.code == "greater-manchester":
        roster_shape = "category"
    exemptions = rng.random() < 0.6 or info.code in LEADS
    _people(fd, n, roster_shape, exemptions)
    days = _timeline(fd)
    _elearning(fd, days)
    _strays(fd)
    _hydra(fd)
    _write_files(fd, days, roster_shape, exemptions)
    return fd


# --- people -----------------------------------------------------------------------------------------------------


def ascii_part(text: str) -> str:
    """A name as an email local part: accents dropped, apostrophes and spaces removed, lower case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch == "-")).lower()


def _abbreviation(code: str) -> str:
    words = code.split("-")
    return (words[0][:3] if len(words) == 1 else "".join(w[0] for w in words if w != "and")).upper()


def _staff_numbers(fd: ForceDemo, count: int) -> list[str]:
    style = fd.rng.choice(("prefix", "padded", "plain"))
    numbers = fd.rng.sample(range(1000, 1000 + max(count * 8, 5000)), count)
    if style == "prefix":
        prefix = _abbreviation(fd.info.code)[:2]
        return [f"{prefix}{n:06d}" for n in numbers]
    if style == "padded":
        return [f"{n:07d}" for n in numbers]  # leading zeros that spreadsheets often drop
    return [str(n) for n in numbers]


def _new_member(fd: ForceDemo, staff: str, emails: set[str], flags_ok: bool) -> Member:
    rng = fd.rng
    forename, surname = rng.choice(FORENAMES), rng.choice(SURNAMES)
    category = rng.choices(("frontline", "investigator", "manager", "other"), weights=(62, 20, 10, 8))[0]
    rank, role, department = rng.choice(ROLES[category])
    elearning, hydra = DEFAULT_RULES[category]
    flags = None
    if flags_ok and rng.random() < 0.05:  # the roster says otherwise for this person
        elearning, hydra = (not elearning, hydra) if rng.random() < 0.5 else (elearning, not hydra)
        flags = ("Y" if elearning else "N", "Y" if hydra else "N")
    email = None
    if rng.random() > 0.03:
        local = f"{ascii_part(forename)}.{ascii_part(surname)}"
        email, k = f"{local}@{fd.info.code}.police.invalid", 1
        while email in emails:
            k += 1
            email = f"{local}{k}@{fd.info.code}.police.invalid"
        emails.add(email)
    return Member(staff, forename, surname, email, rank, role, department, category, elearning, hydra, flags)


def _people(fd: ForceDemo, n: int, shape: str, exemptions: bool) -> None:
    rng = fd.rng
    second = fd.profile.second_roster
    joiners = max(1, round(n * 0.02)) if second else 0
    numbers = _staff_numbers(fd, n + joiners + max(4, n // 20))
    fd.spare_numbers = numbers[n + joiners:]
    emails: set[str] = set()
    for i in range(n + joiners):
        m = _new_member(fd, numbers[i], emails, shape != "category")
        m.joins = i >= n
        fd.members.append(m)
    if second:
        for m in rng.sample(fd.members[:n], max(1, round(n * 0.03))):
            m.leaves = True
    if exemptions:
        for m in rng.sample(fd.members, max(1, round(len(fd.members) * 0.02))):
            expired = rng.random() < 0.15
            m.exempt_until = fd.ago(rng.randint(5, 80)) if expired else fd.today + timedelta(rng.randint(20, 240))
            m.exemption_reason = rng.choice(EXEMPTIONS)
    if ROW_ERRORS.get(fd.info.code) == "roster" and shape != "flags":
        candidates = [m for m in fd.members if not m.leaves and not m.joins and m.flags is None]
        if candidates:
            rng.choice(candidates).bad_category = "PCSO"


def _timeline(fd: ForceDemo) -> dict[str, date]:
    """Upload days of the force's files; completions in a file are never later than its upload."""
    rng, p = fd.rng, fd.profile
    if p.stale:
        base = rng.randint(38, 110)
        days = {"roster": base + rng.randint(0, 25), "college-learn": base, "hydra": base + rng.randint(0, 8)}
    else:
        days = {"roster": rng.randint(10, 45), "college-learn": rng.randint(1, 14), "hydra": rng.randint(1, 25)}
        if p.second_roster:
            days["roster"] = rng.randint(120, 220)
            days["roster-2"] = rng.randint(2, 20)
        if fd.info.code in TWO_EXPORTS:
            days["college-learn-1"] = rng.randint(75, 110)
    return {k: fd.ago(v) for k, v in days.items()}


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59)))


def _elearning(fd: ForceDemo, days: dict[str, date]) -> None:
    rng, p = fd.rng, fd.profile
    cutoff = days["college-learn"]
    start = max(EARLIEST, fd.ago(p.started))
    partial = min(0.15, (1 - p.elearning) * 0.3)
    for m in fd.members:
        first = max(start, days["roster"]) if m.joins else start
        span = max((cutoff - first).days, 1)
        u = rng.random()
        if not m.elearning:
            u = u / 0.15 if u < 0.15 else 1.0  # a few do it though it is not required of them
        done = 4 if u < p.elearning else (rng.randint(1, 3) if u < p.elearning + partial else 0)
        when = first + timedelta(days=int(span * rng.betavariate(2.0, 1.4)))
        completed = 0
        while completed < done and when <= cutoff:
            status = "Complete via RPL" if rng.random() < 0.02 else "Completed"
            m.modules[MODULES[completed]] = (status, _moment(rng, when))
            when += timedelta(days=rng.randint(0, 21))
            completed += 1
        if completed < len(MODULES) and (done or rng.random() < 0.5):
            m.modules[MODULES[completed]] = ("In progress" if completed else "Not yet started", None)
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            course = rng.choice(OTHER_COURSES)
            if rng.random() < 0.8:
                m.other_courses.append((course, "Completed", _moment(rng, fd.ago(rng.randint(30, 900)))))
            else:
                m.other_courses.append((course, "In progress", None))


def _typo_staff(staff: str, taken: set[str]) -> str | None:
    """Two neighbouring digits swapped, as people mistype a staff number; None when that is someone else's."""
    for i in range(len(staff) - 2, 0, -1):
        a, b = staff[i], staff[i + 1]
        if a != b and a.isdigit() and b.isdigit():
            typed = staff[:i] + b + a + staff[i + 2:]
            return None if typed.lstrip("0").lower() in taken else typed
    return None


def _typo(fd: ForceDemo, m: Member, names: set[str], staff_keys: set[str], emails: set[str]) -> Member:
    """The same learner as College Learn knows them: a mistyped staff number, another email, a shortened name.

    Nothing about it matches the roster exactly, so it waits in the unmatched queue with its person as the
    likely candidate.
    """
    rng = fd.rng
    forename = NICKNAMES.get(m.forename)
    surname = m.surname
    if forename is None or f"{forename} {surname}".lower() in names:
        forename = m.forename
        cut = rng.randrange(1, max(len(surname) - 1, 2))
        surname = surname[:cut] + surname[cut + 1:] if len(surname) > 3 else surname + "e"
    staff = _typo_staff(m.staff, staff_keys) or fd.spare_numbers.pop()
    email = None
    if m.email and rng.random() < 0.6:
        email = f"{ascii_part(forename)}.{ascii_part(surname)}@{fd.info.code}.police.invalid"
        email = None if email in emails else email
    stray = Member(staff, forename, surname, email, m.rank, m.role, m.department, m.category, m.elearning, m.hydra,
                   modules=m.modules)
    m.modules = {}
    return stray


def _strays(fd: ForceDemo) -> None:
    """Learners College Learn knows but the roster does not: typo'd identities and people missing from it."""
    rng = fd.rng
    rate = 0.015 if fd.info.code in LEADS else rng.choice((0.0, 0.003, 0.008, 0.015, 0.03))
    k = max(1, round(len(fd.members) * rate)) if rate else 0
    names = {f"{m.forename} {m.surname}".lower() for m in fd.members}
    staff_keys = {m.staff.lstrip("0").lower() for m in fd.members}
    emails: set[str] = {m.email for m in fd.members if m.email}
    done = [m for m in fd.members if len(m.modules) == 4 and not m.leaves and not m.joins]
    for m in rng.sample(done, min(len(done), (k + 1) // 2)):
        fd.strays.append(_typo(fd, m, names, staff_keys, emails))
    while len(fd.strays) < k:
        stray = _new_member(fd, fd.spare_numbers.pop(), emails, False)
        when = _moment(rng, fd.ago(rng.randint(15, 200)))
        stray.modules = {code: ("Completed", when + timedelta(days=i)) for i, code in enumerate(MODULES)
                         if when.date() + timedelta(days=i) <= fd.today - timedelta(days=1)}
        fd.strays.append(stray)


# --- Hydra ------------------------------------------------------------------------------------------------------


def session_size(scale: float) -> int:
    """Delegates per session: 16 in a real session, fewer at small scales so a force still has several."""
    return max(6, min(16, round(16 * scale / 0.04)))


def _hydra(fd: ForceDemo) -> None:
    rng, p = fd.rng, fd.profile
    regional_ok = fd.info.region != "London" and not p.stale
    lines: list[tuple[Member, str]] = []
    for m in fd.members:
        attends = rng.random() < (p.hydra if m.hydra else p.hydra * 0.04)
        if attends:
            if rng.random() < 0.05:
                lines.append((m, "missed-then-attended"))
            lines.append((m, "attended"))
        elif m.hydra and rng.random() < 0.1:
            lines.append((m, "missed"))
    if fd.strays and lines and rng.random() < 0.7:
        lines.append((fd.strays[-1], "attended"))
    local: list[tuple[Member, str]] = []
    for line in lines:
        if regional_ok and line[1] != "missed-then-attended" and rng.random() < 0.25:
            fd.regional_lines.append(line)
        else:
            local.append(line)
    fd.hydra_lines = local


def _session_days(rng: random.Random, first: date, last: date, k: int) -> list[date]:
    span = max((last - first).days, 1)
    picked = set()
    for _ in range(k * 4):
        day = first + timedelta(days=rng.randrange(span))
        day -= timedelta(days=max(0, day.weekday() - 4))  # sessions run on weekdays
        if first <= day <= last:
            picked.add(day)
        if len(picked) == k:
            break
    return sorted(picked) or [last]


def _sessions(rng, lines, first: date, last: date, size: int, make) -> list[Session]:
    """Spread delegate lines over sessions; a delegate who missed one attends a later one."""
    k = max(1, math.ceil(sum(1 for _m, kind in lines if kind != "missed-then-attended") / size))
    sessions = [make(i, day) for i, day in enumerate(_session_days(rng, first, last, k))]
    attended_in: dict[int, int] = {}
    for member, kind in lines:
        if kind == "missed-then-attended":
            continue
        index = rng.randrange(len(sessions))
        if kind == "attended":
            attended_in[id(member)] = index
        sessions[index].lines.append((member, kind))
    for member, kind in lines:
        later = attended_in.get(id(member), 0)
        if kind == "missed-then-attended" and later > 0:
            sessions[rng.randrange(later)].lines.append((member, "missed"))
    return [s for s in sessions if s.lines]


def _regional_register(region, rocu, lines, rng, today, scale) -> list[DemoFile]:
    if not lines:
        return []
    uploaded = today - timedelta(days=rng.randint(4, 30))
    name = rocu.split()[0]
    flat = [((m, code), kind) for m, code, kind in lines]

    def make(i, day):
        return Session(day, f"{name}-HYD-{i + 1:02d}", f"{name} regional training centre", f"{name} OIC co-ordinator")

    sessions = _sessions(rng, flat, today - timedelta(days=330), uploaded - timedelta(days=1), session_size(scale),
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
    return [DemoFile("hydra", "all", f"regional_{slug}_hydra-register_{uploaded.isoformat()}.csv",
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


def _write_files(fd: ForceDemo, days: dict[str, date], shape: str, exemptions: bool) -> None:
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
    abbr = _abbreviation(code)
    first = max(EARLIEST, fd.ago(fd.profile.started - 20))
    venue = rng.choice(("training centre", "HQ training suite", "learning and development centre"))

    def make(i, day):
        who = rng.choice(("MSOICU trainer", "MSOICU trainer", f"{fd.info.name} Hydra trainer"))
        return Session(day, f"HYD-{abbr}-{i + 1:02d}", f"{fd.info.name} {venue}", who)

    sessions = _sessions(rng, lines, min(first, on - timedelta(days=1)), on - timedelta(days=1),
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
    return DemoFile("hydra", code, f"{code}_hydra-register_{on.isoformat()}.csv", _csv(rows, "utf-8"), on, uploader)
