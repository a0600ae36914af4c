"""What the dashboard shows a user: the forces they may see, grouped by region."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from lms import policy
from lms.extensions import db
from lms.models import Region, User
from lms.reports.figures import league_entries, today
from lms.reports.pages import rag_status


def forces_by_region(user: User) -> list[dict]:
    """[{"name": region, "rocu": ..., "forces": [entry, ...]}] for the forces the user may see."""
    entries = {e["code"]: e for e in league_entries()}
    day, deadline = today(), current_app.config["DEADLINE"]
    out = []
    for region in db.session.scalars(select(Region).order_by(Region.position)):
        forces = [f for f in region.forces if policy.sees_force(user, f)]
        if forces:
            out.append({"name": region.name, "rocu": region.rocu,
                        "forces": [{"force": f, **entries[f.code], "rag": rag_status(entries[f.code], day, deadline)}
                                   for f in forces]})
    return out
