"""The diagram view drawn from real files: the MIWG reference corpus, intake.bpmn and a few fixtures."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from engine.definitions.svg import MARGIN, STATES, render_svg
from engine.errors import InvalidDiagramError

DRAWING_ELEMENTS = {"svg", "title", "style", "g", "rect", "circle", "polygon", "polyline", "path", "line"}
DRAWING_ELEMENTS |= {"text", "tspan"}
ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = sorted((ROOT.parent / "shared" / "corpus" / "miwg-reference").glob("*.bpmn"))
INTAKE = ROOT / "processes" / "intake.bpmn"
SVG = "{http://www.w3.org/2000/svg}"
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
DI = "{http://www.omg.org/spec/DD/20100524/DI}"


def parsed(svg: str) -> etree._Element:
    root = etree.fromstring(svg.encode())
    assert root.tag == f"{SVG}svg"
    return root


def groups(svg: etree._Element) -> dict[str, etree._Element]:
    return {g.get("data-element-id"): g for g in svg.iter(f"{SVG}g") if g.get("data-element-id")}


def first_plane(path: Path) -> etree._Element:
    return next(etree.parse(str(path)).iter(f"{BPMNDI}BPMNPlane"))


def view_box(svg: etree._Element) -> tuple[float, float, float, float]:
    x, y, width, height = (float(n) for n in svg.get("viewBox").split())
    return x, y, width, height


def test_the_corpus_is_there():
    assert len(CORPUS) == 21, "the MIWG corpus is expected in ../shared/corpus/miwg-reference"


@pytest.mark.parametrize("path", [*CORPUS, INTAKE], ids=lambda p: p.name)
def test_every_shape_and_edge_of_the_plane_is_drawn_inside_the_view_box(path):
    svg = parsed(render_svg(path.read_bytes(), filename=path.name))
    plane = first_plane(path)
    expected = Counter(
        di.get("bpmnElement") or di.get("id")
        for di in plane
        if di.tag in (f"{BPMNDI}BPMNShape", f"{BPMNDI}BPMNEdge")
    )
    drawn = Counter(g.get("data-element-id") for g in svg.iter(f"{SVG}g") if g.get("data-element-id"))
    assert drawn == expected
    for g in svg.iter(f"{SVG}g"):
        if g.get("data-element-id"):
            assert "bpmn-element" in g.get("class").split()
            assert g[0].tag == f"{SVG}title" and g.get("data-element-id") in g[0].text
    x, y, width, height = view_box(svg)
    assert (float(svg.get("width")), float(svg.get("height"))) == (width, height)
    for bounds in plane.iter(f"{DC}Bounds"):
        bx, by = float(bounds.get("x")), float(bounds.get("y"))
        right, bottom = bx + float(bounds.get("width")), by + float(bounds.get("height"))
        inside = x + MARGIN <= bx and y + MARGIN <= by and right <= x + width - MARGIN
        assert inside and bottom <= y + height - MARGIN, bounds.getparent().get("id")
    for waypoint in plane.iter(f"{DI}waypoint"):
        wx, wy = float(waypoint.get("x")), float(waypoint.get("y"))
        assert x + MARGIN <= wx and wx <= x + width - MARGIN
        assert y + MARGIN <= wy and wy <= y + height - MARGIN


def test_sequence_flows_have_filled_arrowheads_and_message_flows_are_dashed():
    path = next(p for p in CORPUS if p.name == "B.2.0.bpmn")
    svg = parsed(render_svg(path.read_bytes()))
    kinds = Counter()
    for g in groups(svg).values():
        kind = g.get("data-element-type")
        kinds[kind] += 1
        line = g.find(f"{SVG}polyline[@class='bpmn-line']")
        if kind == "sequenceFlow":
            assert g.find(f"{SVG}polygon[@class='bpmn-arrow bpmn-arrow-filled']") is not None
            assert line.get("stroke-dasharray") is None
        elif kind == "messageFlow":
            assert line.get("stroke-dasharray")
            assert g.find(f"{SVG}circle") is not None  # the open circle where the message leaves
    # B.2.0 is the varied one: the renderer meets most of BPMN in it.
    for kind in ("boundaryEvent", "eventBasedGateway", "callActivity", "subProcess", "lane", "group"):
        assert kinds[kind], kind


def test_a_process_id_picks_the_plane_of_its_collaboration():
    path = next(p for p in CORPUS if p.name == "C.4.0.bpmn")
    payroll = "_da743a6f-d9e5-4fcf-8a96-d2fd5cfb73d4"  # the third of four collaborations, each its own plane
    svg = parsed(render_svg(path.read_bytes(), process_id=payroll))
    plane = next(
        p
        for p in etree.parse(str(path)).iter(f"{BPMNDI}BPMNPlane")
        if p.get("bpmnElement").startswith("_bbdf")
    )
    assert set(groups(svg)) == {di.get("bpmnElement") for di in plane}
    assert svg.find(f"{SVG}title").text == "Payroll - Process"


def test_intake_by_process_id_with_states():
    svg = parsed(
        render_svg(
            INTAKE.read_bytes(),
            process_id="intake",
            states={"classify": "active", "compute_t1": "completed", "no_such_element": "error"},
        )
    )
    drawn = groups(svg)
    assert drawn["classify"].get("class").split() == ["bpmn-element", "bpmn-userTask", "state-active"]
    assert drawn["compute_t1"].get("class").split() == ["bpmn-element", "bpmn-scriptTask", "state-completed"]
    assert "no_such_element" not in drawn
    assert not any(
        "state-" in g.get("class") for key, g in drawn.items() if key not in ("classify", "compute_t1")
    )
    # The embedded style colours each state, so the file looks right opened on its own.
    style = svg.find(f"{SVG}style").text
    assert all(f".state-{state} .bpmn-shape" in style for state in STATES)
    # The boundary timer is drawn after (over) the user task it is attached to.
    order = list(drawn)
    assert order.index("t1_overdue") > order.index("classify")


def test_vietnamese_names_are_intact():
    svg = parsed(render_svg(INTAKE.read_bytes()))
    drawn = groups(svg)
    assert drawn["classify"].find(f"{SVG}title").text == "Phân loại nhiệm vụ, chuyển theo dõi (classify)"
    label = " ".join(t.text for t in drawn["participant_vp"].iter(f"{SVG}tspan"))
    assert label == "Văn phòng UBND tỉnh"
    words = " ".join(t.text for t in drawn["create_tracking_assignments"].iter(f"{SVG}tspan"))
    assert words == "Cập nhật nhiệm vụ vào hệ thống theo dõi"
    assert "sans-serif" in svg.get("font-family")
    assert svg.find(f"{SVG}title").text == "Tiếp nhận, phân loại văn bản chỉ đạo và chuyển theo dõi"


def test_names_are_escaped_never_injected():
    text = render_svg((FIXTURES / "escaping.bpmn").read_bytes(), title="Sơ đồ <b>&amp;</b>")
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; Đôn đốc" in text
    svg = parsed(text)
    assert {etree.QName(e).localname for e in svg.iter() if isinstance(e.tag, str)} <= DRAWING_ELEMENTS
    assert all(not k.startswith("on") for e in svg.iter() for k in e.attrib)
    drawn = groups(svg)
    assert drawn["task"].find(f"{SVG}title").text == "<script>alert('x')</script> & Đôn đốc (task)"
    assert drawn["end"].find(f"{SVG}title").text == "Kết thúc &amp; đóng (end)"
    assert drawn["start"].find(f"{SVG}title").text == 'Bắt đầu "ngay" (start)'
    note = " ".join(t.text for t in drawn["note"].iter(f"{SVG}tspan"))
    assert note == "Ghi chú: <b>không</b> phải HTML]]>"
    assert svg.find(f"{SVG}title").text == "Sơ đồ <b>&amp;</b>"


def test_a_file_without_diagram_interchange_is_refused_clearly():
    with pytest.raises(InvalidDiagramError) as caught:
        render_svg((FIXTURES / "no_di.bpmn").read_bytes(), filename="no_di.bpmn")
    (problem,) = caught.value.problems
    assert problem.file == "no_di.bpmn"
    assert "không có phần bố cục sơ đồ" in problem.message and "BPMNDiagram" in problem.message


def test_a_doctype_is_refused_before_anything_is_drawn():
    with pytest.raises(InvalidDiagramError) as caught:
        render_svg((FIXTURES / "doctype.bpmn").read_bytes(), filename="doctype.bpmn")
    (problem,) = caught.value.problems
    assert "DOCTYPE" in problem.message and problem.line == 2


def test_an_unknown_process_id_names_the_processes_there_are():
    with pytest.raises(InvalidDiagramError) as caught:
        render_svg(INTAKE.read_bytes(), process_id="outtake")
    assert "tệp không có quy trình 'outtake'; tệp định nghĩa 'intake'" in caught.value.problems[0].message


def test_not_xml_and_not_bpmn_are_refused():
    with pytest.raises(InvalidDiagramError, match="XML sai cú pháp"):
        render_svg(b"<bpmn:definitions")
    with pytest.raises(InvalidDiagramError, match="không phải tệp BPMN 2.0"):
        render_svg(b'<svg xmlns="http://www.w3.org/2000/svg"/>')


def test_an_unknown_state_is_a_caller_bug():
    with pytest.raises(ValueError, match="state of 'classify' must be one of completed, active"):
        render_svg(INTAKE.read_bytes(), states={"classify": "ready"})


def test_the_iso_8859_1_model_renders_its_names():
    path = next(p for p in CORPUS if p.name == "A.1.0.bpmn")
    svg = parsed(render_svg(path.read_bytes()))
    titles = [g.find(f"{SVG}title").text for g in groups(svg).values()]
    assert any(t.startswith("Start Event (") for t in titles)


def test_unusable_coordinates_skip_that_shape_and_keep_the_view_finite():
    data = (FIXTURES / "escaping.bpmn").read_bytes()
    data = data.replace(b'x="100" y="100"', b'x="NaN" y="1e308"').replace(
        b'<di:waypoint x="136"', b'<di:waypoint x="x"'
    )
    svg = parsed(render_svg(data))
    assert set(groups(svg)) == {"task", "end", "note", "to_task", "to_end", "note_link"}  # no "start"
    assert all(abs(n) < 1000 for n in view_box(svg))


def extras() -> dict[str, etree._Element]:
    return groups(parsed(render_svg((FIXTURES / "modeller_extras.bpmn").read_bytes())))


def test_colours_set_in_the_modeller_are_drawn():
    drawn = extras()
    start = drawn["start"].find(f"{SVG}circle")  # bioc:stroke / bioc:fill (bpmn-js-color)
    assert (start.get("stroke"), start.get("fill")) == ("#1e88e5", "#bbdefb")
    assert drawn["start"].find(f"{SVG}text").get("fill") == "#1e88e5"  # the label takes the stroke colour
    review = drawn["review"]  # color:border-color / background-color win over bioc:, as in bpmn-js
    box = review.find(f"{SVG}rect[@class='bpmn-shape']")
    assert (box.get("stroke"), box.get("fill")) == ("#fb8c00", "#ffe0b2")
    assert {i.get("stroke") for i in review.iter() if i.get("class") == "bpmn-icon"} == {"#fb8c00"}
    assert review.find(f"{SVG}text").get("fill") == "#6d4c41"  # color:color on the BPMNLabel
    end = drawn["end"]  # a throwing event: its envelope filled in the stroke colour, its flap in the fill
    letter = end.find(f"{SVG}rect[@class='bpmn-icon']")
    assert (letter.get("fill"), letter.get("stroke")) == ("#43a047", "#43a047")
    assert end.find(f"{SVG}polyline[@class='bpmn-icon']").get("stroke") == "#c8e6c9"
    flow = drawn["to_review"]
    assert flow.find(f"{SVG}polyline[@class='bpmn-line']").get("stroke") == "#8e24aa"
    assert flow.find(f"{SVG}polygon").get("fill") == "#8e24aa"


def test_values_that_are_not_colours_are_ignored():
    receive = extras()["receive"]
    box = receive.find(f"{SVG}rect[@class='bpmn-shape']")
    assert (box.get("stroke"), box.get("fill")) == ("#222222", "#ffffff")
    svg = render_svg((FIXTURES / "modeller_extras.bpmn").read_bytes())
    assert "evil.example" not in svg and "<script" not in svg


def test_a_state_still_shows_over_a_modeller_colour():
    svg = parsed(render_svg((FIXTURES / "modeller_extras.bpmn").read_bytes(), states={"review": "active"}))
    review = groups(svg)["review"]
    assert "state-active" in review.get("class")
    # Presentation attributes lose to the style sheet, so the state colour wins in the browser.
    assert ".state-active .bpmn-shape { stroke: #ef6c00" in svg.find(f"{SVG}style").text


def test_corpus_colours_are_read_from_the_omg_extension():
    path = next(p for p in CORPUS if p.name == "C.1.0.bpmn")
    plane = first_plane(path)
    colour = "{http://www.omg.org/spec/BPMN/non-normative/color/1.0}background-color"
    coloured = {
        di.get("bpmnElement"): di.get(colour) for di in plane if di.get(colour) not in (None, "#ffffff")
    }
    assert coloured, "C.1.0 colours some of its shapes"
    drawn = groups(parsed(render_svg(path.read_bytes())))
    for element_id, fill in coloured.items():
        fills = {n.get("fill") for n in drawn[element_id].iter() if "bpmn-shape" in (n.get("class") or "")}
        assert fill in fills, element_id


def test_a_message_flow_carrying_a_message_shows_the_envelope_with_its_name_above():
    flow = extras()["send_report"]
    letter = flow.find(f"{SVG}rect[@class='bpmn-icon']")
    x, y = float(letter.get("x")), float(letter.get("y"))
    assert (x, y, letter.get("width"), letter.get("height")) == (330, 108, "20", "14")  # at the midpoint
    assert letter.get("fill") == "#ffffff"  # no messageVisibleKind: drawn as initiating, like bpmn-js
    label = flow.find(f"{SVG}text")
    lines = label.findall(f"{SVG}tspan")
    assert float(lines[-1].get("y")) < y  # the name stays clear of the envelope


def test_the_corpus_message_flow_envelopes_follow_message_visible_kind():
    path = next(p for p in CORPUS if p.name == "B.2.0.bpmn")
    plane = first_plane(path)
    kinds = {
        di.get("bpmnElement"): di.get("messageVisibleKind") for di in plane if di.get("messageVisibleKind")
    }
    assert set(kinds.values()) == {"initiating"}
    data = path.read_bytes()
    turned = next(iter(kinds))  # and one of them made a reply (non-initiating), which bpmn-js draws dark
    kinds[turned] = "non_initiating"
    data = data.replace(
        f'bpmnElement="{turned}" messageVisibleKind="initiating"'.encode(),
        f'bpmnElement="{turned}" messageVisibleKind="non_initiating"'.encode(),
    )
    drawn = groups(parsed(render_svg(data)))
    for element_id, kind in kinds.items():
        letter = drawn[element_id].find(f"{SVG}rect[@class='bpmn-icon']")
        assert letter.get("fill") == ("#ffffff" if kind == "initiating" else "#222222"), element_id


def test_a_boundary_event_on_the_top_edge_does_not_hide_the_sub_process_title():
    drawn = extras()
    event = drawn["late"].find(f"{SVG}circle")
    event_bottom = float(event.get("cy")) + float(event.get("r"))
    title = drawn["check"].find(f"{SVG}text")
    assert " ".join(t.text for t in title.iter(f"{SVG}tspan")) == "Kiểm tra hồ sơ của đơn vị"
    assert float(title.get("y")) >= event_bottom
    # Without the event the title sits at the top, where it always did.
    data = (FIXTURES / "modeller_extras.bpmn").read_bytes().replace(b'x="452" y="122"', b'x="452" y="302"')
    title = groups(parsed(render_svg(data)))["check"].find(f"{SVG}text")
    assert float(title.get("y")) == 146
