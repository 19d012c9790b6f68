"""`theodoi simulate` behind the CLI: the settings of a run, the run, its printed report, its exit code."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.exc import OperationalError

from engine.config import Settings, load_settings
from engine.errors import ConflictError
from engine.simulation.options import Options
from engine.simulation.report import render
from engine.simulation.runner import simulation

PASSED, FAILED, REFUSED = 0, 1, 2


def settings_for(database_url: str | None) -> Settings:
    """The configured settings on `database_url`, or on a fresh SQLite file in a temporary directory
    (kept after the run, so that its data can be looked at)."""
    if database_url:
        return load_settings(database_url=database_url)
    directory = Path(tempfile.mkdtemp(prefix="theodoi-sim-"))
    return load_settings(data_dir=directory, database_url=f"sqlite:///{directory / 'simulation.db'}")


def run_and_report(
    settings: Settings, options: Options, *, echo: Callable[[str], None], progress: bool = True
) -> int:
    """Run, print the report, and return the exit code: 0 every invariant holds, 1 one failed, 2 the
    database was refused or could not be opened."""
    try:
        with simulation(settings, options, progress=echo if progress else None) as run:
            run.execute()
            for line in render(run):
                echo(line)
            return FAILED if run.failed else PASSED
    except ConflictError as exc:
        echo(f"lỗi: {exc.message}")
        return REFUSED
    except OperationalError as exc:  # no such database, or nobody answering at that address
        echo(f"lỗi: cannot open the database: {exc.orig or exc}")
        return REFUSED
