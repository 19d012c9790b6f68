"""One simulation run: an empty database made ready (schema, diagrams, scheduled processes, the province's
directory), the year driven on a frozen clock, and the invariants checked."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, inspect, pool, select, table

from engine import clock, migrate
from engine.config import Settings
from engine.definitions import scheduled
from engine.definitions import service as definitions
from engine.errors import ConflictError
from engine.simulation import ad_hoc
from engine.simulation import province as province_module
from engine.simulation.behaviour import AssignmentPeople
from engine.simulation.driver import Driver, NewTask
from engine.simulation.inspections import InspectionPeople
from engine.simulation.intake import IntakePeople
from engine.simulation.invariants import Check, check_all
from engine.simulation.leadership import LeadershipPeople
from engine.simulation.ledger import Ledger
from engine.simulation.occasions import OccasionalPeople
from engine.simulation.options import Options
from engine.simulation.province import Province
from engine.simulation.scenario import Scenario, draw
from engine.system import System, build

# Rows in any of these tables mean real data: a simulation never runs on it.
REAL_DATA = ("documents", "units", "users")


@dataclass
class People:
    """Who reacts to which user task."""

    intake: IntakePeople
    assignment: AssignmentPeople
    occasional: OccasionalPeople
    leadership: LeadershipPeople
    inspections: InspectionPeople
    ad_hoc: ad_hoc.AdHocPeople
    unhandled: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._handlers = {
            **self.intake.handlers(),
            **self.assignment.handlers(),
            **self.occasional.handlers(),
            **self.leadership.handlers(),
            **self.inspections.handlers(),
            **self.ad_hoc.handlers(),
        }

    def on_task(self, task: NewTask) -> None:
        """Hand a new user task to whoever acts on it; count those nobody does."""
        handler = self._handlers.get((task.process_id, task.bpmn_id))
        if handler is None:
            key = f"{task.process_id}:{task.bpmn_id}"
            self.unhandled[key] = self.unhandled.get(key, 0) + 1
            return
        handler(task)


@dataclass
class Run:
    """A prepared (then executed) simulation and what it found."""

    settings: Settings
    options: Options
    system: System
    province: Province
    scenario: Scenario
    driver: Driver
    people: People
    start: datetime
    end: datetime
    checkpoints: list[date]
    checks: list[Check] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def ledger(self) -> Ledger:
        """What the simulated people did, by assignment."""
        return self.driver.ledger

    @property
    def failed(self) -> list[Check]:
        """The invariants that did not hold."""
        return [c for c in self.checks if not c.ok]

    def execute(self) -> list[Check]:
        """Drive the whole span, then check every invariant."""
        self.driver.run()
        self.wall_seconds = self.driver.metrics.elapsed()
        self.checks = check_all(self)
        return self.checks


@contextlib.contextmanager
def simulation(
    settings: Settings, options: Options, *, progress: Callable[[str], None] | None = None
) -> Iterator[Run]:
    """A run prepared on settings' database (which must hold no real data), under a frozen clock that is
    restored when the block ends."""
    url = settings.resolved_database_url
    refuse_real_data(url)
    migrate.upgrade(url)
    tz = ZoneInfo(settings.timezone)
    start = datetime.combine(options.start, time(0), tzinfo=tz)
    end = start + timedelta(days=options.days)
    with clock.frozen(start) as frozen:
        system = build(settings)
        try:
            yield _prepare(system, options, frozen, start, end, progress)
        finally:
            system.db.dispose()


def refuse_real_data(url: str) -> None:
    """ConflictError if the database already holds documents, units or users."""
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            present = set(inspect(connection).get_table_names())
            counts = {
                name: connection.scalar(select(func.count()).select_from(table(name)))
                for name in REAL_DATA
                if name in present
            }
    finally:
        engine.dispose()
    held = {name: n for name, n in counts.items() if n}
    if held:
        listed = ", ".join(f"{name}: {n}" for name, n in held.items())
        raise ConflictError(
            f"the database already holds data ({listed}): a simulation runs only on an empty database",
            details={"held": held},
        )


def _prepare(system: System, options: Options, frozen, start: datetime, end: datetime, progress) -> Run:
    province = province_module.generate(options.units, random.Random(f"{options.seed}:province"))
    with system.db.transaction() as session:
        definitions.deploy_directory(session=session, settings=system.settings, actor="simulation")
        province_module.populate(session=session, province=province, today=start.date(), now=clock.now())
    with system.db.transaction() as session:
        scheduled.ensure_running(session=session, engine=system.engine)
    last_day = (end - timedelta(days=1)).date()
    checkpoints = [
        date(year, month, 30 if month in (6, 9) else 31)
        for year in range(start.year, last_day.year + 1)
        for month in (3, 6, 9, 12)
        if start.date() <= date(year, month, 30 if month in (6, 9) else 31) <= last_day
    ]
    if last_day not in checkpoints:
        checkpoints.append(last_day)
    driver = Driver(
        system=system,
        options=options,
        province=province,
        start=start,
        end=end,
        clock=frozen,
        checkpoints=checkpoints,
        progress=progress,
    )
    scenario = draw(options, province, driver.time, start, end)
    rates = options.rates
    assignments = AssignmentPeople(driver, rates)
    people = People(
        IntakePeople(driver, assignments),
        assignments,
        OccasionalPeople(driver, rates),
        LeadershipPeople(driver, rates, assignments),
        InspectionPeople(driver, rates),
        ad_hoc.AdHocPeople(driver, rates),
    )
    driver.on_task = people.on_task
    for document in scenario.documents:
        register = partial(people.intake.register, document)
        driver.schedule(document.registered_at, f"register {document.number}", register)
    for event in scenario.one_offs:
        act = people.inspections.plan if event.kind == "inspection" else people.occasional.one_off
        driver.schedule(event.at, f"{event.kind} {event.key}", partial(act, event))
    for event in ad_hoc.requests(options, driver.time, start, end):
        driver.schedule(event.at, f"{event.kind} {event.key}", partial(people.ad_hoc.ask, event))
    return Run(system.settings, options, system, province, scenario, driver, people, start, end, checkpoints)
