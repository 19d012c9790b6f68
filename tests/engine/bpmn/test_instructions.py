"""User task instructions speak dd/mm/yyyy: the vn_date filter of engine/bpmn/instructions.py, checked at
deploy, and used by every date the deployed diagrams print."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from lxml import etree

from engine.bpmn.instructions import environment, vn_date
from engine.bpmn.loader import check
from tests.engine.bpmn.test_loader import fixture
from tests.processes.test_assignment import (
    DUE,
    accept,
    advise,
    classify,
    item,
    report_difficulty,
    tasks_of,
)

PROCESSES = Path(__file__).resolve().parents[3] / "processes"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"


def test_vn_date_reads_dates_datetimes_and_iso_text():
    assert vn_date(date(2025, 6, 30)) == "30/06/2025"
    assert vn_date(datetime(2025, 6, 30, 23, 59, tzinfo=UTC)) == "30/06/2025"
    assert vn_date("2025-06-30") == "30/06/2025"
    assert vn_date("2025-06-30T10:00:00+07:00") == "30/06/2025"  # the date part of an ISO date-time
    assert vn_date(None) == "" and vn_date("") == ""
    assert vn_date("không rõ") == "không rõ"  # odd data never breaks the instructions
    assert vn_date(12) == "12"


def test_the_filter_renders_in_the_sandbox():
    template = environment().from_string("đề nghị gia hạn đến ngày {{ proposed_due_date | vn_date }}")
    assert template.render(proposed_due_date="2025-06-30") == "đề nghị gia hạn đến ngày 30/06/2025"


def test_a_filter_the_runtime_lacks_is_refused_at_deploy_with_its_line():
    xml = fixture("valid.bpmn").decode()
    with_filter = xml.replace(
        "</bpmn:userTask>",
        "<bpmn:extensionElements><spiffworkflow:instructionsForEndUser>Hạn {{ due | vn_dat }}"
        "</spiffworkflow:instructionsForEndUser></bpmn:extensionElements></bpmn:userTask>",
        1,
    )
    messages = [p.message for p in check(with_filter.encode(), "x.bpmn").problems]
    assert any(m.startswith("instructionsForEndUser: lỗi mẫu Jinja") and "vn_dat" in m for m in messages)
    known = with_filter.replace("vn_dat ", "vn_date ")
    assert not [p for p in check(known.encode(), "x.bpmn").problems if "instructionsForEndUser" in p.message]


def test_every_date_the_diagrams_print_goes_through_vn_date():
    """No instructions print a date variable raw or format it by hand (ISO slicing, split/reverse)."""
    date_like = re.compile(r"{{\s*([\w.]*(?:date|_on|_due|due_\w*|_from|_to))\s*}}")
    by_hand = re.compile(r"strftime|split\(\"-\"\)|\[\d+:\d*\]|\[:\d+\]")
    for path in sorted(PROCESSES.glob("*.bpmn")):
        for element in etree.parse(str(path)).iter(f"{SPIFF}instructionsForEndUser"):
            text = element.text or ""
            assert not date_like.search(text), (path.name, element.sourceline, date_like.search(text))
            assert not by_hand.search(text), (path.name, element.sourceline, by_hand.search(text))


def test_the_chairman_reads_the_proposed_date_as_dd_mm_yyyy(system, directory, clock):
    classify(system, directory, item("Nhiệm vụ", "SO_TC", DUE))
    accept(system, directory)
    report_difficulty(system, directory, clock)  # proposes 2025-05-30
    advise(system, directory)  # VP advises before the Chairman directs (Đ9.1.b)
    [direction] = tasks_of(system, directory["ct"], "give_direction")
    assert "đề nghị gia hạn đến ngày 30/05/2025" in direction.instructions
    assert "2025-05-30" not in direction.instructions
