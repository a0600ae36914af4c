"""Who a batch names: the people a roster adds, makes leavers and updates (each field old -> new), the records matched
by name only (provisional, flagged for a glance) and the learners nobody matched.

Built from the plan when a batch is previewed or committed, stored gzipped as JSON beside the batch
(`ImportBatch.preview_details`, deferred: loaded only when a list is shown), paged on the batch page and downloaded
as CSV. Rows a Hydra register sends to another force as pending records never appear here: the uploader is told only
how many went where, never whether they matched anyone.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms.core.text import long_date
from lms.extensions import db
from lms.imports.summary import plan_records
from lms.models import ImportBatch, Person
from lms.reports.exports import safe_cell

PER_PAGE = 50

# The lists, in the order the page shows them, with their title and the kinds that have them.
LISTS = {
    "added": ("People added", ("roster",)),
    "leavers": ("Leavers", ("roster",)),
    "updated": ("People updated", ("roster",)),
    "by_name": ("Matched by name only: check these", ("college-learn", "hydra")),
    "unmatched": ("Not matched to anyone", ("college-learn", "hydra")),
}

# The person fields a roster change is shown for, with the words a lead knows them by.
FIELD_LABELS = {
    "staff_number": "Staff number", "forename": "Forename", "surname": "Surname", "email": "Email", "rank": "Rank",
    "role": "Role", "department": "Department", "role_category": "Role category",
    "elearning_required": "E-learning required", "hydra_required": "Hydra required", "exempt_until": "Exempt until",
    "exemption_reason": "Exemption reason", "start_date": "Start date", "active": "On the roster",
}

# The columns of each list's CSV file, and the key of each item that fills them.
CSV_COLUMNS = {
    "added": [("Name", "name"), ("Staff number", "staff_number"), ("Email", "email"), ("Rank", "rank"),
              ("Department", "department"), ("Must do", "requires")],
    "leavers": [("Name", "name"), ("Staff number", "staff_number"), ("Email", "email"), ("Rank", "rank"),
                ("Department", "department")],
    "updated": [("Name", "name"), ("Staff number", "staff_number"), ("Changes", "changes_text")],
    "by_name": [("Name in the file", "name"), ("Staff number in the file", "staff_number"),
                ("Email in the file", "email"), ("Record", "what"), ("Matched to", "person"),
                ("Their staff number", "person_staff_number")],
    "unmatched": [("Name in the file", "name"), ("Staff number in the file", "staff_number"),
                  ("Email in the file", "email"), ("Records", "records")],
}


def _value(value) -> str:
    """A field's value as the page writes it."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return long_date(value)
    return str(value)


def _requires(elearning: bool, hydra: bool) -> str:
    return {(True, True): "E-learning and Hydra", (True, False): "E-learning", (False, True): "Hydra"}.get(
        (bool(elearning), bool(hydra)), "Nothing")


def _name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip() or "(no name)"


def _person_item(person: Person) -> dict:
    return {"name": _name(person.forename, person.surname), "staff_number": person.staff_number or "",
            "email": person.email or "", "rank": person.rank or "", "department": person.department or ""}


def changes_of(person: Person, changed: dict) -> list[dict]:
    """Each field a roster row changes about a person: {"field": "Rank", "old": "PC", "new": "Sergeant"}.

    The matching keys kept in step (staff_key, email_key, name_key) and the leaving date are not shown: "On the
    roster: No -> Yes" says a leaver came back.
    """
    out = []
    for name, label in FIELD_LABELS.items():
        if name in changed:
            out.append({"field": label, "old": _value(getattr(person, name)), "new": _value(changed[name])})
    return out


def _roster_lists(plan) -> dict[str, list[dict]]:
    added = [{"name": _name(v.get("forename"), v.get("surname")), "staff_number": v.get("staff_number") or "",
              "email": v.get("email") or "", "rank": v.get("rank") or "", "department": v.get("department") or "",
              "requires": _requires(v.get("elearning_required"), v.get("hydra_required"))} for v in plan.creates]
    leavers = [_person_item(p) for p in plan.leavers]
    updated = []
    for person, changed in plan.updates:
        changes = changes_of(person, changed)
        if changes:
            updated.append({**_person_item(person), "changes": changes,
                            "changes_text": "; ".join(f"{c['field']}: {c['old']} → {c['new']}" for c in changes)})
    key = lambda item: (item["name"].casefold(), item["staff_number"])  # noqa: E731
    return {"added": sorted(added, key=key), "leavers": sorted(leavers, key=key), "updated": sorted(updated, key=key)}


