"""Hướng dẫn sử dụng (Đ24.1: VP guides units in using the tracking system): what each role does where, and
the regulation's deadlines as this installation counts them; the reader's own roles come first."""

from __future__ import annotations

from flask import render_template

from engine.reports.readings import READING_LABELS
from engine.web.api import system
from engine.web.pages.common import bp, me

# The guide's sections, each for the roles that read it first; the rest follow in this order.
SECTIONS = (
    ("vp", {"vp_specialist"}),
    ("vp_leadership", {"vp_leadership", "vp_chief"}),
    ("province", {"province_leadership", "chairman"}),
    ("unit", {"unit_staff", "unit_leader"}),
    ("oversight", {"monitor", "analyst", "admin"}),
)


@bp.get("/huong-dan")
def guide():
    """The user guide, the reader's own sections first."""
    roles = me().roles
    order = sorted(SECTIONS, key=lambda section: not roles.intersection(section[1]))
    return render_template(
        "guide.html",
        sections=[name for name, _ in order],
        mine={name for name, readers in SECTIONS if roles.intersection(readers)},
        t6=READING_LABELS[system().settings.report_deadline],
    )
