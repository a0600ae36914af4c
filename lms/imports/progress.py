"""How far an import has got, for the progress bar: reading fills its first half, matching the second."""

from __future__ import annotations

from collections.abc import Callable

from lms.core.text import count_of


class TwoPhases:
    """One progress bar for reading then matching: reading fills the first half, matching the second."""

    def __init__(self, report: Callable[[int, int], None] | None):
        self.report = report
        self.rows = 0

    def read(self, done: int, total: int) -> None:
        self.rows = total
        if self.report:
            self.report(done, 2 * total)

    def match(self, done: int, total: int) -> None:
        rows = self.rows or total
        if self.report:
            self.report(rows + (done * rows) // max(total, 1), 2 * rows)


def progress_message(done: int, total: int) -> str:
    """What the progress page says for a (done, total) reported by run_import."""
    if not total:
        return "Opening the file"
    rows = total // 2
    if done <= rows:
        return f"Read {done:,} of {count_of(rows, 'row')}"
    return f"Read {count_of(rows, 'row')}; matched {done - rows:,} of {rows:,}"
