"""Demo directory of units, users and documents, so a newcomer sees real work at once."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine import clock
from engine.auth import service as auth
from engine.auth.models import User
from engine.directory import service as directory
from engine.directory.rows import Parsed, Source, UnitRow, UserRow
from engine.system import System
from engine.tracking import service as tracking
from engine.usertasks import service as usertasks

DEMO = Path(__file__).resolve().parent / "demo.json"
DEMO_PASSWORD = "theodoi-demo"


def load_demo(system: System) -> list[str]:
    """Load the demo once (nothing happens when its users already exist); returns lines to print."""
    spec = json.loads(DEMO.read_text(encoding="utf-8"))
    with system.db.transaction() as session:
        if session.scalar(select(User.id).where(User.username == spec["users"][0]["username"])) is not None:
            return ["demo data already loaded"]
        now = clock.now()
        today = now.astimezone(ZoneInfo(system.settings.timezone)).date()
        directory.import_directory(
            session=session,
            parsed=directory_rows(spec),
            today=today,
            now=now,
            actor=None,
            new_password=lambda: DEMO_PASSWORD,
        )
        for d in spec["documents"]:
            issued = today - timedelta(days=d["issued_days_ago"])
            document = tracking.register_document(
                session=session,
                engine=system.engine,
                payload={
                    "number": d["number"],
                    "doc_type": d["doc_type"],
                    "title": d["title"],
                    "issued_on": issued.isoformat(),
                    "signer": d["signer"],
                    "urgency": d["urgency"],
                    "tasks": [
                        {
                            "content": t["content"],
                            "lead_unit": t["lead_unit"],
                            "coordinating_units": t["coordinating_units"],
                            "due_date": (issued + timedelta(days=t["due_days"])).isoformat()
                            if t["due_days"]
                            else None,
                        }
                        for t in d["tasks"]
                    ],
                },
                actor="cv.theodoi",
            )
            if d.get("classified_by"):
                _classify(session, system, document, d["classified_by"])
    counts = {name: len(spec[name]) for name in ("units", "users", "documents")}
    lines = ["demo loaded: " + ", ".join(f"{n} {name}" for name, n in counts.items())]
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


def _classify(session, system: System, document, username: str) -> None:
    """Classify a demo document as drafted, so its assignment processes are running from the start."""
    tasks_of_intake = usertasks.of_instance(session=session, instance_id=document.intake_instance_id)
    [task] = [t for t in tasks_of_intake if t.bpmn_id == "classify"]
    user = auth.principal(session.scalar(select(User).where(User.username == username)))
    tasks = [
        {
            "content": t["content"],
            "lead_unit": t["lead_unit"],
            "coordinating_units": t["coordinating_units"],
            "has_deadline": t["due_date"] is not None,
            "due_date": t["due_date"],
            "deadline_kind": "completion" if t["due_date"] else None,
            "must_report": True,
        }
        for t in document.draft_tasks
    ]
    data = {"tracking_room": "Phòng Tổng hợp", "tracking_specialist": username, "tasks": tasks}
    usertasks.complete(session=session, engine=system.engine, task_id=task.id, data=data, user=user)
