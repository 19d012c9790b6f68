"""The demo `make run` loads: a directory of units and users, and four months of a province's work
replayed through the real services and processes (engine.demo.story on engine.demo.replay), so that a
newcomer finds every list, the dashboard, the notifications and the history already lived in."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

from sqlalchemy import select

from engine import clock
from engine.auth.models import User
from engine.definitions import scheduled
from engine.demo.days import Days
from engine.demo.replay import Replay
from engine.demo.story import Story
from engine.directory import leaders
from engine.directory import service as directory
from engine.directory.rows import Parsed, Source, UnitRow, UserRow
from engine.system import System
from engine.workdays import service as workdays

DEMO = Path(__file__).resolve().parent / "demo.json"
DEMO_PASSWORD = "theodoi-demo"


def load_demo(system: System) -> list[str]:
    """Load the demo once (nothing happens when its users already exist): the directory, then some four
    months of the province's work replayed up to now through the services and the processes, on a
    clock that walks through those months and is given back at the end. Returns lines to print."""
    spec = json.loads(DEMO.read_text(encoding="utf-8"))
    now = clock.now()
    with system.db.reading() as session:
        calendar = workdays.calendar(session=session, settings=system.settings)
    days = Days(calendar, calendar.local_date(now))
    began = time.perf_counter()
    with clock.frozen(days.at(spec["starts"], "07:00")) as frozen:
        with system.db.transaction() as session:  # checked in the writing transaction: loads once
            first_user = select(User.id).where(User.username == spec["users"][0]["username"])
            if session.scalar(first_user) is not None:
                return ["demo data already loaded"]
            directory.import_directory(
                session=session,
                parsed=directory_rows(spec),
                today=days.day(spec["starts"]),
                now=clock.now(),
                actor=None,
                new_password=lambda: DEMO_PASSWORD,
            )
            load_leaders(session, spec)
            # The system went live then: its scheduled processes (periodic reports) started with it.
            scheduled.ensure_running(session=session, engine=system.engine)
        story = Story(system=system, spec=spec, days=days)
        replay = Replay(system=system, clock=frozen, days=days, end=now, on_task=story.on_task)
        story.plan(replay)
        replay.run()
    counts = {name: len(spec[name]) for name in ("units", "users", "documents")}
    lines = ["demo loaded: " + ", ".join(f"{n} {name}" for name, n in counts.items())]
    lines.append(
        f"  {len(story.assignments)} assignments, the work of {days.day(spec['starts']):%d/%m/%Y} to "
        f"{days.today:%d/%m/%Y} replayed in {time.perf_counter() - began:.1f} s"
    )
    lines += [f"  {u['username']:<14} {', '.join(u['roles']):<20} {u['full_name']}" for u in spec["users"]]
    lines.append(f"  password of every demo user: {DEMO_PASSWORD}")
    return lines


def directory_rows(spec: dict) -> Parsed:
    """The demo's units and users as the rows of an import, written the one way every directory is."""
    units = [
        UnitRow(
            where=Source(DEMO.name, "units", n),
            code=u["code"],
            name=u["name"],
            unit_type=u["unit_type"],
            active_to=date.fromisoformat(u["active_to"]) if u.get("active_to") else None,
        )
        for n, u in enumerate(spec["units"], start=1)
    ]
    users = [
        UserRow(
            where=Source(DEMO.name, "users", n),
            username=u["username"],
            full_name=u["full_name"],
            roles=tuple(u["roles"]),
            unit_code=u["unit"],
        )
        for n, u in enumerate(spec["users"], start=1)
    ]
    return Parsed(units=units, users=users)


def load_leaders(session, spec: dict) -> None:
    """The demo's lĩnh vực and the leaders who give tasks (the collective, the Chairman, his deputies)."""
    for sector in spec["sectors"]:
        leaders.create_sector(session=session, code=sector["code"], name=sector["name"], actor=None)
    for leader in spec["leaders"]:
        leaders.create_leader(session=session, values=leader, actor=None)
