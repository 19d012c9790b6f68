"""The restricted script engine, on real SpiffWorkflow runs of tiny inline diagrams (no mocks but the
timer clock)."""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime
from unittest import mock
from xml.sax.saxutils import escape, quoteattr

import pytest
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions import timer as timer_mod
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.failures import engine_error_of
from engine.bpmn.sandbox import compile_checked
from engine.bpmn.scripting import (
    HELPER_NAMES,
    RestrictedEnvironment,
    ScriptEngine,
    ScriptPolicyError,
    check_source,
)
from engine.calendar import WorkCalendar
from engine.errors import BudgetExceededError

CALENDAR = WorkCalendar()
HELPERS = {
    "add_working_days": CALENDAR.add_working_days,
    "effective_due_date": CALENDAR.effective_due_date,
    "working_days_between": CALENDAR.working_days_between,
    "end_of_day": CALENDAR.end_of_day,
}


def timer_value(value):
    """What the runtime does: a date is the instant its local day ends; a datetime an aware ISO string."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return CALENDAR.end_of_day(value).isoformat()
    return value


def no_service(name, params, data):
    raise AssertionError(f"no service expected, got {name}")


def make_engine(*, step_budget=100_000, time_budget=5.0, service_handler=no_service) -> ScriptEngine:
    env = RestrictedEnvironment(HELPERS, step_budget=step_budget, time_budget=time_budget)
    return ScriptEngine(env, service_handler=service_handler, timer_value=timer_value)


def diagram(body: str, extra: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="defs" targetNamespace="http://theodoi.example/bpmn">
  {extra}
  <bpmn:process id="p" isExecutable="true">{body}</bpmn:process>
</bpmn:definitions>""".encode()


def flow(source: str, target: str, condition: str | None = None) -> str:
    inner = f"<bpmn:conditionExpression>{escape(condition)}</bpmn:conditionExpression>" if condition else ""
    attributes = f'id="{source}_{target}" sourceRef="{source}" targetRef="{target}"'
    return f"<bpmn:sequenceFlow {attributes}>{inner}</bpmn:sequenceFlow>"


def script_task(task_id: str, script: str) -> str:
    body = f"<bpmn:script>{escape(script)}</bpmn:script>"
    return f'<bpmn:scriptTask id="{task_id}" name="{task_id}">{body}</bpmn:scriptTask>'


def workflow(xml: bytes, engine: ScriptEngine, **data) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml, filename="test.bpmn")
    wf = BpmnWorkflow(parser.get_spec("p"), parser.get_subprocess_specs("p"), script_engine=engine)
    wf.task_tree.data.update(data)
    return wf


def script_process(script: str) -> bytes:
    return diagram(
        '<bpmn:startEvent id="start"/>'
        + script_task("work", script)
        + '<bpmn:endEvent id="end"/>'
        + flow("start", "work")
        + flow("work", "end")
    )


def run_script(script: str, engine: ScriptEngine | None = None, **data) -> dict:
    wf = workflow(script_process(script), engine or make_engine(), **data)
    wf.do_engine_steps()
    assert wf.is_completed()
    return wf.last_task.data


def failed_script(
    script: str, engine: ScriptEngine | None = None, **data
) -> tuple[WorkflowTaskException, dict]:
    wf = workflow(script_process(script), engine or make_engine(), **data)
    with pytest.raises(WorkflowTaskException) as caught:
        wf.do_engine_steps()
    work = wf.get_next_task(spec_name="work")
    return caught.value, work.data


# A normal script ------------------------------------------------------------------------------------

NORMAL = """\
total = amount * 2 + 1
order = {"no": invoice_no, "lines": [1, 2, 3]}
order["lines"] = order["lines"] + [4]
squares = [n * n for n in order["lines"] if n % 2 == 0]
by_no = {k: len(str(v)) for k, v in order.items()}
label = f"{invoice_no}: {total:>6.1f} VND"
count = 0
for i, n in enumerate(sorted(squares, reverse=True)):
    count += n + i
def twice(x):
    return x * 2
doubled = list(map(twice, range(3)))
due = add_working_days(date(2024, 6, 12), 3)
start = parse_date("2024-06-12T08:00:00+07:00") + timedelta(days=1)
print("debug output goes nowhere")
"""


