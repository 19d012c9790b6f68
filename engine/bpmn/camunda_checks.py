"""What Camunda 7 and Camunda 8 (Zeebe) constructs mean here, beyond what engine/bpmn/camunda.py maps.

Three kinds: a construct the engine cannot honour and whose absence would change what the process does
(DMN decisions, external tasks, Java delegates) is a problem, refused with the alternative spelled out;
one it ignores (listeners, Camunda forms, assignees, input/output mappings, async flags, ...) is a warning,
shown but not blocking; bookkeeping that Camunda Modeler writes on every file (history time to live,
version tags, templates) says nothing about how the process runs and is passed over in silence."""

from __future__ import annotations

from lxml import etree

from engine.bpmn import camunda, lint
from engine.bpmn.camunda import CAMUNDA_NS, ZEEBE_NS, Override
from engine.bpmn.lint import BPMN_NS, NO_ELEMENT, NS, line_of
from engine.errors import DiagramProblem

_VENDOR_NS = (*CAMUNDA_NS, ZEEBE_NS)
_OPERATOR = "bpmn:extensionElements/spiffworkflow:serviceTaskOperator"
_USE_OPERATOR = "hãy dùng spiffworkflow:serviceTaskOperator với một thao tác đã đăng ký"
# Camunda Modeler's bookkeeping: no effect on how a process runs.
_SILENT = {
    "historyTimeToLive",
    "versionTag",
    "isStartableInTasklist",
    "modelerTemplate",
    "modelerTemplateVersion",
    "modelerTemplateIcon",
    "diagramRelationId",
    "userTaskForm",  # Zeebe's embedded form: reported with the formDefinition that links to it
}
_JAVA = ("class", "delegateExpression", "expression")
_ASYNC = ("async", "asyncBefore", "asyncAfter", "exclusive", "jobPriority", "failedJobRetryTimeCycle")
_LISTENERS = ("executionListener", "taskListener")
_IO = ("inputOutput", "ioMapping", "in", "out")
_WHY = {
    "formData": "theodoi hiển thị biểu mẫu từ tệp JSON Schema (thuộc tính formJsonSchemaFilename), "
    "không từ các trường khai báo trong sơ đồ",
    "assignee": "theodoi giao bước cho nhóm (candidateGroups); cán bộ trong nhóm tự nhận việc",
    "candidateUsers": "theodoi giao bước cho nhóm (candidateGroups); cán bộ trong nhóm tự nhận việc",
    "listener": "theodoi không chạy listener; hãy dùng spiffworkflow:preScript hoặc spiffworkflow:postScript",
    "async": "theodoi lưu mỗi bước trong một giao dịch; một bước lỗi được ghi thành sự cố để chạy lại",
    "io": "mọi biến của quy trình đều có sẵn trong dữ liệu của bước, không cần ánh xạ",
    "properties": "theodoi chỉ đọc spiffworkflow:properties",
    "subscription": "theodoi chuyển message theo tên, không theo khóa tương quan (correlationKey)",
}


def problems(root: etree._Element, filename: str, _known=()) -> list[DiagramProblem]:
    """Camunda and Zeebe task implementations that theodoi cannot run, each with the alternative."""
    if not camunda.is_camunda(root):
        return []
    found = []
    for element in _executable_elements(root, f"{{{BPMN_NS}}}*"):
        if element.find(_OPERATOR, NS) is not None:
            continue  # our operator runs; what Camunda would have called is a warning
        message = _refusal(element)
        if message:
            found.append(DiagramProblem(filename, line_of(element), element.get("id") or NO_ELEMENT, message))
    return found


def warnings(root: etree._Element, filename: str, overrides: list[Override]) -> list[DiagramProblem]:
    """Every Camunda and Zeebe construct the engine ignores, and every Camunda value that a
    spiffworkflow property of the same element overrides."""
    if not camunda.is_camunda(root):
        return []
    found = [
        _warning(
            filename,
            o.element,
            f"giá trị {o.name} của Camunda ({o.ignored!r}) bị bỏ qua: theodoi dùng "
            f"thuộc tính spiffworkflow {o.name} = {o.kept!r} của phần tử này",
        )
        for o in overrides
    ]
    for element in _executable_elements(root, etree.Element):
        namespace = etree.QName(element).namespace
        if namespace == BPMN_NS:
            refused = element.find(_OPERATOR, NS) is None and _refusal(element) is not None
            for attribute, value in element.attrib.items():
                name = etree.QName(attribute)
                if name.namespace in _VENDOR_NS and not refused:
                    message = _ignored_attribute(element, name.localname, value)
                    if message:
                        found.append(_warning(filename, element, message))
        elif namespace in _VENDOR_NS and etree.QName(element.getparent()).namespace not in _VENDOR_NS:
            message = _ignored_element(element)
            if message:
                found.append(_warning(filename, element, message))
    return found


