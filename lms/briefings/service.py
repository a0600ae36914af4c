"""What a chief constable's link shows, and the next steps that would move a force most (also in the email).

Aggregates only: counts of people, never a name, an email or a staff number.
"""

from __future__ import annotations

from datetime import date

from lms.compliance.rules import MODULES
from lms.core.clock import today
from lms.core.text import plural
from lms.forces import requirements
from lms.models import Force
from lms.reports import pages


def _main_group(groups: list[dict] | None, package: str, left: int) -> str | None:
    """", 9 of them in the investigator role category" when one role category holds most of those left."""
    counted = [(g["name"], g[package]["relevant"] - g[package]["complete"]) for g in groups or []
               if g["name"] != "Not recorded" and not g["name"].startswith("Smaller groups")]
    if not counted or left <= 0:
        return None
    name, n = max(counted, key=lambda c: (c[1], c[0]))
    if n * 2 <= left:  # only a strict majority is worth naming
        return None
    return f", {'all' if n == left else f'{n} of them'} in the {name} role category"


def next_steps(entry: dict, titles: dict[str, str], limit: int = 2, *, by_role: list[dict] | None = None) -> list[str]:
    """The one or two things that would move the force most: the module or Hydra with the most people left.

    ``by_role``, the force's figures by role category (small groups merged), says which role most of them hold.
    """
    candidates: list[tuple[int, int, str]] = []
    el, hy = entry["elearning"], entry["hydra"]
    if el["relevant"]:
        for n, code in enumerate(MODULES, start=1):
            left = el["relevant"] - int(entry["modules"].get(code, 0))
            if left > 0:
                title = titles.get(code)
                candidates.append((left, n, f"{plural(left, 'person still needs', 'people still need')} module {n}"
                                            + (f" ({title})" if title else "")))
    if hy["relevant"]:
        left = hy["relevant"] - hy["complete"]
        if left > 0:
            candidates.append((left, 0, f"{plural(left, 'person has', 'people have')} not attended a Hydra session"
                                        + (_main_group(by_role, "hydra", left) or "")))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    return [text for _, _, text in candidates[:limit]]


def due_split(counts: dict) -> str | None:
    """ "9 overdue, 3 new joiners not yet due" from a package's counts, once the figures carry the split."""
    overdue, not_yet = counts.get("overdue"), counts.get("not_yet_due")
    if overdue is None and not_yet is None:
        return None
    parts = [f"{overdue or 0} overdue"]
    if not_yet:
        parts.append(f"{plural(not_yet, 'new joiner', 'new joiners')} not yet due")
    return ", ".join(parts)


def module_titles() -> dict[str, str]:
    """Each requirement's title by code."""
    return {r.code: r.title for r in requirements.all_requirements()}


def chief_picture(force: Force, as_of: date | None = None) -> dict:
    """A force's aggregates and the national table, as its chief constable's link shows them."""
    as_of = as_of or today()
    titles = module_titles()
    league = pages.league_page(as_of)
    entry = next(e for e in league["forces"] if e["code"] == force.code)
    overview = pages.force_overview(force, as_of)
    return {
        "as_of": as_of,
        "deadline": league["deadline"],
        "entry": entry,
        "status": entry["rag"],
        "movement": overview["movement"],
        "compared_with": overview["compared_with"],
        "ranked_forces": overview["ranked_forces"],
        "total_forces": overview["total_forces"],
        "next_steps": next_steps(entry, titles, by_role=overview["breakdowns"]["role_category"]),
        "due": {package: due_split(entry[package]) for package in ("elearning", "hydra", "overall")},
        "trend": overview["trend"],
        "projection": overview["projection"],
        "horizon_years": overview["horizon_years"],
        "forces": league["forces"],
    }
