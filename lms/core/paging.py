"""Pages of a long list: which rows a page holds, and the page numbers its pagination shows."""

from __future__ import annotations

from dataclasses import dataclass

PAGE_SIZE = 50


def page_number(text: str | None) -> int:
    """The page asked for in a query string; anything that is not a whole number is page 1."""
    try:
        return max(1, int(text or "1"))
    except ValueError:
        return 1


@dataclass(frozen=True)
class Paging:
    """Page ``page`` of ``total`` rows, ``per_page`` to a page. A page past the end is the last page."""

    page: int
    total: int
    per_page: int = PAGE_SIZE

    @classmethod
    def of(cls, requested: int, total: int, per_page: int = PAGE_SIZE) -> Paging:
        """The page asked for, kept within the pages there are."""
        pages = max(1, -(-total // per_page))
        return cls(min(max(1, requested), pages), total, per_page)

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, even for no rows)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        """How many rows come before this page."""
        return (self.page - 1) * self.per_page

    @property
    def first(self) -> int:
        """The number of the page's first row, counting from 1 (0 when there are none)."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        """The number of the page's last row."""
        return min(self.total, self.offset + self.per_page)

    def numbers(self) -> list[int | None]:
        """The page numbers pagination shows, None for an ellipsis: the first, the last, and this page's
        neighbours ("1 … 4 5 6 … 12"), as GOV.UK's pagination pattern asks."""
        wanted = {1, self.pages, self.page - 1, self.page, self.page + 1}
        shown = sorted(n for n in wanted if 1 <= n <= self.pages)
        out: list[int | None] = []
        for n in shown:
            if out and n - out[-1] > 1:  # type: ignore[operator]
                out.append(None)
            out.append(n)
        return out
