"""Reference data: the 10 regions, 43 forces, five requirements, the role rule table and default schedules."""

from __future__ import annotations

from sqlalchemy import select

from importers.forces import REGIONS
from lms.compliance.rules import DEFAULT_RULES
from lms.extensions import db
from lms.models import Force, Region, Requirement, RoleRule, ScheduleSetting

REQUIREMENTS = [
    ("M1", "Organised immigration crime: introduction", "elearning",
     ["Organised immigration crime: introduction", "OIC module 1: introduction to organised immigration crime",
      "Introduction to organised immigration crime"]),
    ("M2", "Organised immigration crime: legislation and powers", "elearning",
     ["Organised immigration crime: legislation and powers", "OIC module 2: legislation and powers"]),
    ("M3", "Organised immigration crime: incident types, investigative mindset and partners", "elearning",
     ["Organised immigration crime: incident types, investigative mindset and partners",
      "OIC module 3: incident types and the investigative mindset"]),
    ("M4", "Organised immigration crime: inland case study", "elearning",
     ["Organised immigration crime: inland case study", "OIC module 4: inland case study"]),
    ("HYDRA", "MSOICU Hydra immersive session", "hydra", ["Hydra", "MSOICU Hydra"]),
]

DEFAULT_SCHEDULES = {
    "league_tables": "0 7 1 * *",  # 07:00 on the 1st of each month, Europe/London
    "reminders": "0 8 * * mon",  # Mondays 08:00
    "snapshots": "30 0 * * *",  # daily, after midnight
    "retry_failed": "15 * * * *",  # hourly: emails that failed this period
}


def load_reference_data() -> dict[str, int]:
    """Insert whatever reference data is missing; never overwrites admin edits. Idempotent. Flushes."""
    added = {"regions": 0, "forces": 0, "requirements": 0, "rules": 0, "schedules": 0}
    regions = {r.name: r for r in db.session.scalars(select(Region))}
    forces = {f.code: f for f in db.session.scalars(select(Force))}
    for position, (region_name, rocu, members) in enumerate(REGIONS):
        region = regions.get(region_name)
        if region is None:
            region = Region(name=region_name, rocu=rocu, position=position)
            db.session.add(region)
            db.session.flush()
            added["regions"] += 1
        for code, name, fte in members:
            if code not in forces:
                db.session.add(Force(code=code, name=name, region_id=region.id, officer_fte=fte))
                added["forces"] += 1
    existing = {r.code for r in db.session.scalars(select(Requirement))}
    for position, (code, title, package, aliases) in enumerate(REQUIREMENTS):
        if code not in existing:
            db.session.add(Requirement(code=code, title=title, package=package, aliases=aliases, position=position))
            added["requirements"] += 1
    rules = {r.role_category for r in db.session.scalars(select(RoleRule))}
    for category, (elearning, hydra) in DEFAULT_RULES.items():
        if category not in rules:
            db.session.add(RoleRule(role_category=category, elearning=elearning, hydra=hydra))
            added["rules"] += 1
    schedules = {s.job_id for s in db.session.scalars(select(ScheduleSetting))}
    for job_id, cron in DEFAULT_SCHEDULES.items():
        if job_id not in schedules:
            db.session.add(ScheduleSetting(job_id=job_id, cron=cron, enabled=True))
            added["schedules"] += 1
    db.session.flush()
    return added


def role_rules() -> dict[str, tuple[bool, bool]]:
    """The current rule table: category -> (e-learning, Hydra)."""
    return {r.role_category: (r.elearning, r.hydra) for r in db.session.scalars(select(RoleRule))}


def module_aliases() -> dict[str, list[str]]:
    """Titles each e-learning module is recognised by in College Learn exports."""
    return {
        r.code: list(r.aliases or []) + [r.title]
        for r in db.session.scalars(select(Requirement).where(Requirement.package == "elearning"))
    }
