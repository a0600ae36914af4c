"""More forces with figures than tests.support.emails' three, so the compact table has something to leave out.
Made-up people only; counts, not names, are what these tests read."""

from __future__ import annotations

from datetime import date, datetime

from lms.extensions import db
from tests.support.emails import add_batch, add_person, complete, force

# (code, people who must do the e-learning, of whom complete): 12 more ranked forces around the scenario's three.
WIDE = (
    ("cleveland", 20, 19), ("durham", 10, 9), ("northumbria", 10, 8), ("cheshire", 20, 15), ("lancashire", 10, 7),
    ("cumbria", 20, 13), ("merseyside", 10, 6), ("dorset", 10, 4), ("gwent", 10, 3), ("wiltshire", 10, 2),
    ("norfolk", 10, 1), ("suffolk", 10, 0),
)
# With Essex (100%), Kent (62.5%) and Surrey (50%): ranks 1..15 with no ties, Kent 8th, Lancashire 6th, Surrey 10th.


def load_wide() -> None:
    """Twelve more forces with a roster and e-learning figures (committed)."""
    for code, people, done in WIDE:
        f = force(code)
        roster = add_batch(f, "roster", datetime(2026, 4, 10, 9, 0))
        learn = add_batch(f, "college-learn", datetime(2026, 4, 10, 9, 0))
        for i in range(people):
            person = add_person(f, roster, f"Made{i}", f"Up{code.title()}", elearning=True)
            if i < done:
                complete(person, learn, date(2026, 3, 1))
    db.session.commit()
