"""Diagram versions for the incident and instance-operation tests: intake with a fault, intake fixed."""

from __future__ import annotations

from pathlib import Path

from engine.definitions import service as definitions
from engine.definitions.models import ProcessDefinition

INTAKE = Path(__file__).resolve().parents[3] / "processes" / "intake.bpmn"
GOOD_LINE = "t1_due = add_working_days(issued_on, t1_days)"
# A KeyError in the T1 script: the document has no "received_on".
FAULTY_LINE = 't1_due = add_working_days(document["received_on"], t1_days)'


def intake_xml(
    *, faulty: bool = False, classify_name: str | None = None, classify_id: str | None = None
) -> bytes:
    """intake.bpmn as shipped, or with the T1 script broken, or with the classify user task renamed
    (`classify_name`) or given another id (`classify_id`: the old element is gone)."""
    text = INTAKE.read_text(encoding="utf-8")
    assert GOOD_LINE in text
    if faulty:
        text = text.replace(GOOD_LINE, FAULTY_LINE)
    if classify_name:
        text = text.replace('name="Phân loại nhiệm vụ, chuyển theo dõi"', f'name="{classify_name}"')
    if classify_id:
        for pattern in ('="classify"', ">classify<", '="classify_di"'):
            text = text.replace(pattern, pattern.replace("classify", classify_id))
    return text.encode("utf-8")


def deploy_intake(system, xml: bytes) -> ProcessDefinition:
    """Deploy `xml` as the newest intake version; returns its definition row."""
    with system.db.transaction() as session:
        definitions.deploy(
            session=session, settings=system.settings, data=xml, filename="intake.bpmn", actor="analyst"
        )
        return definitions.latest_or_raise(session=session, process_id="intake")
