"""A search of one force's whole roster, for the lead confirming a learner the suggestions did not find.

Only active people of that force are ever searched: the page and its JSON feed (the autocomplete) are scoped to
the force in the URL, and the force is checked by the view before this is called.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from importers.identity import name_key
from lms.extensions import db
from lms.models import Force, Person

LIMIT = 20
MAX_QUERY = 100  # longer text is no name, staff number or email anyone types


def words(query: str | None) -> list[str]:
    """The search's words: as names are compared (accents, case and punctuation ignored), at most eight."""
    return name_key((query or "")[:MAX_QUERY], None).split()[:8]


def search(force: Force, query: str | None, limit: int = LIMIT) -> list[Person]:
    """Up to `limit` active people of the force whose name, staff number or email contains every word of the query
    ("ava sto", "C001", "a.stone@"), by surname then forename. An empty query finds nobody."""
    found = words(query)
    if not found:
        return []
    conditions = []
    for word in found:
        like = f"%{word}%"  # words hold letters and digits only: nothing to escape
        staff = word.lstrip("0") or word  # staff keys ignore leading zeros
        conditions.append(or_(Person.name_key.like(like), Person.email_key.like(like),
                              Person.staff_key.like(f"%{staff}%")))
    return list(db.session.scalars(
        select(Person)
        .where(Person.force_id == force.id, Person.active.is_(True), and_(*conditions))
        .order_by(Person.surname, Person.forename, Person.id)
        .limit(limit)
    ))


def as_json(person: Person) -> dict:
    """A person as the autocomplete lists them (their own force's lead is the only reader)."""
    return {"id": person.id, "name": person.full_name, "staff_number": person.staff_number, "email": person.email,
            "department": person.department, "label": label(person)}


def label(person: Person) -> str:
    """"Ava Stone (C001)", as the radios and the autocomplete name a person."""
    return f"{person.full_name} ({person.staff_number or 'no staff number'})"
