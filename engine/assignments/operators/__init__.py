"""Operators of the `assignment` diagram (P2 review, P3 updates, P5 urging, P7 difficulties).

Importing the package registers them all. Most return the assignment as the diagram sees it
(`common.view`), read back from the tables, so the diagram never decides on a stale copy."""

from engine.assignments import escalations
from engine.assignments.operators import advice, deadlines, review, updates

__all__ = ["advice", "deadlines", "escalations", "review", "updates"]
