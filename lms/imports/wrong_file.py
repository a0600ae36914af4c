"""Files that look like another force's: flagged in the preview, and committed only once someone confirms.

A roster from another force uploaded by mistake used to say only "50 leavers"; another force's College Learn export
gave 135 identical row errors and still offered Commit. Like the mass-leavers check, a file whose staff numbers are
mostly unknown to the force, or whose force column names another force for most rows, needs an explicit
confirmation: the preview's tick box, `lms import --confirm-force` or the API's `confirm_force=true`.
"""

from __future__ import annotations

from collections import Counter

from lms.models import Force

MIN_ROWS = 10  # too few rows (or people) to judge a file by
FEW_KNOWN = 0.2  # a roster sharing fewer than a fifth of its staff numbers with the force's current one


def foreign_rows(batch_force: Force, named: Counter, by_code: dict[str, Force], column: str) -> str | None:
    """The warning when most rows with a force name another force (`named`: force code -> rows naming it)."""
    rows = sum(named.values())
    others = [(n, code) for code, n in named.items() if code != batch_force.code]
    if rows < MIN_ROWS or not others:
        return None
    n, code = max(others)
    if n * 2 <= rows:
        return None
    other = by_code[code].name
    return (f"Most rows ({n:,} of {rows:,}) name {other} in the {column} column, not {batch_force.name}: this looks "
            f"like {other}'s file. Check it before you commit it, or upload it for {other}.")


def unknown_roster(batch_force: Force, known: int, rows: int, active_before: int) -> str | None:
    """The warning when a roster shares few staff numbers with the force's current roster."""
    if active_before < MIN_ROWS or rows < MIN_ROWS or known >= FEW_KNOWN * min(rows, active_before):
        return None
    return (f"Only {known:,} of the {rows:,} staff numbers in this roster are on {batch_force.name}'s current roster "
            f"of {active_before:,} people: this looks like another force's roster. Check it before you commit it.")
