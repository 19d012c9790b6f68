"""The directory as a sheet names it: units, leaders, sectors, tracking rooms and specialists by code or
by name, read once per file (a few hundred rows) so that checking 50,000 rows asks the database nothing.

An open task goes to work now: its units, leader and sector must be active today, as classification
requires. A done task is history: a unit that has since ended, or a leader who has left, still names it."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.auth.models import User
from engine.directory import leaders as directory_leaders
from engine.directory.checks import inactive_message
from engine.directory.models import Leader, Sector, TrackingRoom, Unit
from engine.documents.service import room_problem, specialist_problem
from engine.sheets import fold_title

SPECIALIST_ROLE = "vp_specialist"
# Several units in one cell: one per line, or separated by ";" or "," (a unit's name may hold a comma,
# "Sở Văn hóa, Thể thao và Du lịch": pieces are joined back while they make a known name).
LIST_SEPARATORS = re.compile(r"[;\n\r]+")


class Directory:
    """Units, leaders, sectors, rooms and specialists of the database, found by code or folded name."""

    def __init__(self, session: Session, today: date) -> None:
        self.session, self.today = session, today
        self.units: dict[str, Unit] = {}
        self.unit_names: dict[str, list[Unit]] = defaultdict(list)
        for unit in session.scalars(select(Unit).order_by(Unit.code)):
            self.units[unit.code.casefold()] = unit
            self.unit_names[fold_title(unit.name)].append(unit)
        self.leaders = list(session.scalars(select(Leader).order_by(Leader.code)))
        self.has_leaders = directory_leaders.has_leaders(session)
        self.sectors = {s.code.casefold(): s for s in session.scalars(select(Sector))}
        self.sector_names = {fold_title(s.name): s for s in self.sectors.values()}
        self.rooms = {fold_title(r.name): r.name for r in session.scalars(select(TrackingRoom))}
        users = session.scalars(select(User).where(User.active.is_(True)))
        specialists = [u for u in users if SPECIALIST_ROLE in (u.roles or [])]
        self.specialists = {u.username.casefold(): u.username for u in specialists}
        self.specialist_names = {fold_title(u.full_name): u.username for u in specialists}
        self.full_names = {u.username: u.full_name for u in specialists}
        # Answers by (question, typed text, open task): a sheet names the same units on row after row.
        self._memo: dict[tuple, tuple] = {}

    # ---- units ----------------------------------------------------------------------------------------

    def unit(self, typed: str, *, open_task: bool) -> tuple[str | None, str | None]:
        """(code, None) of the unit `typed` names (its code or its name), or (None, the problem)."""
        key = ("unit", typed, open_task)
        if key not in self._memo:
            self._memo[key] = self._unit_answer(typed, open_task)
        return self._memo[key]

    def _unit_answer(self, typed: str, open_task: bool) -> tuple[str | None, str | None]:
        found = self._unit(typed)
        if isinstance(found, str):
            return None, found
        if open_task and (problem := inactive_message(found, self.today)):
            return None, problem
        return found.code, None

    def _unit(self, typed: str) -> Unit | str:
        by_code = self.units.get(typed.strip().casefold())
        if by_code is not None:
            return by_code
        named = self.unit_names.get(fold_title(typed), [])
        active = [u for u in named if inactive_message(u, self.today) is None]
        if len(active) == 1 or len(named) == 1:
            return (active or named)[0]
        if named:
            return f"có {len(named)} đơn vị tên “{typed.strip()}”: ghi mã đơn vị thay cho tên"
        return f"không có đơn vị “{typed.strip()}” trong danh mục (ghi tên hoặc mã đơn vị)"

    def unit_list(self, typed: str, *, open_task: bool) -> tuple[list[str], list[str]]:
        """(codes, problems) of the units a cell lists."""
        codes: list[str] = []
        problems: list[str] = []
        for part in LIST_SEPARATORS.split(typed):
            pieces = [p.strip() for p in part.split(",") if p.strip()]
            start = 0
            while start < len(pieces):
                # The longest run of pieces that names a unit: commas inside names stay together.
                for end in range(len(pieces), start, -1):
                    found = self._unit(", ".join(pieces[start:end]))
                    if not isinstance(found, str):
                        break
                else:
                    end = start + 1
                code, problem = self.unit(", ".join(pieces[start:end]), open_task=open_task)
                if problem:
                    problems.append(problem)
                elif code not in codes:
                    codes.append(code)
                start = end
        return codes, problems

    def unit_name(self, code: str | None) -> str:
        """A unit's name for messages, its code when unknown."""
        unit = self.units.get((code or "").casefold())
        return unit.name if unit else (code or "")

    # ---- leaders and sectors --------------------------------------------------------------------------

    def leader(self, typed: str, *, open_task: bool) -> tuple[str | None, str, str | None]:
        """(leader code, signer text, problem) for a Người ký / Lãnh đạo giao cell. Without leaders in
        the directory, the cell is only the signer's name."""
        key = ("leader", typed, open_task)
        if key not in self._memo:
            self._memo[key] = self._leader_answer(typed.strip(), open_task)
        return self._memo[key]

    def _leader_answer(self, text: str, open_task: bool) -> tuple[str | None, str, str | None]:
        found = self._leader(text)
        if found is None:
            if self.leaders:
                return None, text, f"không có lãnh đạo “{text}” trong danh mục lãnh đạo giao nhiệm vụ"
            return None, text, None
        if open_task and (problem := directory_leaders.leader_problem(self.session, found.code)):
            return None, text, problem
        signer = directory_leaders.label(found) if text.casefold() == found.code.casefold() else text
        return found.code, signer, None

    def _leader(self, text: str) -> Leader | None:
        key = fold_title(text)
        for match in (
            lambda row: row.code.casefold() == text.casefold(),
            lambda row: fold_title(directory_leaders.label(row)) == key,
            lambda row: bool(row.person_name) and fold_title(row.person_name) == key,
            lambda row: fold_title(row.title) == key,
            # "PCT Nguyễn Văn A", "Đ/c Nguyễn Văn A": the name at the end.
            lambda row: bool(row.person_name) and key.endswith(fold_title(row.person_name)),
        ):
            found = [row for row in self.leaders if match(row)]
            active = [row for row in found if row.active]
            if len(found) == 1 or len(active) == 1:
                return (active or found)[0]
        return None

    def sector(self, typed: str | None, *, open_task: bool) -> tuple[str | None, str | None]:
        """(sector code, problem) for a Lĩnh vực cell (its code or its name); an empty cell names none."""
        text = (typed or "").strip()
        if not text:
            return None, None
        found = self.sectors.get(text.casefold()) or self.sector_names.get(fold_title(text))
        if found is None:
            return None, f"không có lĩnh vực “{text}” trong danh mục"
        if open_task and (problem := directory_leaders.sector_problem(self.session, found.code)):
            return None, problem
        return found.code, None

    def sector_name(self, code: str | None) -> str:
        """A sector's name for messages, "không có" for none."""
        sector = self.sectors.get((code or "").casefold())
        return sector.name if sector else (code or "không có")

    # ---- VP's rooms and specialists -------------------------------------------------------------------

    def room(self, typed: str) -> tuple[str | None, str | None]:
        """(room name, problem) of an active tracking room of VP named (folded) by `typed`."""
        name = self.rooms.get(fold_title(typed), typed.strip())
        problem = room_problem(self.session, name)
        return (None, problem) if problem else (name, None)

    def specialist(self, typed: str) -> tuple[str | None, str | None]:
        """(username, problem) of a VP tracking specialist named by username or full name."""
        username = self.specialists.get(typed.strip().casefold()) or self.specialist_names.get(
            fold_title(typed)
        )
        if username is None:
            return None, specialist_problem(self.session, typed.strip()) or "không phải chuyên viên theo dõi"
        return username, None

    def first_room(self) -> str | None:
        """The default tracking room when neither the file nor the user names one: the first active."""
        active = sorted(name for name in self.rooms.values() if room_problem(self.session, name) is None)
        return active[0] if active else None
