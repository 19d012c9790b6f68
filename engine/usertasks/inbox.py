"""Việc cần làm as a list: which ready user tasks a user sees, the saved filters of its tabs (mine, my
groups', due today, due soon, overdue), search by name, subject and procedure, sort, and the counts the
tabs and the procedure select show. Deadlines are instants (24:00 local of the last day, R3); "due soon"
counts working days with the work calendar, as the assignments' "Sắp đến hạn" does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, FromClause, Select, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from engine.auth.models import User
from engine.auth.service import Principal
from engine.calendar import WorkCalendar
from engine.search import sql
from engine.search.sql import DEFAULT_SORT, Sort
from engine.usertasks.models import READY, VP_GROUPS, UserTaskGroup, UserTaskRow

# The tabs: claimed by me; unclaimed in my groups; three by deadline; and, for a leader, what his people
# have claimed (UNIT: not part of "all", since he acts on those by giving them to someone else).
MINE, GROUP, TODAY, SOON, OVERDUE, UNIT = "mine", "group", "today", "soon", "overdue", "unit"
VIEWS = (MINE, GROUP, TODAY, SOON, OVERDUE, UNIT)
DUE_VIEWS = (TODAY, SOON, OVERDUE)
# The API's older `assigned` values, the same filters as two of the tabs.
ASSIGNED = {"me": MINE, "unassigned": GROUP}
SORT_KEYS = ("name", "subject", "process", "due", "assignee", "created")
DEFAULT_ORDER = (UserTaskRow.due_at.is_(None), UserTaskRow.due_at, UserTaskRow.created_at, UserTaskRow.id)


@dataclass(frozen=True)
class DueWindows:
    """Where "now", the end of today and the end of the "Sắp đến hạn" window fall: a task is overdue
    from its deadline on (R9), due today when its deadline ends today, due soon when it ends after today
    and within the next `soon_days` working days (so on a Friday, Monday's task is due soon with N=1)."""

    now: datetime
    end_of_today: datetime
    end_of_soon: datetime

    @classmethod
    def of(cls, calendar: WorkCalendar, now: datetime, soon_days: int) -> DueWindows:
        today = calendar.local_date(now)
        soon_until = calendar.add_working_days(today, soon_days)
        return cls(now, calendar.end_of_day(today), calendar.end_of_day(soon_until))

    def mark(self, due_at: datetime | None) -> str | None:
        """OVERDUE, TODAY, SOON or None for one deadline: the badge of a row."""
        if due_at is None:
            return None
        if due_at <= self.now:
            return OVERDUE
        if due_at <= self.end_of_today:
            return TODAY
        if due_at <= self.end_of_soon:
            return SOON
        return None

    def condition(self, view: str) -> ColumnElement[bool]:
        """The same as mark() == view, in SQL."""
        due = UserTaskRow.due_at
        if view == OVERDUE:
            return due <= self.now
        if view == TODAY:
            return and_(due > self.now, due <= self.end_of_today)
        return and_(due > self.end_of_today, due <= self.end_of_soon)


def visible(user: Principal) -> list[ColumnElement[bool]]:
    """READY user tasks the user may act on: one of their groups (by the join of `source`), their unit (or
    none), not claimed by someone else. Administrators see every one."""
    conditions = [UserTaskRow.state == READY]
    if not user.is_admin:
        conditions += [
            or_(UserTaskRow.unit_code.is_(None), UserTaskRow.unit_code == user.unit_code),
            or_(UserTaskRow.assignee.is_(None), UserTaskRow.assignee == user.username),
        ]
    return conditions


def source(user: Principal) -> FromClause:
    """Where visible() rows come from: for anyone but an administrator, the tasks of their groups first,
    each looked up by its id. Written as `id IN (their groups' tasks)`, SQLite's plan without ANALYZE
    statistics walks every ready task of the province by state (138 ms at 50,000 ready tasks of other
    groups, against 0.5 ms this way), and the inbox runs on every page a user opens."""
    if user.is_admin:
        return UserTaskRow.__table__
    mine = (
        select(UserTaskGroup.user_task_id)
        .where(UserTaskGroup.group_name.in_(sorted(user.roles)))
        .distinct()
        .subquery("mine")
    )
    return mine.join(UserTaskRow, UserTaskRow.id == mine.c.user_task_id)


def leads(user: Principal) -> bool:
    """Whether the user may give tasks to others (service.may_reassign) and so has the UNIT tab."""
    unit_leader = "unit_leader" in user.roles and bool(user.unit_code)
    return user.is_admin or "vp_leadership" in user.roles or unit_leader


def reassignable(user: Principal) -> list[ColumnElement[bool]]:
    """READY user tasks someone else has claimed that `user` may give to another person: service.may_reassign
    in SQL (the unit leader's unit's; VP's own tasks, of VP's groups only, for VP's leadership)."""
    conditions = [
        UserTaskRow.state == READY,
        UserTaskRow.assignee.is_not(None),
        UserTaskRow.assignee != user.username,
    ]
    if user.is_admin:
        return conditions
    scopes = []
    if "unit_leader" in user.roles and user.unit_code:
        scopes.append(UserTaskRow.unit_code == user.unit_code)
    if "vp_leadership" in user.roles:
        groups = select(UserTaskGroup.user_task_id)
        scopes.append(
            and_(
                UserTaskRow.unit_code.is_(None),
                UserTaskRow.id.in_(groups.where(UserTaskGroup.group_name.in_(sorted(VP_GROUPS)))),
                UserTaskRow.id.not_in(groups.where(UserTaskGroup.group_name.not_in(sorted(VP_GROUPS)))),
            )
        )
    return [*conditions, or_(*scopes) if scopes else false()]


def view_condition(view: str, user: Principal, windows: DueWindows | None) -> ColumnElement[bool]:
    """One tab's filter."""
    if view == MINE:
        return UserTaskRow.assignee == user.username
    if view == GROUP:
        return UserTaskRow.assignee.is_(None)
    if windows is None:
        raise ValueError(f"the {view!r} view needs the due windows")
    return windows.condition(view)


def searched(words: Sequence[str], names: Mapping[str, list[str]]) -> ColumnElement[bool]:
    """Each word in the task's name or subject, or in the name of its procedure."""

    def found(word: str) -> ColumnElement[bool]:
        by_text = UserTaskRow.search_text.contains(word, autoescape=True)
        procedures = sql.processes_named(names, word)
        return or_(by_text, UserTaskRow.process_id.in_(procedures)) if procedures else by_text

    return sql.each_word(words, found)


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox page or the API asks for: a tab, a procedure, search words; all optional."""

    view: str | None = None
    process_id: str | None = None
    words: Sequence[str] = ()

    def conditions(
        self, session: Session, user: Principal, windows: DueWindows | None, *, with_view: bool = True
    ) -> list[ColumnElement[bool]]:
        found = reassignable(user) if self.view == UNIT else visible(user)
        if self.process_id:
            found.append(UserTaskRow.process_id == self.process_id)
        if self.words:
            found.append(searched(self.words, sql.process_names(session)))
        if with_view and self.view and self.view != UNIT:
            found.append(view_condition(self.view, user, windows))
        return found

    def select(self, session: Session, user: Principal, windows: DueWindows | None, *columns) -> Select:
        """SELECT `columns` of the tasks these filters find for `user`."""
        found = select(*columns)
        if self.view != UNIT:
            found = found.select_from(source(user))
        return found.where(*self.conditions(session, user, windows))


def sorts(session: Session) -> dict[str, ColumnElement]:
    """?sort= keys -> columns: the procedure by its name, the assignee by their full name."""
    return {
        "name": UserTaskRow.name,
        "subject": UserTaskRow.subject,
        "process": sql.by_process_name(UserTaskRow.process_id, sql.process_names(session)),
        "due": UserTaskRow.due_at,
        "assignee": select(User.full_name).where(User.username == UserTaskRow.assignee).scalar_subquery(),
        "created": UserTaskRow.created_at,
    }


def query(
    session: Session,
    *,
    user: Principal,
    filters: InboxFilters,
    windows: DueWindows | None = None,
    sort: Sort = DEFAULT_SORT,
) -> Select:
    """The inbox's rows, soonest deadline first unless sorted."""
    order = sort.order_by(sorts(session) if sort.key else {}, default=DEFAULT_ORDER, tiebreak=UserTaskRow.id)
    return filters.select(session, user, windows, UserTaskRow).order_by(*order)


def count(session: Session, *, user: Principal, filters: InboxFilters, windows: DueWindows | None) -> int:
    """How many rows query() selects (the pager's total)."""
    return sql.count(session, filters.select(session, user, windows, UserTaskRow.id))


def view_counts(
    session: Session, *, user: Principal, filters: InboxFilters, windows: DueWindows
) -> dict[str, int]:
    """How many tasks each tab holds ("" for all), within the procedure and search chosen: one query, and
    one more for a leader's UNIT tab."""
    mine = [v for v in VIEWS if v != UNIT]
    totals = [func.count().label("all")]
    totals += [func.sum(case((view_condition(v, user, windows), 1), else_=0)).label(v) for v in mine]
    everyday = InboxFilters(process_id=filters.process_id, words=filters.words)
    row = session.execute(everyday.select(session, user, windows, *totals)).one()
    counts = {"": row.all, **{v: getattr(row, v) or 0 for v in mine}}
    if leads(user):
        unit = InboxFilters(view=UNIT, process_id=filters.process_id, words=filters.words)
        counts[UNIT] = count(session, user=user, filters=unit, windows=windows)
    return counts


def process_counts(
    session: Session, *, user: Principal, filters: InboxFilters, windows: DueWindows
) -> dict[str, int]:
    """process_id -> how many tasks of the chosen tab and search it has (for the procedure select)."""
    unfiltered = InboxFilters(view=filters.view, words=filters.words)
    found = session.execute(
        unfiltered.select(session, user, windows, UserTaskRow.process_id, func.count()).group_by(
            UserTaskRow.process_id
        )
    )
    return dict(found.all())