def _what(row: dict) -> str:
    """The record a row brings: a module, or a Hydra session and whether it was attended."""
    if "requirement_code" in row:
        return f"{row['requirement_code']} {row.get('status') or ''}".strip()
    day = row.get("session_date")
    return f"Hydra session {long_date(day) if day else ''}: {row.get('attendance') or ''}".strip()


def _record_lists(plan) -> dict[str, list[dict]]:
    records = plan_records(plan)
    by_name = [r for r in records if r.get("match_method") == "name" and r.get("person_id") is not None]
    people = {}
    ids = sorted({r["person_id"] for r in by_name})
    for start in range(0, len(ids), 900):  # within SQLite's bound-parameter limit
        chunk = ids[start:start + 900]
        people.update({p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(chunk)))})
    named = []
    for r in by_name:
        person = people.get(r["person_id"])
        named.append({"name": _name(r.get("first_name"), r.get("last_name")), "staff_number": r.get("staff_number")
                      or "", "email": r.get("email") or "", "what": _what(r), "row": r.get("source_row"),
                      "person": _name(person.forename, person.surname) if person else "",
                      "person_staff_number": (person.staff_number or "") if person else "",
                      "person_id": r["person_id"]})
    learners: dict[str, dict] = {}
    for r in records:
        if r.get("person_id") is not None:
            continue
        item = learners.setdefault(r["identity_key"], {
            "name": _name(r.get("first_name"), r.get("last_name")), "staff_number": r.get("staff_number") or "",
            "email": r.get("email") or "", "records": 0, "dismissed": r.get("dismissed", False)})
        item["records"] += 1
    key = lambda item: (item["name"].casefold(), item["staff_number"])  # noqa: E731
    return {"by_name": sorted(named, key=lambda i: (*key(i), i["row"] or 0)),
            "unmatched": sorted(learners.values(), key=key)}


def build(plan) -> dict[str, list[dict]]:
    """Every named list of a plan (read before the plan is applied: an update's old values are the person's now)."""
    return _roster_lists(plan) if plan.kind == "roster" else _record_lists(plan)


def pack(lists: dict[str, list[dict]]) -> bytes:
    """The lists as gzipped JSON, for `ImportBatch.preview_details`."""
    return gzip.compress(json.dumps(lists, separators=(",", ":"), default=str).encode(), compresslevel=6)


def counts(lists: dict[str, list[dict]]) -> dict[str, int]:
    """How many each list names: kept in the summary, so a page shows the counts without loading the lists."""
    return {name: len(items) for name, items in lists.items()}


def load(batch: ImportBatch) -> dict[str, list[dict]]:
    """A batch's stored lists ({} for a batch stored without them)."""
    raw = batch.preview_details
    return json.loads(gzip.decompress(raw)) if raw else {}


def lists_for(kind: str) -> list[str]:
    """The names of the lists a kind of batch has, in page order."""
    return [name for name, (_title, kinds) in LISTS.items() if kind in kinds]


def title_of(name: str) -> str:
    """A list's heading."""
    return LISTS[name][0]


@dataclass
class ListPage:
    name: str
    title: str
    items: list[dict]
    total: int
    page: int
    pages: int


def pages_of(batch: ImportBatch, current: str | None = None, page: int = 1, per_page: int = PER_PAGE) -> list[ListPage]:
    """Each list of the batch with one page of it: page `page` of the list named `current`, the first of the others."""
    stored = load(batch)
    out = []
    for name in lists_for(batch.kind):
        items = stored.get(name, [])
        pages = max(1, math.ceil(len(items) / per_page))
        n = min(max(page, 1), pages) if name == current else 1
        out.append(ListPage(name, title_of(name), items[(n - 1) * per_page:n * per_page], len(items), n, pages))
    return out


def list_csv(batch: ImportBatch, name: str) -> bytes:
    """One list as a CSV file (UTF-8 with a BOM, so Excel opens it right), every cell safe against formula injection."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    columns = CSV_COLUMNS[name]
    writer.writerow([heading for heading, _key in columns])
    for item in load(batch).get(name, []):
        writer.writerow([safe_cell(item.get(key, "")) for _heading, key in columns])
    return ("\ufeff" + text.getvalue()).encode("utf-8")
