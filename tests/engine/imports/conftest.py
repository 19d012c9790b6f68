"""Fixtures of the import tests: an import run as the command line runs it (the service, one user), and
the rows of the tracking tables, to say that nothing was written, or nothing changed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.assignments.models import Assignment, AssignmentUnit, StatusUpdate
from engine.documents.models import Document
from engine.imports import service
from engine.imports.report import Report

TABLES = (Document, Assignment, AssignmentUnit, StatusUpdate)


@pytest.fixture
def run_import(system, directory):
    """run_import(path, actor="cv", **options) -> the report of importing the file at `path`."""

    def run(path: Path, actor: str | None = "cv", **options) -> Report:
        return service.run(
            system=system, path=path, file_name=path.name, options=service.Options(**options), actor=actor
        )

    return run


@pytest.fixture
def tables(system):
    """tables() -> {table: (rows, SHA-256 of their content)} of the tracking tables the import writes."""

    def snapshot() -> dict[str, tuple[int, str]]:
        found = {}
        with system.db.reading() as session:
            for model in TABLES:
                columns = [c for c in model.__table__.columns if c.key != "search_text"]
                rows = session.execute(select(*columns).order_by(*model.__table__.primary_key.columns)).all()
                digest = hashlib.sha256(json.dumps([list(r) for r in rows], default=str).encode()).hexdigest()
                found[model.__tablename__] = (len(rows), digest)
        return found

    return snapshot
