"""Identity matching within a force (DESIGN.md "Identity"): one function for the plan, the apply and every re-match.

In order: a lead's remembered decision for the record's identity (confirmed or dismissed: never overridden, not
even by a later roster), then the staff number, then the email, then the exact full name when it is unique among
the force's active people and the record's staff number does not contradict theirs.

Leavers stay matchable by staff number and email, so their records are theirs (and do not count) and are never
passed on to a namesake. Names match only among active people, only when unique, and only provisionally: a name
match is worked out again whenever the force's roster changes (`lms.imports.apply.rematch`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import select

from importers.identity import email_key, name_key, staff_key
from lms.extensions import db
from lms.models import MatchDecision, Person

DISMISSED = -1


def identity_key(staff: str | None, email: str | None, first: str | None, last: str | None) -> str:
    """The identity a record carries, as remembered by a force lead's decision."""
    return keyed_identity(staff_key(staff), email_key(email), name_key(first, last))


def keyed_identity(skey: str | None, ekey: str | None, nkey: str) -> str:
    """identity_key from keys already normalised (the matcher has them to hand)."""
    return f"s:{skey or ''}|e:{ekey or ''}|n:{nkey}"


@dataclass
class ForceIndex:
    """Lookup tables for one force's people and remembered decisions."""

    force_id: int
    by_staff: dict[str, int] = field(default_factory=dict)
    by_email: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    decisions: dict[str, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # active people: id -> display name, for candidates
    active: set[int] = field(default_factory=set)
    staff_of: dict[int, str] = field(default_factory=dict)  # active people with a staff key: id -> key

    @classmethod
    def load(cls, force_id: int) -> ForceIndex:
        """Build the index from the database (one query for people, one for decisions)."""
        index = cls(force_id)
        rows = db.session.execute(
            select(Person.id, Person.staff_key, Person.email_key, Person.name_key, Person.active,
                   Person.forename, Person.surname)
            .where(Person.force_id == force_id)
            .order_by(Person.active, Person.id)
        )
        # Ordered leavers first so an active person's key wins when a key repeats.
        for pid, skey, ekey, nkey, active, forename, surname in rows:
            index.add(pid, skey, ekey, nkey, active, f"{forename} {surname}".strip())
        for key, person_id, decision in db.session.execute(
            select(MatchDecision.identity_key, MatchDecision.person_id, MatchDecision.decision).where(
                MatchDecision.force_id == force_id
            )
        ):
            if decision == "dismissed":
                index.decisions[key] = DISMISSED
            elif person_id is not None:
                index.decisions[key] = person_id
        return index

    def add(self, pid: int, skey: str | None, ekey: str | None, nkey: str, active: bool, display: str = "") -> None:
        """Index one person (leavers by staff number and email only)."""
        if skey:
            self.by_staff[skey] = pid
        if ekey:
            self.by_email[ekey] = pid
        if active:
            self.active.add(pid)
            self.names[pid] = display
            if skey:
                self.staff_of[pid] = skey
            if nkey:
                self.by_name[nkey].append(pid)

    def match(
        self, staff: str | None, email: str | None, first: str | None, last: str | None
    ) -> tuple[int | None, str | None]:
        """(person id, method) or (None, None) when unmatched, (None, "dismissed") when a lead dismissed it."""
        skey = staff_key(staff)
        ekey = email_key(email)
        nkey = name_key(first, last)
        if self.decisions:
            decided = self.decisions.get(keyed_identity(skey, ekey, nkey))
            if decided == DISMISSED:
                return None, "dismissed"
            if decided is not None:
                return decided, "confirmed"
        if skey and skey in self.by_staff:
            return self.by_staff[skey], "staff_number"
        if ekey and ekey in self.by_email:
            return self.by_email[ekey], "email"
        if nkey:
            ids = self.by_name.get(nkey)
            if ids and len(ids) == 1 and not self.contradicts(ids[0], skey):
                return ids[0], "name"
        return None, None

    def contradicts(self, person_id: int, skey: str | None) -> bool:
        """The record's staff number and the person's are both known and differ: not the same person, whatever the
        name says (a joiner the roster does not list yet, a namesake). A different email is no contradiction."""
        theirs = self.staff_of.get(person_id)
        return bool(skey and theirs and skey != theirs)

    def candidates(self, first: str | None, last: str | None, limit: int = 3) -> list[tuple[int, float]]:
        """Up to `limit` likely active people for an unmatched record, by fuzzy full-name similarity."""
        query = f"{first or ''} {last or ''}".strip()
        if not query or not self.names:
            return []
        found = process.extract(query, self.names, scorer=fuzz.token_sort_ratio, limit=limit, score_cutoff=60,
                                processor=lambda s: name_key(s, None))
        return [(key, float(score)) for _text, score, key in found]
