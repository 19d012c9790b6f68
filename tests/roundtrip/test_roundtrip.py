"""Every diagram of processes/ survives being opened and saved in bpmn.io and Camunda Modeler.

Both tools read and write through bpmn-moddle (npm); roundtrip.mjs does what they do, with the extension
packages each one loads. The written file must import without a warning, pass theodoi's validation, and keep
every element, attribute and text: above all the spiffworkflow: extensions and the multi-instance
references, which the tools cannot show and would drop without a word.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from engine.bpmn.loader import load_diagram

HERE = Path(__file__).resolve().parent
PROCESSES = HERE.parents[1] / "processes"
BPMN_FILES = sorted(PROCESSES.glob("*.bpmn"))
TOOLS = ["bpmn.io", "camunda-7", "camunda-8"]
CASES = [(path.name, tool) for path in BPMN_FILES for tool in TOOLS]
IDS = [f"{name}-{tool}" for name, tool in CASES]

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
# What saving in Camunda Modeler adds by design: its name on <definitions>.
EXPORTER_ATTRIBUTES = {"exporter", "exporterVersion"}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:  # a missing tool fails the round trip, never skips it
        pytest.fail(
            f"{name} is not installed: the round-trip test needs Node.js (Debian: apt-get install nodejs npm)"
        )
    return path


@pytest.fixture(scope="session")
def node() -> str:
    """Node with this folder's pinned packages installed (`npm ci` on a fresh clone)."""
    node = _tool("node")
    if not (HERE / "node_modules").is_dir():
        subprocess.run([_tool("npm"), "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    return node


def _run(node: str, out_dir: Path, files: list[Path]) -> dict[str, dict[str, list[str]]]:
    result = subprocess.run(
        [node, str(HERE / "roundtrip.mjs"), str(out_dir), *map(str, files)],
        cwd=HERE,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def round_trip(node, tmp_path_factory) -> tuple[Path, dict[str, dict[str, list[str]]]]:
    """(folder of written files, one per tool, {file: {tool: import warnings}}) for every diagram."""
    out_dir = tmp_path_factory.mktemp("roundtrip")
    return out_dir, _run(node, out_dir, BPMN_FILES)


def _elements(data: bytes) -> list[tuple]:
    """Every element as (path of ancestor ids, tag, attributes, text): what a round trip must keep."""
    root = etree.fromstring(data)
    items = []
    for element in root.iter(etree.Element):
        path = tuple(a.get("id") or etree.QName(a).localname for a in reversed(list(element.iterancestors())))
        attributes = dict(element.attrib)
        if element is root:
            attributes = {k: v for k, v in attributes.items() if k not in EXPORTER_ATTRIBUTES}
        items.append((path, element.tag, tuple(sorted(attributes.items())), (element.text or "").strip()))
    return items


def _spiff_extensions(data: bytes) -> set[tuple[str, str]]:
    """(owner element id, the whole extension) for every spiffworkflow: extension."""
    root = etree.fromstring(data)
    pairs = set()
    for extension in root.iterfind(".//bpmn:extensionElements/spiffworkflow:*", NS):
        owner = extension.getparent().getparent().get("id")
        pairs.add((owner, _tree(extension)))
    return pairs


def _tree(element: etree._Element) -> tuple:
    """An element and its descendants as nested tuples, whitespace around text ignored."""
    children = tuple(_tree(child) for child in element.iterchildren(etree.Element))
    return element.tag, tuple(sorted(element.attrib.items())), (element.text or "").strip(), children


def _multi_instance_refs(data: bytes) -> set[tuple[str, str, str]]:
    """(activity id, reference kind, referenced name) for every multi-instance loop."""
    root = etree.fromstring(data)
    refs = set()
    for loop in root.iterfind(".//bpmn:multiInstanceLoopCharacteristics", NS):
        owner = loop.getparent().get("id")
        for kind in ("loopDataInputRef", "loopDataOutputRef"):
            for ref in loop.iterfind(f"bpmn:{kind}", NS):
                refs.add((owner, kind, ref.text.strip()))
        for kind in ("inputDataItem", "outputDataItem"):
            for item in loop.iterfind(f"bpmn:{kind}", NS):
                refs.add((owner, kind, item.get("id")))
    return refs


@pytest.mark.parametrize(("name", "tool"), CASES, ids=IDS)
def test_opens_without_import_warning(round_trip, name, tool):
    _, warnings = round_trip
    assert warnings[name][tool] == []


@pytest.mark.parametrize(("name", "tool"), CASES, ids=IDS)
def test_saved_file_passes_validation(round_trip, name, tool):
    out_dir, _ = round_trip
    written = (out_dir / tool / name).read_bytes()
    load_diagram(written, name, known_processes=[path.stem for path in BPMN_FILES])


@pytest.mark.parametrize(("name", "tool"), CASES, ids=IDS)
def test_saved_file_keeps_extensions_and_multi_instance_refs(round_trip, name, tool):
    out_dir, _ = round_trip
    original, written = (PROCESSES / name).read_bytes(), (out_dir / tool / name).read_bytes()
    assert _spiff_extensions(written) == _spiff_extensions(original)
    assert _multi_instance_refs(written) == _multi_instance_refs(original)


@pytest.mark.parametrize(("name", "tool"), CASES, ids=IDS)
def test_saved_file_keeps_everything_else(round_trip, name, tool):
    """Only the exporter's name is added; an attribute the tools drop (one set to its BPMN default, say)
    would show here: leave such attributes out of the diagram."""
    out_dir, _ = round_trip
    original, written = (PROCESSES / name).read_bytes(), (out_dir / tool / name).read_bytes()
    assert _elements(written) == _elements(original)


def test_undeclared_collection_is_caught(node, tmp_path):
    """The test sees the fault it guards against: a collection named by no element is reported and lost."""
    original = (PROCESSES / "periodic_report.bpmn").read_bytes()
    root = etree.fromstring(original)
    process = root.find("bpmn:process", NS)
    for prop in process.findall("bpmn:property", NS):
        process.remove(prop)
    source = tmp_path / "periodic_report.bpmn"
    source.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))

    warnings = _run(node, tmp_path / "out", [source])["periodic_report.bpmn"]

    assert "unresolved reference <reporting_units>" in warnings["camunda-7"]
    written = (tmp_path / "out" / "camunda-7" / "periodic_report.bpmn").read_bytes()
    assert ("unit_reports", "loopDataInputRef", "reporting_units") not in _multi_instance_refs(written)
