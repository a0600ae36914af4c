"""What the demo is made of: how far each force has got (`Profile`, `PROFILES`), the forces given a special part
(no chief constable, a force lead, row errors), and the shapes generated for each force (`ForceDemo`, `Member`,
`Session`) and the files written from them (`DemoFile`).

Plain data, no Flask and no database.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from importers.forces import ForceInfo

RELEVANT_SHARE = 0.6  # relevant personnel as a share of officer FTE at --scale 1
MIN_PEOPLE = 8
EARLIEST = date(2020, 1, 1)


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
    """A Hydra session: when and where, who ran it, and each delegate's line (attended or missed)."""

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
        """The day ``days`` before the force's today."""
        return self.today - timedelta(days=days)
