"""Demo data files for all 43 forces: rosters, College Learn exports and Hydra registers, as forces write them.

Pure generation, no Flask and no database: :func:`build` returns the files with the day each was "uploaded"
and by whom; :mod:`lms.demo.service` writes them to disk and imports them through the real pipeline. Every
choice comes from a ``random.Random`` seeded with the seed and the force code, so one seed gives the same
files on the same day, and changing one force never reshuffles another.

The work is split by stage: `model` holds the profiles and the shapes of what is generated, `names` the word
lists, `people` makes up each force's people and what they have done, and `writers` writes the files. This module
runs them force by force.
"""

from __future__ import annotations

import random
from datetime import date

from importers.forces import FORCES, REGIONS, ForceInfo
from lms.demo.model import (
    LEADS,
    MIN_PEOPLE,
    NO_CHIEF,
    PROFILES,
    DemoFile,
    ForceDemo,
    Profile,
)
from lms.demo.names import (
    CHIEF_NAMES,
)
from lms.demo.people import (
    elearning,
    hydra,
    people,
    strays,
    timeline,
)
from lms.demo.writers import (
    regional_register,
    write_files,
)


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
        files.extend(regional_register(region, rocu, lines, rng, today, scale))
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
    people(fd, n, roster_shape, exemptions)
    days = timeline(fd)
    elearning(fd, days)
    strays(fd)
    hydra(fd)
    write_files(fd, days, roster_shape, exemptions)
    return fd
