"""The assignment picker's list for the forms of the pages (static/form-assignment.js), with the rights of
the signed-in user: the page twin of GET /api/v1/assignment-choices (engine.assignments.choices)."""

from __future__ import annotations

from flask import jsonify, request

from engine.assignments import choices
from engine.web.api import reading
from engine.web.pages.common import bp, me


@bp.get("/assignment-choices")
def assignment_choices():
    """{"items": [{"id", "label", ...}], "note"}: what the user may pick for ?purpose=, matching ?q=; ?id=
    gives the label of a value already chosen."""
    args = request.args
    with reading() as session:
        return jsonify(
            choices.answer(
                session,
                user=me(),
                purpose=args.get("purpose"),
                q=args.get("q"),
                id_=args.get("id"),
            )
        )
