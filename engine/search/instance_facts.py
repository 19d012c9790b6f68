"""What finds a process instance: its procedure's name, its id ("#12" or "12"), its business key, and the
business rows it works on (the document of an intake; the assignment of an assignment process, of a data
correction, of a local feedback) through their search_text: instances keep no search text of their own."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import ColumnElement, false, func, or_, select

from engine.assignments.models import Assignment
from engine.documents.models import Document
from engine.feedback.models import DataCorrection, LocalFeedback
from engine.instances.models import ProcessInstance
from engine.search import sql

# Ids are INTEGER columns (32 bits on PostgreSQL): a longer number names no instance.
MAX_ID = 2**31 - 1


def matching(words: Sequence[str], names: Mapping[str, list[str]]) -> ColumnElement[bool]:
    """Every word found in one of the instance's facts."""
    return sql.each_word(words, lambda word: _found(word, names))


def _found(word: str, names: Mapping[str, list[str]]) -> ColumnElement[bool]:
    in_assignment = Assignment.search_text.contains(word, autoescape=True)
    conditions = [
        func.lower(ProcessInstance.business_key).contains(word, autoescape=True),
        ProcessInstance.id.in_(
            select(Document.intake_instance_id).where(Document.search_text.contains(word, autoescape=True))
        ),
        ProcessInstance.id.in_(select(Assignment.instance_id).where(in_assignment)),
    ]
    for started_about in (DataCorrection, LocalFeedback):  # processes about an assignment
        conditions.append(
            ProcessInstance.id.in_(
                select(started_about.instance_id)
                .join(Assignment, Assignment.id == started_about.assignment_id)
                .where(in_assignment)
            )
        )
    if procedures := sql.processes_named(names, word):
        conditions.append(ProcessInstance.process_id.in_(procedures))
    number = word.removeprefix("#")
    if number.isascii() and number.isdigit() and int(number) <= MAX_ID:
        conditions.append(ProcessInstance.id == int(number))
    return or_(false(), *conditions)
