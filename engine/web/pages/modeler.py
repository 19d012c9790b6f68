"""Sửa quy trình: the bpmn-js editor of one stored version, with its forms beside it.

The page only hands the version's XML, forms and the engine's vocabulary (roles, operators, script
helpers) to the browser; saving posts to the upload page (pages.definition_upload), so an edited diagram
goes through exactly the validation, scenario tests and confirmation of an uploaded one."""

from __future__ import annotations

from flask import render_template, url_for
from lxml import etree

from engine import operators
from engine.auth.models import ROLES
from engine.bpmn.loader import parse_xml
from engine.definitions import service as definitions
from engine.definitions.models import ProcessDefinition
from engine.web.api import reading, system
from engine.web.pages.common import bp, full_names, require, unit_directory
from engine.web.pages.definitions import DEFINITION_EDITORS


@bp.get("/quy-trinh-nghiep-vu/<int:definition_id>/sua")
def definition_edit(definition_id: int):
    """The editor, opened on one stored version of a process."""
    require(DEFINITION_EDITORS)
    with reading() as session:
        definition = definitions.get_or_raise(session=session, definition_id=definition_id)
        deployer = full_names(session, {definition.deployed_by} if definition.deployed_by else set())
        config = {
            "definitionId": definition.id,  # names the draft kept in the browser while a save is checked
            "xml": diagram_text(definition),
            "filename": definition.filename,
            "processId": definition.process_id,
            "forms": definition.forms or {},
            "roles": ROLES,
            "operators": operator_catalogue(),
            "helpers": sorted(operators.script_helpers()),
            "units": unit_directory(session),
            "formScript": url_for("static", filename="form.js"),
            "timeZone": system().settings.timezone,  # a draft's time is shown as the pages show times
        }
        return render_template(
            "definition_edit.html",
            definition=definition,
            deployed_by=deployer.get(definition.deployed_by, definition.deployed_by),
            config=config,
        )


def diagram_text(definition: ProcessDefinition) -> str:
    """The stored diagram as text for bpmn-js, whatever encoding its file declared."""
    data = bytes(definition.bpmn_xml)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Deployed, hence parseable; bpmn-js writes it back as UTF-8.
        root, _ = parse_xml(data, definition.filename)
        return etree.tostring(root, encoding="unicode")


def operator_catalogue() -> list[dict]:
    """The registered service-task operators as the panel offers them."""
    return [
        {
            "name": spec.name,
            "title": spec.title,
            "acceptsAny": spec.accepts_any,
            "parameters": [
                {"name": p.name, "required": p.required, "default": _shown(p.default)}
                for p in spec.parameters
            ],
        }
        for spec in operators.describe()
    ]


def _shown(default: object) -> object:
    """A default the page can embed as JSON (a date, a tuple... shown as its text)."""
    return default if default is None or isinstance(default, str | int | float | bool) else repr(default)
