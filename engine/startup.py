"""What `theodoi serve` and `theodoi deploy` do before anything else: deploy processes/ and start the
processes that run by themselves; both must succeed on any date, on an empty or a populated database."""

from __future__ import annotations

from engine.definitions import scheduled
from engine.definitions import service as definitions
from engine.system import System


def prepare(system: System, *, demo: bool = False) -> list[str]:
    """Deploy processes/ (when configured), load the demo data once with `demo`, and start the scheduled
    processes that have no live instance. Lines to print. Raises InvalidDiagramError, storing nothing,
    when processes/ holds a diagram that cannot run."""
    lines = []
    if system.settings.deploy_on_start:
        with system.db.transaction() as session:
            deployed = definitions.deploy_directory(session=session, settings=system.settings, actor="system")
        lines += [
            f"deployed {r.definition.process_id} v{r.definition.version} ({r.definition.filename})"
            for r in deployed
            if r.created
        ]
    if demo:
        from engine.demo import load_demo  # the demo imports much of the engine; only serve --demo needs it

        lines += load_demo(system)
    # After the demo's units exist, so that a period opening today already counts them.
    with system.db.transaction() as session:
        started = scheduled.ensure_running(session=session, engine=system.engine)
    lines += [f"started scheduled instance {instance_id}" for instance_id in started]
    return lines
