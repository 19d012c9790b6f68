"""Pure pager arithmetic: which rows a page shows out of how many, and which page numbers the pager links
(the first, the last, a few around the current one, "…" for the gaps). No Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass

# Page links either side of the current page.
AROUND = 2


@dataclass(frozen=True)
class Window:
    """One page of a list of `total` rows shown `size` at a time from `offset`."""

    offset: int
    size: int
    total: int

    @property
    def current(self) -> int:
        """The page number (1-based) of `offset`."""
        return self.offset // self.size + 1

    @property
    def last(self) -> int:
        """The number of the last page (1 for an empty list)."""
        return max(1, -(-self.total // self.size))

    @property
    def first_row(self) -> int:
        """The 1-based number of the page's first row (0 when it shows none)."""
        return self.offset + 1 if self.offset < self.total else 0

    @property
    def last_row(self) -> int:
        return min(self.offset + self.size, self.total)

    @property
    def beyond(self) -> bool:
        """The offset lies past the last row (a stale link, a hand-typed offset)."""
        return self.total > 0 and self.offset >= self.total

    @property
    def previous_offset(self) -> int | None:
        if self.offset <= 0:
            return None
        return min(max(self.offset - self.size, 0), self.offset_of(self.last))

    @property
    def next_offset(self) -> int | None:
        following = self.offset + self.size
        return following if following < self.total else None

    def offset_of(self, page: int) -> int:
        return (page - 1) * self.size

    def numbers(self) -> list[int | None]:
        """The page numbers to link, None where "…" stands for the pages left out; a gap of a single page
        shows that page instead, since "…" would take as much room."""
        if self.last == 1:
            return []
        wanted = {1, self.last} | set(range(self.current - AROUND, self.current + AROUND + 1))
        shown = sorted(n for n in wanted if 1 <= n <= self.last)
        found: list[int | None] = []
        for n in shown:
            if found and n - found[-1] == 2:
                found.append(n - 1)
            elif found and n - found[-1] > 2:
                found.append(None)
            found.append(n)
        return found
