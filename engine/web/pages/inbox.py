"""Việc cần làm (the inbox): its tabs, saved filters with their counts (mine, my groups', due today, due
soon, overdue), a procedure select with counts, search, sortable columns and pages with the total. The
filters themselves are engine.usertasks.inbox; one user task and its buttons are pages.tasks."""

from __future__ import annotations

from flask import render_template, request

from engine import clock
from engine.usertasks import inbox
from engine.usertasks import service as usertasks
from engine.web.api import reading, system
from engine.web.pages import listing
from engine.web.pages.common import PAGE_SIZE, bp, full_names, me, page_offset, process_names
from engine.workdays import service as workdays

# The tabs, "" being all of the inbox.
TABS = {
    "": "Tất cả",
    inbox.MINE: "Của tôi",
    inbox.GROUP: "Nhóm của tôi",
    inbox.TODAY: "Đến hạn hôm nay",
    inbox.SOON: "Sắp đến hạn",
    inbox.OVERDUE: "Quá hạn",
    inbox.UNIT: "Cán bộ đã nhận xử lý",  # a leader's: tasks his people claimed, which he may give to another
}
# What a row's deadline badge says, and its colour.
MARKS = {
    inbox.OVERDUE: ("Quá hạn", "badge-danger"),
    inbox.TODAY: ("Đến hạn hôm nay", "badge-warn"),
    inbox.SOON: ("Sắp đến hạn", "badge-warn"),
}
# What an empty tab says.
EMPTY = {
    "": "Không có việc nào",
    inbox.MINE: "Không có việc nào bạn đang nhận xử lý",
    inbox.GROUP: "Không có việc nào chưa có người nhận",
    inbox.TODAY: "Không có việc nào đến hạn hôm nay",
    inbox.SOON: "Không có việc nào sắp đến hạn",
    inbox.OVERDUE: "Không có việc nào quá hạn",
    inbox.UNIT: "Không có việc nào do người khác trong đơn vị đang nhận xử lý",
}


@bp.get("/tasks")
def tasks():
    """Việc cần làm: one tab of the inbox, within a procedure and a search, sorted, a page at a time."""
    view = request.args.get("view")
    tabs = {key: label for key, label in TABS.items() if key != inbox.UNIT or inbox.leads(me())}
    if view not in tabs:  # ?assigned=me|unassigned: the links of before the tabs
        view = inbox.ASSIGNED.get(request.args.get("assigned") or "")
    typed, words = listing.search_box()
    sort = listing.chosen_sort(inbox.SORT_KEYS)
    process_id = request.args.get("process_id") or None
    offset = page_offset()
    settings = system().settings
    with reading() as session:
        calendar = workdays.calendar(session=session, settings=settings)
        windows = inbox.DueWindows.of(calendar, clock.now(), settings.due_soon_days)
        chosen = inbox.InboxFilters(view=view, process_id=process_id, words=words)
        rows = usertasks.inbox(
            session=session,
            user=me(),
            view=view,
            process_id=process_id,
            words=words,
            windows=windows,
            sort=sort,
            limit=PAGE_SIZE,
            offset=offset,
        )
        counts = inbox.view_counts(session, user=me(), filters=chosen, windows=windows)
        names = process_names(session)
        per_process = inbox.process_counts(session, user=me(), filters=chosen, windows=windows)
        if process_id:
            per_process.setdefault(process_id, 0)  # the chosen one stays in the select, if empty
        filter_args = {"view": view, "process_id": process_id, "q": typed or None}
        return render_template(
            "tasks.html",
            rows=rows,
            total=counts[view or ""],
            view=view or "",
            tabs=tabs,
            soon_days=settings.due_soon_days,
            counts=counts,
            procedures=sorted(per_process.items(), key=lambda item: names.get(item[0], item[0])),
            process_id=process_id,
            q=typed,
            sort=sort,
            offset=offset,
            marks={t.id: MARKS.get(windows.mark(t.due_at)) for t in rows},
            empty=EMPTY[view or ""],
            filter_args=filter_args,
            page_args={**filter_args, **listing.sort_args(sort)},
            process_names=names,
            people=full_names(session, {r.assignee for r in rows if r.assignee}),
        )