def test_a_normal_script_computes_and_leaves_only_data():
    data = run_script(NORMAL, amount=10, invoice_no="INV-1")
    assert data["total"] == 21
    assert data["order"] == {"no": "INV-1", "lines": [1, 2, 3, 4]}
    assert data["squares"] == [4, 16]
    assert data["by_no"] == {"no": 5, "lines": 12}
    assert data["label"] == "INV-1:   21.0 VND"
    assert data["count"] == 16 + 4 + 1
    assert data["doubled"] == [0, 2, 4]
    assert data["due"] == date(2024, 6, 17)  # Thu 13, Fri 14, Mon 17
    assert data["start"] == date(2024, 6, 13)
    # no helpers, guards, builtins, functions or print collector leak into task data
    expected = {"amount", "invoice_no", "total", "order", "squares", "by_no", "label", "count", "i", "n"}
    assert set(data) == expected | {"doubled", "due", "start"}


def test_date_formatting_works_although_its_c_code_imports_a_module():
    # date.strftime, format specs and strptime import `time`/`_strptime` through the sandbox's builtins
    env = RestrictedEnvironment(HELPERS, step_budget=1_000, time_budget=5)
    due, at = date(2025, 1, 31), datetime(2025, 1, 31, 8, 30, tzinfo=UTC)
    assert (
        env.evaluate("f'ngày {due.strftime(\"%d/%m/%Y\")}, {due:%d.%m}'", {"due": due})
        == "ngày 31/01/2025, 31.01"
    )
    assert env.evaluate("at.strptime('02/05/2024', '%d/%m/%Y')", {"at": at}) == datetime(2024, 5, 2)
    assert env.evaluate("at.timetuple().tm_yday", {"at": at}) == 31


def test_task_data_that_shadows_a_helper_is_refused_with_spiffs_message():
    theirs = TaskDataEnvironment({"add_working_days": len})
    with pytest.raises(ValueError) as spiff:
        theirs.execute("x = 1", {"add_working_days": 3})
    ours = RestrictedEnvironment(HELPERS, step_budget=100, time_budget=1)
    with pytest.raises(ValueError) as caught:
        ours.execute("x = 1", {"add_working_days": 3})
    assert str(caught.value) == str(spiff.value)


def test_helper_names_list_what_scripts_can_use_and_nothing_else():
    assert {"sum", "sorted", "len", "range", "print", "date", "parse_date", "timedelta"} <= HELPER_NAMES
    assert {
        "add_working_days",
        "effective_due_date",
        "working_days_between",
        "now",
        "end_of_day",
        "today",
    } <= HELPER_NAMES
    assert not {"open", "getattr", "setattr", "type", "object", "eval", "__import__"} & HELPER_NAMES
    assert not [name for name in HELPER_NAMES if name.startswith("_")]


def test_compiled_code_is_cached_by_source_text():
    source = "amount > 1000 and approved"
    assert compile_checked(source, "eval") is compile_checked(source, "eval")
    assert compile_checked(source, "eval") is not compile_checked(source + " ", "eval")


# What the sandbox refuses ------------------------------------------------------------------------------

REFUSED = {
    "import os": "kịch bản không được import",
    "from os import path": "kịch bản không được import",
    "cwd = __import__('os').getcwd()": "không dùng được '__import__' trong kịch bản",
    "classes = ().__class__.__bases__": "không dùng được thuộc tính '__class__' trong kịch bản",
    "content = open('/etc/passwd').read()": "không dùng được 'open' trong kịch bản",
    "k = getattr(amount, '__class__')": "không dùng được 'getattr' trong kịch bản",
    "one = eval('1')": "không dùng được 'eval' trong kịch bản",
    "t = type(amount)": "không dùng được 'type' trong kịch bản",
    "g = (i for i in [1])\nf = g.gi_frame": "không dùng được thuộc tính 'gi_frame' trong kịch bản",
    "class Evil:\n    pass": "kịch bản không được định nghĩa class",
    "try:\n    x = 1\nexcept Exception:\n    x = 2": "kịch bản không được dùng try/except",
}


@pytest.mark.parametrize("source", sorted(REFUSED))
def test_check_source_finds_each_policy_violation_at_deploy_time(source):
    problems = check_source("ran = True\n" + source, mode="exec")
    assert problems, source
    assert any(REFUSED[source] in message for _, message in problems), problems
    assert {line for line, _ in problems} <= {2, 3}  # 1-based lines of the offending statement


