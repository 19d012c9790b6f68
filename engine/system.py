"""Assemble one process's engine: settings, database, runtime. Called by the app factory, the CLI and
the Celery worker; never at import."""

from __future__ import annotations

from dataclasses import dataclass

from engine import history as _history  # noqa: F401
from engine import operators
from engine.assignments import coordination as _coordination_operators  # noqa: F401
from engine.assignments import internal as _internal_operators  # noqa: F401
from engine.assignments import operators as _assignments_operators  # noqa: F401
from engine.bpmn.runtime import Runtime, install_clock
from engine.config import Settings
from engine.db import Database
from engine.definitions import service as definitions
from engine.documents import operators as _document_operators  # noqa: F401
from engine.feedback import divergence as _divergence_operators  # noqa: F401
from engine.feedback import operators as _feedback_operators  # noqa: F401
from engine.feedback import requests as _correction_request_operators  # noqa: F401
from engine.inspections import operators as _inspection_operators  # noqa: F401
from engine.inspections import routing as _inspection_routing  # noqa: F401

# The `_`-named modules are imported for their side effect: they register the operators that diagrams
# call, the change-history hook and the search-text hook.
from engine.instances import operators as _instance_operators  # noqa: F401
from engine.instances.service import Engine
from engine.notifications import operators as _notification_operators  # noqa: F401
from engine.reminders import operators as _reminder_operators  # noqa: F401
from engine.reports import ad_hoc as _ad_hoc_report_operators  # noqa: F401
from engine.reports import approval as _report_approval_operators  # noqa: F401
from engine.reports import periodic as _reporting_operators  # noqa: F401
from engine.reports import regulation_report as _regulation_report_operators  # noqa: F401
from engine.search import upkeep as _search_upkeep  # noqa: F401


@dataclass(frozen=True)
class System:
    settings: Settings
    db: Database
    engine: Engine


def build(settings: Settings) -> System:
    """Create the database handle and the runtime for `settings`."""
    db = Database(settings.resolved_database_url, lock_wait=settings.lock_wait_seconds)

    def load_definition(definition_id: int):
        # Inside a step, read with the step's own session: it sees what the step's transaction sees.
        ctx = operators.current_or_none()
        if ctx is not None:
            return definitions.files_for(session=ctx.session, definition_id=definition_id)
        with db.reading() as session:
            return definitions.files_for(session=session, definition_id=definition_id)

    install_clock(operators.step_now)
    runtime = make_runtime(settings, load_definition=load_definition, service_handler=operators.call)
    return System(settings, db, Engine(settings, runtime))


def make_runtime(settings: Settings, *, load_definition, service_handler) -> Runtime:
    """The runtime with the operators' helpers and `settings`' budgets, diagrams and service calls from
    the given functions (the database's and the operators' in build(); in memory in the step benchmark)."""
    return Runtime(
        load_definition=load_definition,
        helpers=operators.script_helpers(),
        service_handler=service_handler,
        timer_value=operators.timer_value,
        step_budget=settings.script_step_budget,
        time_budget=settings.script_time_budget,
        engine_step_budget=settings.engine_step_budget,
        roundtrip_every_step=settings.verify_persistence,
    )