def _refusal(element: etree._Element) -> str | None:
    """Why this element's Camunda or Zeebe implementation cannot run here, or None."""
    for ns in CAMUNDA_NS:
        decision = element.get(f"{{{ns}}}decisionRef")
        if decision:
            return (
                f'camunda:decisionRef "{decision}" gọi một bảng quyết định DMN, theodoi không chạy DMN: hãy '
                "viết quyết định thành một scriptTask (Python) hoặc một exclusiveGateway có điều kiện"
            )
        if element.get(f"{{{ns}}}type") == "external":
            topic = element.get(f"{{{ns}}}topic") or ""
            return (
                f'tác vụ ngoài (camunda:type="external", topic "{topic}") cần một worker bên ngoài mà '
                f"theodoi không có: {_USE_OPERATOR}"
            )
        for attribute in _JAVA:
            value = element.get(f"{{{ns}}}{attribute}")
            if value and etree.QName(element).localname != "sequenceFlow":
                return f'camunda:{attribute} "{value}" gọi mã Java, theodoi không chạy được: {_USE_OPERATOR}'
    decision = element.find(f"bpmn:extensionElements/{{{ZEEBE_NS}}}calledDecision", NS)
    if decision is not None:
        return (
            f'zeebe:calledDecision "{decision.get("decisionId", "")}" gọi một bảng quyết định DMN, theodoi '
            "không chạy DMN: hãy viết quyết định thành một scriptTask (Python) hoặc một exclusiveGateway"
        )
    job = element.find(f"bpmn:extensionElements/{{{ZEEBE_NS}}}taskDefinition", NS)
    if job is not None:
        return (
            f'zeebe:taskDefinition type "{job.get("type", "")}" giao việc cho một job worker của Zeebe mà '
            f"theodoi không có: {_USE_OPERATOR}"
        )
    return None


def _ignored_attribute(element: etree._Element, name: str, value: str) -> str | None:
    if name in _SILENT or name in ("candidateGroups", "candidateStarterGroups"):
        return None
    if name == "formKey":
        if camunda.json_form(value) or etree.QName(element).localname not in ("userTask", "startEvent"):
            return None
        return f'camunda:formKey "{value}" bị bỏ qua: theodoi chỉ dùng biểu mẫu JSON Schema (tệp .json)'
    if name == "dueDate":
        if camunda.due(value):
            return None
        return f'camunda:dueDate "{value}" bị bỏ qua: không chuyển được sang Python'
    if name in _JAVA or name in ("type", "topic", "decisionRef"):
        return f"camunda:{name} bị bỏ qua: spiffworkflow:serviceTaskOperator của phần tử này được dùng"
    if name in ("assignee", "candidateUsers"):
        return f"camunda:{name} bị bỏ qua: {_WHY[name]}"
    if name in _ASYNC:
        return f"camunda:{name} bị bỏ qua: {_WHY['async']}"
    if name == "resource":
        return (
            f'script ngoài (camunda:resource "{value}") bị bỏ qua: theodoi chỉ chạy script Python viết trong '
            "sơ đồ"
        )
    return f"camunda:{name} bị bỏ qua: theodoi không dùng thuộc tính này"


def _ignored_element(element: etree._Element) -> str | None:
    name = etree.QName(element).localname
    prefix = "zeebe" if etree.QName(element).namespace == ZEEBE_NS else "camunda"
    if name in _SILENT:
        return None
    if name == "formDefinition":
        if camunda.json_form(element.get("formKey")):
            return None
        linked = element.get("formId") or element.get("formKey") or ""
        return (
            f'zeebe:formDefinition "{linked}" bị bỏ qua: theodoi không đọc biểu mẫu của Camunda; hãy ghi '
            "tên tệp JSON Schema vào thuộc tính formJsonSchemaFilename"
        )
    if name == "assignmentDefinition":
        extra = [a for a in ("assignee", "candidateUsers") if element.get(a)]
        if extra:
            return f"zeebe:assignmentDefinition {', '.join(extra)} bị bỏ qua: {_WHY['assignee']}"
        return None
    if name in ("taskSchedule", "taskDefinition", "calledDecision", "calledElement"):
        return None  # mapped (camunda.py), refused (problems) or read as bpmn calledElement
    if name in _LISTENERS or name == "executionListeners" or name == "taskListeners":
        return f"{prefix}:{name} bị bỏ qua: {_WHY['listener']}"
    if name in _IO:
        return f"{prefix}:{name} bị bỏ qua: {_WHY['io']}"
    if name in ("formData", "formField"):
        return f"{prefix}:{name} bị bỏ qua: {_WHY['formData']}"
    if name in ("properties", "subscription"):
        return f"{prefix}:{name} bị bỏ qua: {_WHY[name]}"
    return f"{prefix}:{name} bị bỏ qua: theodoi không dùng phần mở rộng này"


def _executable_elements(root: etree._Element, tag) -> list[etree._Element]:
    """The elements of executable processes (the others are documentation, never deployed to run)."""
    return [e for info in lint.processes(root) if info.executable for e in info.element.iter(tag)]


def _warning(filename: str, element: etree._Element, message: str) -> DiagramProblem:
    """A warning on the BPMN element that carries the construct."""
    owner = element
    while owner is not None and not (owner.get("id") and etree.QName(owner).namespace == BPMN_NS):
        owner = owner.getparent()
    element_id = owner.get("id") if owner is not None else NO_ELEMENT
    return DiagramProblem(filename, line_of(element), element_id, message)