@pytest.mark.parametrize("source", sorted(REFUSED))
def test_a_refused_script_raises_at_run_time_before_anything_runs(source):
    error, data = failed_script("ran = True\n" + source, amount=1)
    assert error.error_type == "ScriptPolicyError"
    assert REFUSED[source] in str(error)
    assert error.line_number in (2, 3)
    assert "ran" not in data  # the script was refused whole, its first line never ran


def test_check_source_reports_syntax_errors_with_their_line():
    assert check_source("x = 1\ny = = 2", mode="exec") == [(2, "syntax error: invalid syntax")]
    assert check_source("a ==", mode="eval") == [(1, "syntax error: invalid syntax")]
    assert check_source("x = 1", mode="eval") == [(1, "syntax error: invalid syntax")]
    assert check_source("return 1", mode="exec") == [(1, "syntax error: 'return' outside function")]
    assert check_source("amount > 3 and working_days_between(a, b) < 5", mode="eval") == []


def test_check_source_finds_every_problem_not_only_the_first():
    problems = check_source("import os\nx = open('f')\ny = ().__class__", mode="exec")
    assert [line for line, _ in problems] == [1, 2, 3]


# Found only at run time: each still fails with a clear ScriptPolicyError.
RUN_TIME_ONLY = {
    "s = '{}'.format(amount)": "không dùng được 'format' trong kịch bản: hãy dùng f-string",
    "bases = Exception.mro()": "không dùng được 'mro' trong kịch bản",
    "d = date(2024, 1, 1)\nd.year = 3": "kịch bản chỉ được sửa dict và list, không sửa được date",
    "big = range(10 ** 9)": "range() trong kịch bản giới hạn 100000 phần tử",
}


@pytest.mark.parametrize("source", sorted(RUN_TIME_ONLY))
def test_run_time_violations_fail_clearly(source):
    assert check_source(source, mode="exec") == []
    error, _ = failed_script(source, amount=1)
    assert error.error_type == "ScriptPolicyError"
    assert RUN_TIME_ONLY[source] in str(error)


def test_a_gateway_condition_is_sandboxed_too():
    engine = make_engine()
    with pytest.raises(WorkflowTaskException) as caught:
        engine.evaluate(gateway_task(), "__import__('os').getcwd() != ''")
    assert caught.value.error_type == "ScriptPolicyError"


# Budgets ----------------------------------------------------------------------------------------------

ENDLESS = {
    "while True: pass": 1,
    "i = 0\nwhile True:\n    i += 1": 2,
    "total = 0\nfor i in range(100000):\n    for j in range(100000):\n        total += 1": 4,
    "def spin():\n    while 1:\n        continue\nspin()": 2,
    "n = sum(1 for i in range(100000) for j in range(100000))": 1,
}


@pytest.mark.parametrize("source", sorted(ENDLESS))
def test_endless_and_deep_loops_exceed_the_step_budget_instead_of_hanging(source):
    tracer = sys.gettrace()
    started = time.perf_counter()
    error, _ = failed_script(source, make_engine(step_budget=10_000))
    assert time.perf_counter() - started < 1
    assert error.error_type == "BudgetExceededError"
    assert "exceeded its budget of 10000 steps: does it loop without end?" in str(error)
    assert sys.gettrace() is tracer  # the budget tracer is gone once the script is


def test_the_time_budget_stops_a_loop_that_has_steps_left():
    started = time.perf_counter()
    error, _ = failed_script(
        "i = 0\nwhile True:\n    i += 1", make_engine(step_budget=10**12, time_budget=0.2)
    )
    assert 0.2 <= time.perf_counter() - started < 1.5
    assert "exceeded its time budget of 0.2 s" in str(error)


def test_a_budget_error_stays_recognisable_inside_spiffs_wrapping():
    error, _ = failed_script("x = 1\nwhile x > 0:\n    x += 1", make_engine(step_budget=1_000))
    own = engine_error_of(error)
    assert isinstance(own, BudgetExceededError)
    assert error.error_type == "BudgetExceededError"
    assert error.__context__ is own  # Spiff raises its wrapper while handling ours
    assert error.line_number in (2, 3)  # the loop, found in the traceback of "<script>"
    assert own.failure is not None and (own.failure.element_id, own.failure.line) == (
        "work",
        error.line_number,
    )
    assert own.details["error_type"] == "BudgetExceededError"


