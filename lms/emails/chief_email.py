"""What the monthly email to a chief constable says, worked out once so its text and HTML parts say the same.

It leads with the force's status and the one or two things that would move it most, then who the force's training
lead is, the read-only link, and a compact table (top five, the force and its neighbours, bottom five) that fits a
phone; the whole table is in the attachment. Counts only, never a person (DESIGN.md).
"""

from __future__ import annotations

from datetime import date

from lms.briefings.leads import force_leads
from lms.briefings.links import link_days
from lms.briefings.service import due_split, next_steps
from lms.core.clock import month_label
from lms.core.text import long_date, plural
from lms.emails.common import STYLES, module_titles
from lms.emails.comparison import Earlier, entry_in, headline_change, movement_lines
from lms.models import Force
from lms.reports.pages import force_breakdowns
from lms.reports.status import force_status

TOP = BOTTOM = 5
NEIGHBOURS = 1  # on each side of the force


def percent_text(counts: dict) -> str:
    """"62.5% (5 of 8 people)", or why there is no figure."""
    if counts["percent"] is None:
        return "no one recorded as needing it"
    return f"{counts['percent']:.1f}% ({counts['complete']} of {plural(counts['relevant'], 'person', 'people')})"


def short_percent(counts: dict) -> str:
    """"62.5%" for a table cell, "-" when there is no figure."""
    return "-" if counts["percent"] is None else f"{counts['percent']:.1f}%"


def compact_rows(table: dict, code: str) -> tuple[list[dict], int]:
    """The compact table's rows, and how many forces are not ranked.

    The top five, the force with a neighbour on each side, the bottom five of the ranked forces, in rank order;
    a row {"gap": True} stands for the forces left out between two shown. An unranked force is shown last.
    """
    forces = table["forces"]
    ranked = [f for f in forces if f["rank"] is not None]
    unranked = len(forces) - len(ranked)
    keep = set(range(min(TOP, len(ranked)))) | set(range(max(0, len(ranked) - BOTTOM), len(ranked)))
    own = next((i for i, f in enumerate(ranked) if f["code"] == code), None)
    if own is not None:
        keep |= set(range(max(0, own - NEIGHBOURS), min(len(ranked), own + NEIGHBOURS + 1)))
    rows: list[dict] = []
    last = -1
    for i in sorted(keep):
        if i != last + 1:
            rows.append({"gap": True, "left_out": i - last - 1})
        rows.append(_row(ranked[i], code))
        last = i
    if ranked and last != len(ranked) - 1:
        rows.append({"gap": True, "left_out": len(ranked) - 1 - last})
    if own is None:
        entry = entry_in(table, code)
        if entry is not None:
            rows.append(_row(entry, code))
    return rows, unranked


def _row(f: dict, code: str) -> dict:
    return {"gap": False, "rank": "-" if f["rank"] is None else str(f["rank"]), "name": f["name"],
            "overall": short_percent(f["overall"]), "own": f["code"] == code}


def outstanding_lines(entry: dict) -> tuple[list[str], list[str]]:
    """What is still to do, in counts (never names), and how far each module has gone."""
    outstanding, modules = [], []
    el, hy, ov = entry["elearning"], entry["hydra"], entry["overall"]
    if ov["relevant"]:
        line = (f"{plural(ov['relevant'] - ov['complete'], 'person has', 'people have')} not yet done all the "
                "training required of them")
        split = due_split(ov)
        outstanding.append(line + (f" ({split})" if split else ""))
    if el["relevant"]:
        outstanding.append(f"{plural(el['relevant'] - el['complete'], 'person has', 'people have')} not finished "
                           "the four e-learning modules")
        for n, done in enumerate(entry["modules"].values(), start=1):
            left = el["relevant"] - done
            # Titles are long on a phone: the next steps name the module that matters most in full.
            modules.append(f"Module {n}: "
                           + (f"{plural(left, 'person', 'people')} still to do it" if left else "done by everyone"))
    if hy["relevant"]:
        outstanding.append(f"{plural(hy['relevant'] - hy['complete'], 'person has', 'people have')} not attended "
                           "a Hydra session")
    return outstanding, modules


def position_text(force: Force, entry: dict, table: dict) -> str:
    """The force's rank in words, or why it has none."""
    if entry["rank"] is None:
        return f"{force.name} is not ranked: it has not yet uploaded a roster showing who needs this training."
    tied = sum(1 for f in table["forces"] if f["rank"] == entry["rank"]) > 1
    return f"{force.name} is ranked {entry['rank']} of {len(table['forces'])} forces{' (tied)' if tied else ''}."


def deadline_text(deadline: date, as_of: date) -> str:
    """How the figures stand against the deadline."""
    days = (deadline - as_of).days
    if days > 0:
        return (f"The recommendations are due by {long_date(deadline)}: "
                f"{plural(days, 'day', 'days')} from these figures.")
    if days == 0:
        return f"The recommendations are due today, {long_date(deadline)}."
    return (f"The recommendations were due by {long_date(deadline)}, {plural(-days, 'day', 'days')} before these "
            "figures: any training still outstanding is overdue.")


def lead_contacts(force: Force) -> list[dict]:
    """The force's training leads as the email names them: their work name and address."""
    return [{"name": u.name or u.email, "email": u.email} for u in force_leads(force.id)]


def league_email_context(force: Force, table: dict, period: str, earlier: Earlier | None, *,
                         chief_url: str | None, attachment: str) -> dict:
    """Everything the league-table templates show."""
    entry = entry_in(table, force.code)
    if entry is None:
        raise LookupError(f"{force.code} is not in the league table")
    as_of, deadline = date.fromisoformat(table["as_of"]), date.fromisoformat(table["deadline"])
    titles = module_titles()
    outstanding, modules = outstanding_lines(entry)
    compact, unranked = compact_rows(table, force.code)
    # Small groups merged, as on pages for viewers who may not see people: a chief's email names no one.
    roles = force_breakdowns(force, as_of, merge_small=True)["role_category"]
    unmatched = entry["unmatched_records"]
    return {
        "force": force,
        "salutation": f"Dear {force.chief_name}," if force.chief_name else "Dear Chief Constable,",
        "month": month_label(period),
        "as_of": long_date(as_of),
        "status": force_status(entry, as_of, deadline),
        "overall": percent_text(entry["overall"]),
        "change": headline_change(entry, earlier),
        "position": position_text(force, entry, table),
        "next_steps": next_steps(entry, titles, by_role=roles),
        "leads": lead_contacts(force),
        "chief_url": chief_url,
        "link_days": link_days(),
        "figures": [
            ("Overall (all the training required of each person)", percent_text(entry["overall"])),
            ("E-learning (all four College Learn modules)", percent_text(entry["elearning"])),
            ("Hydra (an immersive session attended)", percent_text(entry["hydra"])),
        ],
        "outstanding": outstanding,
        "modules": modules,
        "unmatched": (
            f"{plural(unmatched, 'training record', 'training records')} could not be matched to anyone on your "
            "roster, so may be missing from these figures; your force's training lead can resolve "
            f"{'it' if unmatched == 1 else 'them'}." if unmatched else None
        ),
        "movement": movement_lines(entry, earlier) if earlier else None,
        "previous_label": earlier.label if earlier else None,
        "deadline": deadline_text(deadline, as_of),
        "compact": compact,
        "unranked": unranked,
        "total": len(table["forces"]),
        "attachment_name": attachment,
        "s": STYLES,
    }
