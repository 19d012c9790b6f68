"""What the searchable list pages share: the search box, the sort asked for, a date range typed
dd/mm/yyyy (or ISO), and the pager's arithmetic for the templates (_pager.html, _sort.html)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import request

from engine.search import params
from engine.search.fold import words
from engine.search.sql import Sort
from engine.web.pages import paging
from engine.web.pages.common import bp, form_day


def search_box() -> tuple[str, list[str]]:
    """(the search box as typed, its folded words); a query too long is a 422 naming `q`."""
    typed = (request.args.get("q") or "").strip()
    return typed, words(typed)


def chosen_sort(keys: Iterable[str]) -> Sort:
    """The ?sort=&dir= the page was asked for; a key not in `keys` means the default order."""
    return Sort.choose(set(keys), request.args.get("sort"), request.args.get("dir"))


def day_range(start: str, end: str) -> tuple[date | None, date | None]:
    """Two optional dates of the query string (dd/mm/yyyy or ISO), the end not before the start."""
    first, last = form_day(request.args.get(start), start), form_day(request.args.get(end), end)
    return params.ordered(first, last, end)


def sort_args(sort: Sort) -> dict[str, str | None]:
    """The query-string arguments that keep `sort` on the pager's links."""
    return {"sort": sort.key, "dir": sort.direction if sort.key else None}


@bp.app_template_global("page_window")
def page_window(offset: int, size: int, total: int) -> paging.Window:
    """The pager of _pager.html: rows shown out of `total`, page numbers."""
    return paging.Window(offset, size, total)
