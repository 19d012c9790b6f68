"""Folding a list of entries for reading: when a kind has several entries (twenty documents not classified
in time), they go under one heading with their count, at the place of the newest; the others stay single."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from engine.notifications.kinds import label
from engine.notifications.service import Entry

FOLD_FROM = 3  # entries of one kind on a list from which they fold under a heading


@dataclass
class Block:
    """One entry, or the entries of one kind under a heading."""

    kind: str
    entries: list[Entry] = field(default_factory=list)
    folded: bool = False

    @property
    def label(self) -> str:
        return label(self.kind)

    @property
    def unread(self) -> int:
        return sum(1 for e in self.entries if e.unread)

    @property
    def latest_at(self) -> datetime:
        return max(e.latest_at for e in self.entries)


def blocks(entries: list[Entry], *, fold_from: int = FOLD_FROM) -> list[Block]:
    """`entries` (newest first) as blocks in the same order, those of a frequent kind folded together."""
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.kind] = counts.get(e.kind, 0) + 1
    found: list[Block] = []
    folds: dict[str, Block] = {}
    for e in entries:
        if counts[e.kind] < fold_from:
            found.append(Block(e.kind, [e]))
        elif e.kind in folds:
            folds[e.kind].entries.append(e)
        else:
            folds[e.kind] = Block(e.kind, [e], folded=True)
            found.append(folds[e.kind])
    return found