def test_helpers_run_untraced():
    calls = 0

    def busy(n):
        nonlocal calls
        calls += 1
        return sum(i for i in range(n))  # thousands of Python-level lines, none counted

    env = RestrictedEnvironment({"busy": busy}, step_budget=20, time_budget=5)
    assert env.evaluate("busy(50000)", {}) == sum(range(50000))
    assert calls == 1


# Gateway, timers, service tasks ------------------------------------------------------------------------

GATEWAY = diagram(
    '<bpmn:startEvent id="start"/>'
    '<bpmn:exclusiveGateway id="gw" default="gw_small"/>'
    + script_task("big", "branch = 'big'")
    + script_task("small", "branch = 'small'")
    + '<bpmn:endEvent id="end_big"/><bpmn:endEvent id="end_small"/>'
    + flow("start", "gw")
    + flow("gw", "big", "amount > 1000 and working_days_between(issued_on, due_on) >= 3")
    + flow("gw", "small")
    + flow("big", "end_big")
    + flow("small", "end_small")
)


def gateway_task():
    wf = workflow(GATEWAY, make_engine(), amount=1, issued_on=date(2024, 6, 12), due_on=date(2024, 6, 13))
    return wf.get_next_task(spec_name="start")


@pytest.mark.parametrize(
    ("amount", "due_on", "branch"),
    [(5000, date(2024, 6, 17), "big"), (5000, date(2024, 6, 14), "small"), (10, date(2024, 6, 17), "small")],
)
def test_a_gateway_condition_with_a_helper_picks_the_branch(amount, due_on, branch):
    wf = workflow(GATEWAY, make_engine(), amount=amount, issued_on=date(2024, 6, 12), due_on=due_on)
    wf.do_engine_steps()
    assert wf.is_completed()
    assert wf.last_task.data["branch"] == branch


class FrozenDatetime(datetime):
    at = datetime(2024, 6, 12, 3, 0, tzinfo=UTC)

    @classmethod
    def now(cls, tz=None):
        return cls.at.astimezone(tz) if tz else cls.at.replace(tzinfo=None)


@pytest.fixture
def frozen():
    FrozenDatetime.at = datetime(2024, 6, 12, 3, 0, tzinfo=UTC)
    with mock.patch.object(timer_mod, "datetime", FrozenDatetime):
        yield FrozenDatetime


BOUNDARY = diagram(
    '<bpmn:startEvent id="start"/><bpmn:userTask id="review" name="Review"/><bpmn:endEvent id="done"/>'
    '<bpmn:boundaryEvent id="late" attachedToRef="review" cancelActivity="true">'
    "<bpmn:timerEventDefinition><bpmn:timeDate>add_working_days(issued_on, 3)</bpmn:timeDate>"
    "</bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    + script_task("escalate", "escalated = True")
    + '<bpmn:endEvent id="end_late"/>'
    + flow("start", "review")
    + flow("review", "done")
    + flow("late", "escalate")
    + flow("escalate", "end_late")
)


def test_a_boundary_timer_that_gives_a_date_fires_when_that_local_day_ends(frozen):
    wf = workflow(BOUNDARY, make_engine(), issued_on=date(2024, 6, 12))  # a Wednesday
    wf.do_engine_steps()
    (late,) = [t for t in wf.get_tasks(state=TaskState.WAITING) if t.task_spec.bpmn_id == "late"]
    # Mon 17 June ends at 24:00 in Hà Nội, 17:00 UTC; the date went through timer_value
    assert late.internal_data["event_value"] == "2024-06-18T00:00:00+07:00"
    frozen.at = datetime(2024, 6, 17, 16, 59, 59, tzinfo=UTC)
    wf.refresh_timers()
    wf.do_engine_steps()
    assert wf.get_next_task(spec_name="review").state == TaskState.READY
    frozen.at = datetime(2024, 6, 17, 17, 0, 1, tzinfo=UTC)
    wf.refresh_timers()
    wf.do_engine_steps()
    assert wf.is_completed()
    assert wf.last_task.data["escalated"] is True


