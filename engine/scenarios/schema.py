"""The JSON Schema of a scenario file (processes/tests/<process_id>.yaml). Times are local
(Asia/Ho_Chi_Minh): "2025-01-24 09:00"; a date alone in an expectation is that day's deadline, 24:00."""

from __future__ import annotations

DATE = r"^\d{4}-\d{2}-\d{2}$"
DATE_TIME = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$"
DATE_OR_TIME = r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$"
NAME = {"type": "string", "minLength": 1}


def _strict(properties: dict, required: tuple[str, ...] = ()) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def _rows(**fields: dict) -> dict:
    """A list of expected rows: each names the columns it checks, in the order the rows were written."""
    return {"type": "array", "items": {**_strict(fields), "minProperties": 1}}


TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
MOMENT = {"type": ["string", "null"], "pattern": DATE_OR_TIME}
DAY = {"type": ["string", "null"], "pattern": DATE}

USER_TASK = _strict(
    {
        "task": NAME,  # bpmn id or name
        "groups": {"type": "array", "items": NAME},
        "unit": NULLABLE_TEXT,
        "assignee": NULLABLE_TEXT,
        "due": MOMENT,
        "subject": NULLABLE_TEXT,
        "instructions_contain": TEXT,
    },
    required=("task",),
)

EXPECT = {
    **_strict(
        {
            "process": NAME,  # whose user tasks, status, variables and timers (default: the file's process)
            "user_tasks": {"type": "array", "items": USER_TASK},
            "status": {"enum": ["running", "completed", "error", "cancelled"]},
            "end": NAME,  # the end event reached
            "variables": {"type": "object"},
            "timers": {"type": "object", "additionalProperties": MOMENT},
            "assignments": _rows(
                seq={"type": "integer"},
                content=TEXT,
                lead_unit=TEXT,
                stage=TEXT,
                progress=TEXT,
                has_deadline={"type": "boolean"},
                due_date=DAY,
                effective_due_date=DAY,
                completed_on=DAY,
            ),
            "notifications": _rows(unit=NULLABLE_TEXT, group=NULLABLE_TEXT, kind=TEXT, contains=TEXT),
            "urgings": _rows(kind=TEXT, unit=TEXT, number=NULLABLE_TEXT, contains=TEXT),
        }
    ),
    "minProperties": 1,
}

START = _strict({"as": NAME, "process": NAME, "data": {"type": "object"}}, required=("as",))
STEP = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "additionalProperties": False,
    "properties": {
        "register_document": _strict({"as": NAME, "data": {"type": "object"}}, required=("as", "data")),
        "start": START,
        "start_scheduled": {"const": True},
        # The unit leader gives the unit's part of an assignment to an official (the unit's page does).
        "give_internal_task": _strict(
            {"as": NAME, "assignment_id": {"type": "integer"}, "data": {"type": "object"}},
            required=("as", "assignment_id", "data"),
        ),
        "complete": _strict(
            {"task": NAME, "as": NAME, "unit": NAME, "data": {"type": "object"}}, required=("task", "as")
        ),
        "advance": {
            **_strict(
                {
                    "to": {"type": "string", "pattern": DATE_TIME},
                    "after": {"type": "string", "pattern": DATE},
                    "working_days": {"type": "integer", "minimum": 1},
                    "days": {"type": "integer", "minimum": 1},
                    "hours": {"type": "integer", "minimum": 1},
                }
            ),
            "minProperties": 1,
            "maxProperties": 1,
        },
        "deliver": {
            "type": "object",
            "properties": {"message": NAME, "signal": NAME, "payload": {}, "process": NAME},
            "additionalProperties": False,
            "oneOf": [{"required": ["message"]}, {"required": ["signal"]}],
        },
        "expect": EXPECT,
    },
}

DIRECTORY = _strict(
    {
        "units": {
            "type": "array",
            "items": _strict(
                {"code": NAME, "name": NAME, "unit_type": NAME, "active_to": DAY},
                required=("code", "name", "unit_type"),
            ),
        },
        "users": {
            "type": "array",
            "items": _strict(
                {
                    "username": NAME,
                    "full_name": NAME,
                    "roles": {"type": "array", "items": NAME, "minItems": 1},
                    "unit": NULLABLE_TEXT,
                },
                required=("username", "full_name", "roles"),
            ),
        },
    },
    required=("units", "users"),
)

SCENARIO_FILE = _strict(
    {
        "process": NAME,
        "directory": DIRECTORY,
        "scenarios": {
            "type": "array",
            "minItems": 1,
            "items": _strict(
                {
                    "name": NAME,
                    "clock": {"type": "string", "pattern": DATE_TIME},
                    "steps": {"type": "array", "minItems": 1, "items": STEP},
                },
                required=("name", "steps"),
            ),
        },
    },
    required=("process", "scenarios"),
)
