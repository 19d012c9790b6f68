"""The demo writes its units and users through the import, the one way a directory is written."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from engine import clock as clock_module
from engine.auth import service as auth
from engine.definitions import service as definitions
from engine.demo import DEMO, DEMO_PASSWORD, directory_rows, load_demo
from engine.directory import service as directory
from engine.directory.models import Unit
from engine.history import ChangeRecord


def test_the_demo_directory_is_an_import_that_a_second_run_leaves_unchanged(system):
    with system.db.transaction() as session:
        definitions.deploy_directory(session=session, settings=system.settings, actor="test")
    assert load_demo(system)[0].startswith("demo loaded: 10 units, 14 users")
    with system.db.reading() as session:
        assert session.get(Unit, "H_SA_PA").active_to == date(2025, 6, 30)
        inserted = session.scalars(
            select(ChangeRecord.entity_id).where(
                ChangeRecord.entity == "units", ChangeRecord.action == "insert"
            )
        )
        assert len(set(inserted)) == 10  # each unit has its history, as units written by an import do
        user = auth.authenticate(session=session, username="sotc.daumoi", password=DEMO_PASSWORD)
        assert (user.roles, user.unit_code) == (["unit_staff"], "SO_TC")

    spec = json.loads(DEMO.read_text(encoding="utf-8"))
    with system.db.transaction() as session:
        again = directory.import_directory(
            session=session,
            parsed=directory_rows(spec),
            today=date(2025, 1, 24),
            now=clock_module.now(),
            actor=None,
        )
    assert not again.changed and again.summary() == (
        "đơn vị: 0 thêm mới, 0 cập nhật, 10 không đổi; người dùng: 0 thêm mới, 0 cập nhật, 14 không đổi"
    )
    assert load_demo(system) == ["demo data already loaded"]
