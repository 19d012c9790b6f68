"""The SQL every searchable list shares: each folded word found in `search_text` (AND), a sort chosen
from a whitelist with a stable tie-break, and the COUNT of the same filtered query for the pager."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import Session

from engine.definitions.models import ProcessDefinition
from engine.search.fold import fold

ASC, DESC = "asc", "desc"


def matching(column, words: Sequence[str]) -> ColumnElement[bool]:
    """Every word in the folded column: `LIKE '%word%'`, with % and _ in a word taken literally."""
    return and_(*(column.contains(word, autoescape=True) for word in words))


def each_word(words: Sequence[str], condition: Callable[[str], ColumnElement[bool]]) -> ColumnElement[bool]:
    """Every word satisfies `condition` (for rows found by several columns or related rows)."""
    return and_(*(condition(word) for word in words))


@dataclass(frozen=True)
class Sort:
    """A list's order as the query string asked for it: a whitelisted key (None: the list's default
    order) and its direction."""

    key: str | None = None
    descending: bool = False

    @classmethod
    def choose(cls, keys: Mapping[str, object], key: str | None, direction: str | None) -> Sort:
        """The sort asked for, or the default order for a key not in `keys` (never an error)."""
        if key not in keys:
            return cls()
        return cls(key, direction == DESC)

    @property
    def direction(self) -> str:
        return DESC if self.descending else ASC

    def order_by(self, columns: Mapping[str, ColumnElement], default: Sequence, tiebreak) -> list:
        """ORDER BY clauses: the chosen column with rows lacking a value last whichever the direction,
        then `tiebreak` (the id) so that paging never shows a row twice; else the list's `default`
        order (which ends with its own tie-break)."""
        if self.key is None:
            return list(default)
        column = columns[self.key]
        ordered = column.desc() if self.descending else column.asc()
        return [column.is_(None), ordered, tiebreak.desc() if self.descending else tiebreak.asc()]


# The order a list has when the query string names none (a default argument, shared and immutable).
DEFAULT_SORT = Sort()


def count(session: Session, query: Select) -> int:
    """How many rows `query` selects (its order and paging left out)."""
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def process_names(session: Session) -> dict[str, list[str]]:
    """process_id -> the names its deployed versions have had, the newest last (a renamed procedure is
    found by either name, and sorted by its newest)."""
    found: dict[str, list[str]] = {}
    query = select(ProcessDefinition.process_id, ProcessDefinition.name).order_by(ProcessDefinition.version)
    for process_id, name in session.execute(query):
        known = found.setdefault(process_id, [])
        if (name or process_id) in known:
            known.remove(name or process_id)
        known.append(name or process_id)
    return found


def processes_named(names: Mapping[str, list[str]], word: str) -> list[str]:
    """The process ids whose id or any name holds the folded `word` (a handful of definitions, folded
    here rather than stored: they are few and deployed rarely)."""
    return sorted(pid for pid, known in names.items() if any(word in fold(n) for n in [pid, *known]))


def by_process_name(column, names: Mapping[str, list[str]]):
    """A sort column that orders process ids by their (latest listed) name rather than the id."""
    if not names:
        return column
    return case({pid: fold(known[-1]) for pid, known in names.items()}, value=column, else_=column)
