"""Single operations that one C call would run far past the time budget (the tracer cannot interrupt
them) are refused before they run, with the element and the limit named; ordinary arithmetic still works."""

from __future__ import annotations

import pytest

from engine.bpmn.failures import engine_error_of
from engine.bpmn.sandbox_bounds import MAX_INT_BITS, MAX_SEQUENCE
from engine.errors import ScriptPolicyError
from tests.engine.bpmn.test_scripting import failed_script, run_script

INT_LIMIT = f"giới hạn ở số nguyên {MAX_INT_BITS} bit"
SEQUENCE_LIMIT = f"giới hạn ở {MAX_SEQUENCE} phần tử hoặc ký tự"
TEXT_LIMIT = f"giới hạn ở {MAX_SEQUENCE} ký tự"

REFUSED = {
    "n = (3 ** 40000000).bit_length()": INT_LIMIT,
    "n = pow(3, 40000000)": INT_LIMIT,
    "n = 7\nn **= 10 ** 8": INT_LIMIT,
    "n = 1 << 10 ** 9": INT_LIMIT,
    "n = (1 << 90000) * (1 << 90000)": INT_LIMIT,
    "s = 'x' * 10 ** 9": SEQUENCE_LIMIT,
    "s = 10 ** 9 * 'x'": SEQUENCE_LIMIT,
    "s = [0] * 10 ** 9": SEQUENCE_LIMIT,
    "s = (0,) * 10 ** 9": SEQUENCE_LIMIT,
    "s = 'x' * 1000\nfor i in range(20):\n    s = s + s": SEQUENCE_LIMIT,
    "s = [1]\nfor i in range(30):\n    s += s": SEQUENCE_LIMIT,
    "s = 'ab'.ljust(10 ** 9)": TEXT_LIMIT,
    "s = '7'.zfill(10 ** 9)": TEXT_LIMIT,
    "s = f'{1:>1000000000}'": TEXT_LIMIT,
    "w = 10 ** 9\ns = f'{1:>{w}}'": TEXT_LIMIT,
    "s = f'{1.5:.999999999f}'": TEXT_LIMIT,
    "s = '%*d' % (10 ** 9, 1)": TEXT_LIMIT,
    "s = '%1000000000d' % 1": TEXT_LIMIT,
    "s = 'x' * 1000000\nt = s.replace('x', s)": TEXT_LIMIT,
    "s = 'x' * 1000000\nt = ''.join([s] * 1000)": TEXT_LIMIT,
    "s = 'x' * 1000000\nt = ','.join(s for i in range(10))": TEXT_LIMIT,
    "s = '\\t' * 1000000\nt = s.expandtabs(100)": TEXT_LIMIT,
    "r = list(range(10 ** 12))": "range() trong kịch bản giới hạn 100000 phần tử",
}


@pytest.mark.parametrize("source", sorted(REFUSED))
def test_a_huge_single_operation_is_refused_before_it_runs(source):
    error, _ = failed_script(source)
    own = engine_error_of(error)
    assert isinstance(own, ScriptPolicyError)
    assert REFUSED[source] in own.message
    assert own.failure is not None and own.failure.element_id == "work"  # the script task is named


ALLOWED = {
    "n = 2 ** 10 * 3 + 7 % 3": 3073,
    "n = len(str(10 ** 4000))": 4001,
    "n = (10 ** 30000).bit_length()": 99658,
    "n = pow(3, 10 ** 100, 7)": pow(3, 10**100, 7),
    "n = -2 ** 3": -8,
    "n = len('x' * MAX)": MAX_SEQUENCE,
    "n = len([0] * 1000 + [1] * 1000)": 2000,
    "n = f'{1234.5:>10.2f}|{7:03d}|' + '%5d' % 7 + 'ab'.ljust(4, '.')": "   1234.50|007|    7ab..",
    "n = 1 << 64": 1 << 64,
    "n = '-'.join(str(i) for i in range(3)) + 'abc'.replace('b', 'xyz')": "0-1-2axyzc",
}


@pytest.mark.parametrize("source", sorted(ALLOWED))
def test_ordinary_arithmetic_and_text_still_work(source):
    assert run_script(source, MAX=MAX_SEQUENCE)["n"] == ALLOWED[source]