EVENT_GATEWAY = diagram(
    '<bpmn:startEvent id="start"/><bpmn:eventBasedGateway id="wait"/>'
    '<bpmn:intermediateCatchEvent id="reply"><bpmn:messageEventDefinition messageRef="m"/>'
    "</bpmn:intermediateCatchEvent>"
    '<bpmn:intermediateCatchEvent id="deadline"><bpmn:timerEventDefinition>'
    "<bpmn:timeDate>effective_due_date(due_on)</bpmn:timeDate></bpmn:timerEventDefinition>"
    "</bpmn:intermediateCatchEvent>"
    + script_task("answered", "outcome = 'answered'")
    + script_task("overdue", "outcome = 'overdue'")
    + '<bpmn:endEvent id="end_a"/><bpmn:endEvent id="end_o"/>'
    + flow("start", "wait")
    + flow("wait", "reply")
    + flow("wait", "deadline")
    + flow("reply", "answered")
    + flow("deadline", "overdue")
    + flow("answered", "end_a")
    + flow("overdue", "end_o"),
    extra='<bpmn:message id="m" name="reply"/>',
)


def test_a_date_timer_behind_an_event_based_gateway_goes_through_the_hook(frozen):
    wf = workflow(EVENT_GATEWAY, make_engine(), due_on=date(2024, 6, 15))  # a Saturday: due Monday 17
    wf.do_engine_steps()
    gateway = wf.get_next_task(spec_name="wait")
    assert gateway.state == TaskState.WAITING
    frozen.at = datetime(2024, 6, 17, 16, 0, tzinfo=UTC)
    wf.refresh_timers()
    wf.do_engine_steps()
    assert not wf.is_completed()
    frozen.at = datetime(2024, 6, 17, 17, 0, 1, tzinfo=UTC)
    wf.refresh_timers()
    wf.do_engine_steps()
    assert wf.is_completed()
    assert wf.last_task.data["outcome"] == "overdue"


def service_process(params: dict[str, str]) -> bytes:
    parameters = "".join(
        f'<spiffworkflow:parameter id="{name}" type="str" value={quoteattr(value)}/>'
        for name, value in params.items()
    )
    return diagram(
        '<bpmn:startEvent id="start"/>'
        '<bpmn:serviceTask id="lookup" name="Look up the unit"><bpmn:extensionElements>'
        '<spiffworkflow:serviceTaskOperator id="unit_directory" resultVariable="unit">'
        f"<spiffworkflow:parameters>{parameters}</spiffworkflow:parameters>"
        "</spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"
        '<bpmn:endEvent id="end"/>' + flow("start", "lookup") + flow("lookup", "end")
    )


def test_a_service_task_calls_the_handler_with_evaluated_params_and_stores_the_result():
    calls = []

    def handler(name, params, data):
        calls.append((name, params, data))
        return {"name": "Sở Tài chính", "staff": 12, "checked_on": date(2024, 6, 1)}

    xml = service_process({"code": "unit_code.upper()", "since": "date(2024, 1, 2)"})
    wf = workflow(xml, make_engine(service_handler=handler), unit_code="so_tc")
    wf.do_engine_steps()
    assert wf.is_completed()
    ((name, params, data),) = calls
    assert name == "unit_directory"
    assert params == {"code": "SO_TC", "since": date(2024, 1, 2)}  # a non-timer value keeps its type
    assert data["unit_code"] == "so_tc"
    assert wf.last_task.data["unit"] == {"name": "Sở Tài chính", "staff": 12, "checked_on": "2024-06-01"}


def test_a_failing_service_keeps_its_error_as_the_cause():
    def handler(name, params, data):
        raise ConnectionError("directory is down")

    wf = workflow(service_process({"code": "'X'"}), make_engine(service_handler=handler))
    with pytest.raises(WorkflowTaskException) as caught:
        wf.do_engine_steps()
    assert caught.value.error_type == "ConnectionError"
    assert isinstance(caught.value.__cause__, ConnectionError)
    assert "service 'unit_directory' failed: ConnectionError: directory is down" in str(caught.value)


def test_a_refused_service_parameter_never_reaches_the_handler():
    wf = workflow(service_process({"path": "open('/etc/passwd').read()"}), make_engine())  # no_service raises
    with pytest.raises(WorkflowTaskException) as caught:
        wf.do_engine_steps()
    assert caught.value.error_type == "ScriptPolicyError"
    assert isinstance(engine_error_of(caught.value), ScriptPolicyError)
