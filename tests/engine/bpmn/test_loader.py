"""The hardened loader on real files: the MIWG reference corpus and one fixture per way a diagram breaks."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from engine.bpmn.lint import iso_timer_problem
from engine.bpmn.loader import Diagram, build_specs, check, describe_files, load_diagram
from engine.errors import DiagramTooLargeError, InvalidDiagramError

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path("/work/shared/corpus/miwg-reference")


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def refused(name: str, **options) -> InvalidDiagramError:
    with pytest.raises(InvalidDiagramError) as caught:
        load_diagram(fixture(name), name, **options)
    assert all(p.file == name for p in caught.value.problems)
    return caught.value


# What each MIWG reference model gets, and why. The models are for exchanging diagrams between modellers,
# so most say isExecutable="false" (or nothing); those that claim to be executable were written for other
# engines: their conditions are JUEL, XPath or FEEL, their timers unquoted ISO text (Camunda style), and
# they call processes kept in other files, and their tasks are implemented by Java delegates, external
# workers or DMN tables. Camunda diagrams are adapted first (engine/bpmn/camunda.py): their unquoted ISO
# timers and the `${...}` / `= ...` expressions that become Python (true, &&, ! ...) run as they are.
# Each entry: verdict, elements with problems, why.
MIWG = {
    "A.1.0.bpmn": ("not_executable", 1, "ISO-8859-1 encoded; one descriptive process"),
    "A.2.0.bpmn": ("not_executable", 1, "isExecutable=false"),
    "A.2.1.bpmn": ("not_executable", 1, "isExecutable=false (Bonita, model: prefix)"),
    "A.3.0.bpmn": ("not_executable", 1, "isExecutable=false"),
    "A.4.0.bpmn": ("not_executable", 2, "two pools, both isExecutable=false"),
    "A.4.1.bpmn": ("not_executable", 2, "two pools, both isExecutable=false"),
    "B.1.0.bpmn": ("not_executable", 4, "four pools, none executable"),
    "B.2.0.bpmn": ("not_executable", 4, "the largest model (139 kB); four pools, none executable"),
    "C.1.0.bpmn": ("invalid", 1, "Camunda 7: its JUEL conditions convert (${!approved}); a Java delegate"),
    "C.1.1.bpmn": (
        "invalid",
        6,
        "imports xsdTypes.xsd (never loaded, XSD-valid anyway); XPath conditions,"
        " a Java delegate, a data store SpiffWorkflow cannot implement",
    ),
    "C.2.0.bpmn": ("not_executable", 4, "four pools, none executable"),
    "C.3.0.bpmn": (
        "invalid",
        4,
        "XPath condition 'Service Level == ...'; unquoted timer PT2H; SpiffWorkflow:"
        " an empty sub-process, a flow without condition",
    ),
    "C.4.0.bpmn": ("not_executable", 4, "no isExecutable attribute at all"),
    "C.5.0.bpmn": ("not_executable", 2, "no isExecutable attribute at all"),
    "C.6.0.bpmn": ("not_executable", 1, "no isExecutable attribute at all"),
    "C.7.0.bpmn": ("not_executable", 1, "no isExecutable attribute at all"),
    "C.8.0.bpmn": ("not_executable", 1, "isExecutable=false; vendor ids in extensions are not BPMN ids"),
    "C.8.1.bpmn": ("invalid", 12, "FEEL conditions (DMN results); 8 Zeebe job workers; a data input"),
    "C.9.0.bpmn": (
        "invalid",
        14,
        "Camunda 8: 2 FEEL-only conditions ('some … satisfies'); calls ManualCheck;"
        " 10 Zeebe job workers, a DMN decision",
    ),
    "C.9.1.bpmn": (
        "invalid",
        2,
        "Camunda 7 external tasks (its unquoted timers R6/P1D and P7D are read as ISO)",
    ),
    "C.9.2.bpmn": ("invalid", 2, "Camunda 8: calls requestDocument_en, defined in C.9.1; a Zeebe job worker"),
}
# Every problem of an invalid MIWG model is one of these explanations.
MIWG_REASONS = (
    "theodoi chỉ chạy Python",
    "biểu thức hẹn giờ là Python",
    "không có trong tệp và chưa được triển khai",
    "SpiffWorkflow không đọc được sơ đồ: ",
    "gọi mã Java, theodoi không chạy được: hãy dùng spiffworkflow:serviceTaskOperator",
    "job worker của Zeebe mà theodoi không có: hãy dùng spiffworkflow:serviceTaskOperator",
    "theodoi không chạy DMN: hãy viết quyết định thành một scriptTask",
    "cần một worker bên ngoài mà theodoi không có: hãy dùng spiffworkflow:serviceTaskOperator",
)


def test_the_corpus_table_covers_every_model():
    assert sorted(p.name for p in CORPUS.glob("*.bpmn")) == sorted(MIWG)


@pytest.mark.parametrize("name", sorted(MIWG))
def test_miwg_reference_models_get_an_explained_verdict(name):
    status, elements, _why = MIWG[name]
    verdict = check((CORPUS / name).read_bytes(), name)
    assert verdict.status == status, [str(p) for p in verdict.problems]
    assert len({p.element_id for p in verdict.problems}) == elements
    assert all(p.line for p in verdict.problems)
    if status == "not_executable":
        assert all("không chạy được (isExecutable không phải true)" in p.message for p in verdict.problems)
    else:
        assert all(any(r in p.message for r in MIWG_REASONS) for p in verdict.problems), verdict.problems
        assert not any(p.message.startswith("Lỗi lược đồ XSD") for p in verdict.problems)


def test_latin1_model_is_read_in_its_declared_encoding():
    error = refused_corpus("A.1.0.bpmn")
    assert error.not_executable
    assert error.problems[0].element_id == "WFP-6-"


def refused_corpus(name: str) -> InvalidDiagramError:
    with pytest.raises(InvalidDiagramError) as caught:
        load_diagram((CORPUS / name).read_bytes(), name)
    return caught.value


def test_valid_diagram_loads():
    diagram = load_diagram(fixture("valid.bpmn"), "valid.bpmn")
    assert diagram == Diagram(
        filename="valid.bpmn",
        xml=fixture("valid.bpmn"),
        process_ids=["intake"],
        called_processes=set(),
        names={"intake": "Tiếp nhận văn bản chỉ đạo"},
    )


def test_utf16_with_bom_loads():
    data = fixture("valid_utf16.bpmn")
    assert data.startswith(b"\xff\xfe")
    diagram = load_diagram(data, "valid_utf16.bpmn")
    assert diagram.process_ids == ["intake"]
    assert diagram.names["intake"] == "Tiếp nhận văn bản chỉ đạo"
    assert diagram.xml == data


def test_call_to_a_deployed_process_is_allowed_and_listed():
    diagram = load_diagram(fixture("call_known.bpmn"), "call_known.bpmn", known_processes={"assignment"})
    assert diagram.process_ids == ["dispatch"]
    assert diagram.called_processes == {"assignment"}


# fixture -> (element id, line, a words of the message); each is the only problem of its file.
ONE_PROBLEM = {
    "doctype_billion_laughs.bpmn": ("-", 2, "DOCTYPE"),
    "doctype_external_entity.bpmn": ("-", 2, "DOCTYPE"),
    "xinclude.bpmn": ("demo", 14, "XInclude"),
    "wrong_namespace.bpmn": (
        "Definitions_1",
        2,
        "không phải tệp BPMN 2.0: phần tử gốc là {http://schema.omg",
    ),
    "no_process.bpmn": ("Definitions_1", 2, "tệp không định nghĩa bpmn:process nào"),
    "malformed.bpmn": ("-", 15, "XML sai cú pháp: "),
    "duplicate_ids.bpmn": ("work", 14, "id 'work' được dùng cho 2 phần tử (dòng 8, 14)"),
    "flow_to_missing.bpmn": ("to_nowhere", 14, "targetRef 'nowhere' không trỏ tới phần tử nào"),
    "unknown_element.bpmn": (
        "foo",
        14,
        "Lỗi lược đồ XSD: Element 'bpmn:fooTask': This element is not expected",
    ),
    "no_start_event.bpmn": ("demo", 3, "SpiffWorkflow không đọc được sơ đồ: No start event found"),
    "call_unknown.bpmn": (
        "call",
        8,
        "callActivity gọi quy trình 'assignment', quy trình này không có trong tệp và chưa được triển khai",
    ),
    "timer_bad_duration.bpmn": ("wait", 10, 'timeDuration "P1Q" không phải một khoảng thời gian ISO 8601'),
    "timer_unquoted.bpmn": ("wait", 10, 'biểu thức hẹn giờ là Python: hãy viết "PT2H" trong dấu nháy'),
    "deep.bpmn": ("-", 10, "lồng nhau sâu quá 256 cấp"),
    "not_executable.bpmn": ("demo", 3, "quy trình demo không chạy được (isExecutable không phải true)"),
}


@pytest.mark.parametrize("name", sorted(ONE_PROBLEM))
def test_broken_fixture_is_refused_with_one_located_problem(name):
    element_id, line, words = ONE_PROBLEM[name]
    error = refused(name)
    assert [(p.element_id, p.line) for p in error.problems] == [(element_id, line)], error.problems
    assert words in error.problems[0].message
    assert error.not_executable is (name == "not_executable.bpmn")


# Scripts and conditions: the sandbox policy of engine.bpmn.scripting; the problem sits on the line of the
# offending statement in the .bpmn file (the script text starts on line 11).
SCRIPT_PROBLEMS = {
    "script_import_os.bpmn": ("work", 12, "script:"),
    "script_open.bpmn": ("work", 11, "script:"),
    "script_dunder_import.bpmn": ("work", 13, "script:"),
    "script_class_escape.bpmn": ("work", 11, "script:"),
    "condition_syntax.bpmn": ("checked", 13, "điều kiện:"),
}


@pytest.mark.parametrize("name", sorted(SCRIPT_PROBLEMS))
def test_unsafe_or_broken_scripts_are_refused_at_their_line(name):
    element_id, line, label = SCRIPT_PROBLEMS[name]
    error = refused(name)
    assert {(p.element_id, p.line) for p in error.problems} == {(element_id, line)}, error.problems
    assert all(p.message.startswith(label) for p in error.problems)


def test_doctype_entities_are_never_expanded_nor_loaded():
    for name in ("doctype_billion_laughs.bpmn", "doctype_external_entity.bpmn"):
        started = time.perf_counter()
        error = refused(name)
        assert time.perf_counter() - started < 1
        assert "lol" not in str(error.details) and "root:" not in str(error.details)


def test_no_network_access_for_imports_schema_locations_or_dtds():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        url = f"http://127.0.0.1:{server.getsockname()[1]}"
        valid = fixture("valid.bpmn").decode()
        with_import = valid.replace(
            'targetNamespace="http://theodoi.example/bpmn">',
            f'targetNamespace="http://theodoi.example/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
            f' xsi:schemaLocation="http://www.omg.org/spec/BPMN/20100524/MODEL {url}/BPMN20.xsd">\n'
            f'  <bpmn:import importType="http://www.w3.org/2001/XMLSchema" location="{url}/types.xsd"'
            f' namespace="http://types.example/" />',
        )
        assert load_diagram(with_import.encode(), "import.bpmn").process_ids == ["intake"]
        with_dtd = valid.replace(
            "<bpmn:definitions", f'<!DOCTYPE bpmn:definitions SYSTEM "{url}/x.dtd">\n<bpmn:definitions'
        )
        with_entity = valid.replace(
            "<bpmn:definitions", f'<!DOCTYPE d [<!ENTITY e SYSTEM "{url}/e">]>\n<bpmn:definitions'
        ).replace("count = 0", "count = '&e;'")
        for data in (with_dtd, with_entity):
            assert [p.line for p in refused_bytes(data.encode())] == [2]
        with pytest.raises(BlockingIOError):
            server.accept()


def refused_bytes(data: bytes):
    with pytest.raises(InvalidDiagramError) as caught:
        load_diagram(data, "x.bpmn")
    return caught.value.problems


def test_several_problems_are_reported_at_once():
    error = refused("three_problems.bpmn")
    by_element = {p.element_id: p for p in error.problems}
    assert sorted(by_element) == ["start", "to_nowhere", "work"]
    assert by_element["start"].line == 15 and "được dùng cho 2 phần tử" in by_element["start"].message
    assert by_element["to_nowhere"].line == 14 and "'nowhere'" in by_element["to_nowhere"].message
    assert by_element["work"].line == 11 and by_element["work"].message.startswith("script:")
    assert not error.not_executable
    assert len(error.details["problems"]) == len(error.problems)


def test_oversize_file_is_refused_before_parsing():
    data = b"<" * (6 * 1024 * 1024 + 200 * 1024)
    started = time.perf_counter()
    with pytest.raises(DiagramTooLargeError) as caught:
        load_diagram(data, "big.bpmn")
    assert time.perf_counter() - started < 0.1
    assert caught.value.problems[0].message == "sơ đồ nặng 6.2 MB; giới hạn là 5 MB"


def test_size_and_depth_limits_can_be_lowered():
    data = fixture("valid.bpmn")
    with pytest.raises(DiagramTooLargeError):
        load_diagram(data, "valid.bpmn", max_bytes=1000)
    with pytest.raises(InvalidDiagramError) as caught:
        load_diagram(data, "valid.bpmn", max_depth=5)
    [problem] = caught.value.problems
    assert problem.element_id == "classify" and problem.line == 11
    assert "lồng nhau sâu quá 5 cấp" in problem.message


@pytest.mark.parametrize(
    ("kind", "value", "ok"),
    [
        ("timeDuration", "P3D", True),
        ("timeDuration", "PT2H30M", True),
        ("timeDuration", "P1Y2M10DT2H30M", True),
        ("timeDuration", "P2W", True),
        ("timeDuration", "PT0.5S", True),
        ("timeDuration", "P1Q", False),
        ("timeDuration", "P2TH", False),
        ("timeDuration", "P", False),
        ("timeDuration", "PT", False),
        ("timeDuration", "3 days", False),
        ("timeDate", "2024-05-07", True),
        ("timeDate", "2024-05-07T08:00:00+07:00", True),
        ("timeDate", "2024-05-07T01:00:00Z", True),
        ("timeDate", "2024-W19-2", True),
        ("timeDate", "2024-13-01", False),
        ("timeDate", "07/05/2024", False),
        ("timeDate", "P3D", False),
        ("timeCycle", "R3/PT1H", True),
        ("timeCycle", "R/P1D", True),
        ("timeCycle", "R2/2024-05-07T08:00:00+07:00/P1D", True),
        ("timeCycle", "R2/P1D/2024-05-07T08:00:00+07:00", True),
        ("timeCycle", "PT1H", False),
        ("timeCycle", "R3/P1Q", False),
        ("timeCycle", "R3/2024-05-07/2024-05-09", False),
    ],
)
def test_iso_timer_values(kind, value, ok):
    problem = iso_timer_problem(kind, value)
    assert (problem is None) is ok, problem
    if not ok:
        assert problem.startswith(f'{kind} "{value}"')


def test_build_specs_parses_the_main_file_with_its_called_processes():
    spec, subprocess_specs = build_specs(
        [("call_known.bpmn", fixture("call_known.bpmn")), ("assignment.bpmn", fixture("assignment.bpmn"))],
        "dispatch",
    )
    assert spec.name == "dispatch" and "call" in spec.task_specs
    assert set(subprocess_specs) == {"assignment"}
    spec, subprocess_specs = build_specs([("valid.bpmn", fixture("valid.bpmn"))], "intake")
    assert {"classify", "t1_reminder", "record", "wait"} <= set(spec.task_specs) and subprocess_specs == {}


def test_build_specs_refuses_a_missing_dependency_and_unsafe_xml():
    with pytest.raises(InvalidDiagramError) as caught:
        build_specs([("call_known.bpmn", fixture("call_known.bpmn"))], "dispatch")
    assert "assignment" in caught.value.problems[0].message
    with pytest.raises(InvalidDiagramError) as caught:
        build_specs([("x.bpmn", fixture("doctype_billion_laughs.bpmn"))], "demo")
    assert "DOCTYPE" in caught.value.problems[0].message


def test_describe_gives_one_line_per_file():
    assert check(fixture("valid.bpmn"), "valid.bpmn").summary == "hợp lệ: quy trình chạy được intake"
    assert check(fixture("not_executable.bpmn"), "n.bpmn").summary.startswith("không chạy được: ")
    assert check(fixture("three_problems.bpmn"), "t.bpmn").summary == "không hợp lệ: 3 lỗi"
    assert check(fixture("malformed.bpmn"), "m.bpmn").summary == "không hợp lệ: 1 lỗi"


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02", b"not xml at all", "<a>é</a>".encode("utf-32")])
def test_garbage_never_escapes_as_a_traceback(data):
    verdict = check(data, "junk.bpmn")
    assert verdict.status == "invalid" and verdict.problems


def test_imported_schemas_are_not_loaded_and_the_problem_says_so():
    # C.1.1 imports xsdTypes.xsd and validates without it; a diagram that needs an imported type is told why.
    error = refused("xsd_imported_type.bpmn")
    assert {(p.element_id, p.line) for p in error.problems} == {("work", 11)}
    assert all(
        "được nhập từ 'xsdTypes.xsd': theodoi không bao giờ nạp lược đồ được nhập" in p.message
        for p in error.problems
    )


def test_describe_files_prints_every_problem_then_a_verdict_per_file():
    verdicts = describe_files(
        [
            ("valid.bpmn", fixture("valid.bpmn")),
            ("three_problems.bpmn", fixture("three_problems.bpmn")),
            ("missing.bpmn", None),
        ]
    )
    assert not verdicts.all_valid
    assert verdicts.lines[0] == "valid.bpmn: hợp lệ: quy trình chạy được intake"
    assert verdicts.lines[1].startswith("three_problems.bpmn:11: work: script:")
    assert verdicts.lines[2:5] == [
        "three_problems.bpmn:14: to_nowhere: sequenceFlow to_nowhere: targetRef 'nowhere' không trỏ tới"
        " phần tử nào của tệp này",
        "three_problems.bpmn:15: start: id 'start' được dùng cho 2 phần tử (dòng 4, 15); mỗi id phải là"
        " duy nhất",
        "three_problems.bpmn: không hợp lệ: 3 lỗi",
    ]
    assert verdicts.lines[5:] == ["missing.bpmn:0: -: không có tệp này", "missing.bpmn: không hợp lệ: 1 lỗi"]
    assert describe_files([("valid.bpmn", fixture("valid.bpmn"))]).all_valid


def test_instructions_and_evaluated_properties_are_checked_at_deploy():
    xml = fixture("valid.bpmn").decode()
    assert "</bpmn:userTask>" in xml
    broken = xml.replace(
        "</bpmn:userTask>",
        "<bpmn:extensionElements><spiffworkflow:instructionsForEndUser>Văn bản {{ document.number "
        "</spiffworkflow:instructionsForEndUser><spiffworkflow:properties>"
        '<spiffworkflow:property name="subject" value="document[&quot;number&quot; +"/>'
        "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>",
        1,
    )
    messages = [p.message for p in check(broken.encode(), "x.bpmn").problems]
    assert any(m.startswith("instructionsForEndUser: lỗi mẫu Jinja") for m in messages), messages
    assert any(m.startswith("thuộc tính subject: syntax error") for m in messages), messages
