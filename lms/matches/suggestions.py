"""Accept all suggestions at or above a similarity the lead chooses: a list to check first, then one confirmation.

A learner is proposed only when exactly one suggested person reaches the similarity: two namesakes both above it
are a choice for the lead, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from lms.audit import service as audit
from lms.core.errors import ServiceError
from lms.matches.queue import WaitingLearner, confirm, waiting
from lms.models import Force, Person, User
from lms.reports.figures import refresh_snapshots

DEFAULT_MINIMUM = 90
LOWEST = 60  # the queue never suggests anyone below this (lms.imports.matching.ForceIndex.candidates)


@dataclass
class Proposal:
    """A waiting learner and the one suggested person at or above the similarity."""

    learner: WaitingLearner
    person: Person
    score: float


@dataclass
class Proposals:
    minimum: int
    accepted: list[Proposal]
    ambiguous: list[WaitingLearner]  # more than one person at or above the similarity: the lead chooses


def minimum_from(text: str | None) -> int:
    """The similarity asked for, a whole number from 60 to 100 (90 when none is given); ServiceError otherwise."""
    text = (text or "").strip().rstrip("%").strip()
    if not text:
        return DEFAULT_MINIMUM
    if not text.isdigit() or not LOWEST <= int(text) <= 100:
        raise ServiceError(f"Enter a similarity from {LOWEST} to 100, like {DEFAULT_MINIMUM}", field="minimum")
    return int(text)


def proposals(force: Force, minimum: int) -> Proposals:
    """Every waiting learner of the force whose one best suggestion is at or above `minimum`% similar."""
    learners, _total = waiting(force, limit=None)
    accepted, ambiguous = [], []
    for w in learners:
        above = [(person, score) for person, score in w.candidates if score >= minimum]
        if len(above) == 1:
            accepted.append(Proposal(w, *above[0]))
        elif above:
            ambiguous.append(w)
    return Proposals(minimum, accepted, ambiguous)


def accept_all(force: Force, chosen: list[tuple[str, int]], minimum: int, user: User | None) -> tuple[int, int]:
    """Confirm the (identity, person) pairs the lead was shown, each only if it is still a proposal at `minimum`
    (the queue may have moved since). Returns (learners, records) confirmed; one audit event per learner and one
    for the whole."""
    current = {(p.learner.identity_key, p.person.id) for p in proposals(force, minimum).accepted}
    learners = records = 0
    for key, person_id in chosen:
        if (key, person_id) in current:
            records += confirm(force, key, person_id, user, refresh=False, via="accept all")
            learners += 1
    if learners:
        refresh_snapshots(force_ids=[force.id])
        audit.record("unmatched.accepted_all", user, force_id=force.id, minimum=minimum, learners=learners,
                     records=records)
    return learners, records


def parse_choices(values: list[str]) -> list[tuple[str, int]]:
    """The confirmation form's "<person id> <identity>" values as pairs; anything else is left out."""
    out = []
    for value in values:
        person, _, key = value.partition(" ")
        if person.isdigit() and key:
            out.append((key, int(person)))
    return out
