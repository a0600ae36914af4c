"""Made-up people for one force and what they have done: the roster's members, their College Learn completions,
the learners College Learn knows but the roster does not, and who attended Hydra and when.

Each step draws from the force's own ``random.Random`` (`ForceDemo.rng`) in a fixed order, so one seed gives the
same people on the same day. Nothing here writes a file: `lms.demo.writers` does that.
"""

from __future__ import annotations

import math
import random
import unicodedata
from datetime import date, datetime, time, timedelta

from lms.compliance.rules import DEFAULT_RULES, MODULES
from lms.demo.model import EARLIEST, LEADS, ROW_ERRORS, TWO_EXPORTS, ForceDemo, Member, Session
from lms.demo.names import EXEMPTIONS, FORENAMES, NICKNAMES, OTHER_COURSES, ROLES, SURNAMES


def ascii_part(text: str) -> str:
    """A name as an email local part: accents dropped, apostrophes and spaces removed, lower case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch == "-")).lower()


def abbreviation(code: str) -> str:
    """A force's short code for made-up staff numbers, e.g. devon-and-cornwall -> DC."""
    words = code.split("-")
    return (words[0][:3] if len(words) == 1 else "".join(w[0] for w in words if w != "and")).upper()


def _staff_numbers(fd: ForceDemo, count: int) -> list[str]:
    style = fd.rng.choice(("prefix", "padded", "plain"))
    numbers = fd.rng.sample(range(1000, 1000 + max(count * 8, 5000)), count)
    if style == "prefix":
        prefix = abbreviation(fd.info.code)[:2]
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


def people(fd: ForceDemo, n: int, shape: str, exemptions: bool) -> None:
    """Make up the force's `n` people: joiners and leavers for a second roster, exemptions, a planted bad row."""
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


def timeline(fd: ForceDemo) -> dict[str, date]:
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


def elearning(fd: ForceDemo, days: dict[str, date]) -> None:
    """Make up the force's College Learn completions up to its export's day."""
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


def strays(fd: ForceDemo) -> None:
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


def hydra(fd: ForceDemo) -> None:
    """Make up the force's Hydra sessions and who attended them."""
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


def draw_sessions(rng, lines, first: date, last: date, size: int, make) -> list[Session]:
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
