"""Quy trình nghiệp vụ: the versions of each process, upload checked before deploying, and rollback."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.definitions import service as definitions
from engine.definitions.models import ProcessDefinition
from engine.instances import service as instances
from engine.web.pages.definitions import MAX_FIELD_DEPTH, form_fields
from tests.conftest import ROOT
from tests.engine.definitions.test_api import waiter
from tests.web.test_pages import DOCUMENT, csrf, html, login, register

INTAKE = ROOT / "processes" / "intake.bpmn"
FORMS = ROOT / "forms" / "intake"
THREE_PROBLEMS = ROOT / "tests" / "engine" / "bpmn" / "fixtures" / "three_problems.bpmn"
INTAKE_NAME = "Tiếp nhận, phân loại văn bản chỉ đạo và chuyển theo dõi"


@pytest.fixture
def client(app, directory):
    """A browser on the app, with processes/ deployed (by "test") and one user per role."""
    return app.test_client()


def intake_v2() -> bytes:
    """intake.bpmn with a lane renamed: new content, so a new version, that still passes its scenarios."""
    return _intake_replaced(
        'name="Lãnh đạo Văn phòng UBND tỉnh"', 'name="Lãnh đạo Văn phòng (Chánh, Phó Chánh)"'
    )


def intake_renamed_classify() -> bytes:
    """intake.bpmn with the classify task renamed, which the intake scenarios name: they fail."""
    return _intake_replaced('name="Phân loại nhiệm vụ', 'name="Phân loại lại nhiệm vụ')


def _intake_replaced(old: str, new: str) -> bytes:
    text = INTAKE.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1).encode()


def document_numbered(number: str) -> dict:
    return {**DOCUMENT, "number": number}


def intake_forms(**changed: dict) -> list[tuple[io.BytesIO, str]]:
    """The intake's four form files as uploads; `changed` replaces the content of some."""
    files = []
    for path in sorted(FORMS.glob("*.json")):
        content = json.dumps(changed[path.name]).encode() if path.name in changed else path.read_bytes()
        files.append((io.BytesIO(content), path.name))
    return files


def post_upload(client, data: bytes, name: str, forms=(), token: str | None = None):
    return client.post(
        "/quy-trinh-nghiep-vu/tai-len",
        data={"file": (io.BytesIO(data), name), "forms": list(forms), "csrf_token": token or csrf(client)},
        content_type="multipart/form-data",
    )


def upload_token(page: str) -> str:
    return re.search(r'name="upload" value="([^"]+)"', page)[1]


def versions_of(system, process_id: str) -> list[tuple[int, str | None, int | None]]:
    with system.db.reading() as session:
        rows = definitions.list_(session=session, process_id=process_id)
        return [(d.version, d.deployed_by, d.source_definition_id) for d in rows]


def definition_count(system) -> int:
    with system.db.reading() as session:
        return session.scalar(select(func.count()).select_from(ProcessDefinition))


def intake_id(system, version: int = 1) -> int:
    with system.db.reading() as session:
        return session.scalar(
            select(ProcessDefinition.id).where(
                ProcessDefinition.process_id == "intake", ProcessDefinition.version == version
            )
        )


def deploy_as(system, data: bytes, actor: str) -> None:
    with system.db.transaction() as session:
        definitions.deploy(
            session=session, settings=system.settings, data=data, filename="intake.bpmn", actor=actor
        )


def test_only_analysts_monitors_and_admins_see_the_pages(client, system):
    assert client.get("/quy-trinh-nghiep-vu").status_code == 302  # to the login page
    version = intake_id(system)
    for username in ("cv", "ldvp", "sotc", "ct"):
        login(client, username)
        assert "Quy trình nghiệp vụ" not in html(client.get("/"))
        for path in (
            "/quy-trinh-nghiep-vu",
            "/quy-trinh-nghiep-vu/quy-trinh/intake",
            f"/quy-trinh-nghiep-vu/{version}",
        ):
            response = client.get(path)
            assert response.status_code == 403, (username, path)
            assert "Bạn không có quyền truy cập nội dung này." in html(response)
    for username in ("analyst", "monitor", "admin"):
        login(client, username)
        assert re.search(r'href="/quy-trinh-nghiep-vu"\s*>Quy trình nghiệp vụ</a>', html(client.get("/"))), (
            username
        )
        assert client.get("/quy-trinh-nghiep-vu").status_code == 200


@pytest.mark.postgres
def test_the_list_shows_each_process_with_its_newest_version_deployer_and_running_instances(client, system):
    deploy_as(system, intake_v2(), "analyst")
    register(system)  # a document starts one intake instance on v2
    login(client, "monitor")
    page = html(client.get("/quy-trinh-nghiep-vu"))
    row = re.search(rf"<tr>\s*<td data-label=\"Quy trình\"><a [^>]*>{INTAKE_NAME}</a>.*?</tr>", page, re.S)[0]
    assert "<code>intake</code>" in row
    assert ">v2</a>" in row and "Lê Quy Trình" in row  # the analyst's full name, not the username
    assert "<li>v2: 1</li>" in row
    assert "Tải lên phiên bản mới" not in page  # monitors read only
    assert "<code>assignment</code>" in page and "<code>periodic_report</code>" in page


def test_the_process_page_lists_versions_newest_first_with_their_instances(client, system):
    register(system)  # runs on v1
    deploy_as(system, intake_v2(), "analyst")
    register(system, document_numbered("16/CT-UBND"))
    register(system, document_numbered("17/CT-UBND"))
    login(client, "monitor")
    page = html(client.get("/quy-trinh-nghiep-vu/quy-trinh/intake"))
    rows = re.findall(r"<tr>\s*<td data-label=\"Phiên bản\">(.*?)</tr>", page, re.S)
    assert [re.search(r">v(\d+)</a>", r)[1] for r in rows] == ["2", "1"]
    assert "Mới nhất" in rows[0] and "Lê Quy Trình" in rows[0]
    running = [
        re.search(r'data-label="Đang chạy" class="num"><a href="([^"]+)">(\d+)<', r).groups() for r in rows
    ]
    v2, v1 = intake_id(system, 2), intake_id(system, 1)
    assert running == [
        (f"/instances?definition_id={v2}&amp;status=running", "2"),
        (f"/instances?definition_id={v1}&amp;status=running", "1"),
    ]
    listed = html(
        client.get(f"/instances?definition_id={v2}&status=running")
    )  # the instances of that version
    assert listed.count('data-label="Mã"') == 2
    assert client.get("/quy-trinh-nghiep-vu/quy-trinh/outtake").status_code == 404


def test_the_version_page_shows_the_diagram_forms_and_downloads(client, system):
    version = intake_id(system)
    login(client, "monitor")
    page = html(client.get(f"/quy-trinh-nghiep-vu/{version}"))
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="bpmn-diagram"' in page  # inline, for zoom and pan
    assert 'data-element-id="classify"' in page
    assert "diagram-zoom.js" in page and "<script>" not in page  # no inline script (CSP)
    assert "<code>tracking_room</code> — Phòng theo dõi" in page
    assert "<code>lead_unit</code>" in page  # a field of each item of tasks, through "$ref": "#/$defs/task"
    assert "Bắt buộc" in page
    assert "<code>classify.uischema.json</code>" in page
    assert "Đặt phiên bản này làm mới nhất" not in page and "trình soạn thảo" not in page  # monitors read

    xml = client.get(f"/quy-trinh-nghiep-vu/{version}/xml")
    assert xml.data == INTAKE.read_bytes()
    assert xml.headers["Content-Disposition"] == 'attachment; filename="intake-v1.bpmn"'
    form = client.get(f"/quy-trinh-nghiep-vu/{version}/bieu-mau/classify.schema.json")
    assert form.mimetype == "application/json"
    assert form.get_json() == json.loads((FORMS / "classify.schema.json").read_bytes())
    assert client.get(f"/quy-trinh-nghiep-vu/{version}/bieu-mau/none.json").status_code == 404
    assert client.get("/quy-trinh-nghiep-vu/999999").status_code == 404


def test_a_version_without_layout_says_the_diagram_cannot_be_drawn(client, system):
    with system.db.transaction() as session:
        (deployed,) = definitions.deploy(
            session=session, settings=system.settings, data=waiter(1), filename="waiter.bpmn", actor="analyst"
        )
        definition_id = deployed.definition.id
    login(client, "analyst")
    page = html(client.get(f"/quy-trinh-nghiep-vu/{definition_id}"))
    assert "Không vẽ được sơ đồ" in page and "không có phần bố cục sơ đồ" in page
    assert "Phiên bản này không có biểu mẫu." in page


@pytest.mark.postgres
def test_an_analyst_makes_v1_the_newest_again_in_one_step(client, system):
    deploy_as(system, intake_v2(), "analyst")
    v1 = intake_id(system, 1)
    login(client, "analyst")
    page = html(client.get(f"/quy-trinh-nghiep-vu/{v1}"))
    assert "Đặt phiên bản này làm mới nhất" in page and "thành phiên bản v3" in page
    assert f'href="/quy-trinh-nghiep-vu/{v1}/sua"' in page  # the editor

    response = client.post(f"/quy-trinh-nghiep-vu/{v1}/dat-moi-nhat", data={"csrf_token": csrf(client)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/quy-trinh-nghiep-vu/quy-trinh/intake"
    assert versions_of(system, "intake") == [(3, "analyst", v1), (2, "analyst", None), (1, "test", None)]
    page = html(client.get("/quy-trinh-nghiep-vu/quy-trinh/intake"))
    assert "Đã đặt phiên bản v1 làm mới nhất: triển khai thành phiên bản v3." in page
    assert "Khôi phục từ v1" in page

    with system.db.reading() as session:
        v3 = definitions.latest_or_raise(session=session, process_id="intake")
        assert v3.bpmn_xml == INTAKE.read_bytes()
        assert v3.forms == definitions.get_or_raise(session=session, definition_id=v1).forms
    instance_id = register_and_instance(system)
    with system.db.reading() as session:
        assert instances.get_or_raise(session=session, instance_id=instance_id).definition_id == v3.id
    # The same file uploaded again is now "unchanged", not a v4.
    with system.db.transaction() as session:
        (again,) = definitions.deploy(
            session=session,
            settings=system.settings,
            data=INTAKE.read_bytes(),
            filename="intake.bpmn",
            actor="x",
        )
        assert not again.created and again.definition.version == 3


def register_and_instance(system) -> int:
    from engine.documents.models import Document

    document_id = register(system, document_numbered("20/CT-UBND"))
    with system.db.reading() as session:
        return session.get(Document, document_id).intake_instance_id


def test_make_newest_is_refused_without_csrf_for_monitors_and_on_the_newest(client, system):
    deploy_as(system, intake_v2(), "analyst")
    v1, v2 = intake_id(system, 1), intake_id(system, 2)
    before = versions_of(system, "intake")
    login(client, "analyst")
    assert client.post(f"/quy-trinh-nghiep-vu/{v1}/dat-moi-nhat").status_code == 400
    refused = client.post(f"/quy-trinh-nghiep-vu/{v2}/dat-moi-nhat", data={"csrf_token": csrf(client)})
    assert refused.status_code == 302
    assert "Phiên bản v2 đã là phiên bản mới nhất." in html(client.get(refused.headers["Location"]))
    assert (
        client.post("/quy-trinh-nghiep-vu/999999/dat-moi-nhat", data={"csrf_token": csrf(client)}).status_code
        == 404
    )
    login(client, "monitor")
    assert (
        client.post(f"/quy-trinh-nghiep-vu/{v1}/dat-moi-nhat", data={"csrf_token": csrf(client)}).status_code
        == 403
    )
    assert versions_of(system, "intake") == before


def test_an_upload_with_problems_lists_them_all_and_deploys_nothing(client, system):
    before = definition_count(system)
    login(client, "analyst")
    response = post_upload(client, THREE_PROBLEMS.read_bytes(), "three_problems.bpmn")
    assert response.status_code == 422
    page = html(response)
    table = page[page.index("<h2>Lỗi (") : page.index("<h2>Cảnh báo")]
    rows = re.findall(r"<tr>\s*<td data-label=\"Tệp\">three_problems.bpmn</td>(.*?)</tr>", table, re.S)
    assert len(rows) >= 3
    elements = {re.search(r'data-label="Phần tử">(.*?)</td>', r)[1] for r in rows}
    assert {"<code>start</code>", "<code>to_nowhere</code>"} <= elements
    assert all(re.search(r'data-label="Dòng" class="num">\d+<', r) for r in rows)  # every one has its line
    assert "Chưa chạy kịch bản kiểm thử vì sơ đồ còn lỗi." in page
    assert 'name="upload"' not in page and "Không thể triển khai" in page
    assert definition_count(system) == before


def test_a_valid_upload_is_deployed_only_when_confirmed(client, system):
    classify = json.loads((FORMS / "classify.schema.json").read_bytes())
    classify["title"] = "Phân loại (mẫu mới)"
    before = definition_count(system)
    login(client, "analyst")
    response = post_upload(
        client, intake_v2(), "intake.bpmn", intake_forms(**{"classify.schema.json": classify})
    )
    page = html(response)
    assert response.status_code == 200, page
    assert "<h2>Lỗi (0)</h2>" in page and "classify.schema.json" in page
    assert definition_count(system) == before  # nothing yet

    deployed = client.post(
        "/quy-trinh-nghiep-vu/tai-len/trien-khai",
        data={"csrf_token": csrf(client), "upload": upload_token(page)},
    )
    assert deployed.status_code == 302
    assert deployed.headers["Location"] == "/quy-trinh-nghiep-vu/quy-trinh/intake"
    assert "Đã triển khai " + INTAKE_NAME + ": phiên bản v2." in html(
        client.get(deployed.headers["Location"])
    )
    assert versions_of(system, "intake")[0] == (2, "analyst", None)
    with system.db.reading() as session:
        v2 = definitions.latest_or_raise(session=session, process_id="intake")
        assert v2.bpmn_xml == intake_v2()
        assert v2.forms["classify.schema.json"]["title"] == "Phân loại (mẫu mới)"


def test_a_tampered_foreign_or_stale_confirmation_is_refused(client, system, clock):
    before = definition_count(system)
    login(client, "analyst")
    token = upload_token(html(post_upload(client, intake_v2(), "intake.bpmn")))

    def confirm(value: str):
        return client.post(
            "/quy-trinh-nghiep-vu/tai-len/trien-khai", data={"csrf_token": csrf(client), "upload": value}
        )

    tampered = confirm(token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    assert tampered.status_code == 400
    assert "Nội dung xác nhận không hợp lệ hoặc đã quá hạn" in html(tampered)
    assert confirm("").status_code == 400
    assert (
        client.post("/quy-trinh-nghiep-vu/tai-len/trien-khai", data={"upload": token}).status_code == 400
    )  # CSRF
    login(client, "admin")
    assert confirm(token).status_code == 400  # signed for the analyst, not for whoever holds it
    login(client, "monitor")
    assert confirm(token).status_code == 403
    clock.move_to(clock.now() + timedelta(hours=2, minutes=1))
    login(client, "analyst")  # a new session: the old one has been idle too long anyway
    assert confirm(token).status_code == 400
    assert definition_count(system) == before


def test_the_upload_form_and_its_refusals(client, system):
    login(client, "analyst")
    page = html(client.get("/quy-trinh-nghiep-vu/tai-len"))
    assert 'enctype="multipart/form-data"' in page and 'name="forms"' in page and "multiple" in page
    missing = client.post(
        "/quy-trinh-nghiep-vu/tai-len", data={"csrf_token": csrf(client)}, content_type="multipart/form-data"
    )
    assert missing.status_code == 400 and "Chọn tệp sơ đồ BPMN" in html(missing)
    assert post_upload(client, intake_v2(), "intake.bpmn", token="sai").status_code == 400
    login(client, "monitor")
    assert client.get("/quy-trinh-nghiep-vu/tai-len").status_code == 403
    assert post_upload(client, intake_v2(), "intake.bpmn").status_code == 403


def test_an_upload_whose_scenarios_fail_is_deployed_only_with_a_stated_reason(client, system):
    before = definition_count(system)
    login(client, "analyst")
    response = post_upload(client, intake_renamed_classify(), "intake.bpmn")
    page = html(response)
    assert response.status_code == 422
    assert "<h2>Lỗi (0)</h2>" in page
    assert "processes/tests/intake.yaml" in page and "Không đạt" in page
    assert "Vẫn triển khai" in page and 'name="reason"' in page and ">Triển khai</button>" not in page

    def confirm(**fields):
        data = {"csrf_token": csrf(client), "upload": upload_token(page), **fields}
        return client.post("/quy-trinh-nghiep-vu/tai-len/trien-khai", data=data)

    for refused in (confirm(), confirm(reason="   "), confirm(reason="x" * 1001)):
        assert refused.status_code == 400 and "hãy ghi lý do vẫn triển khai" in html(refused)
    assert definition_count(system) == before

    why = "Đổi tên bước theo Quyết định mới; kịch bản sẽ cập nhật sau"
    assert confirm(reason=why).status_code == 302
    with system.db.reading() as session:
        v2 = definitions.latest_or_raise(session=session, process_id="intake")
    assert (v2.version, v2.bpmn_xml, v2.deployed_by) == (2, intake_renamed_classify(), "analyst")
    assert v2.deploy_note.endswith(why) and "kịch bản kiểm thử không đạt" in v2.deploy_note
    assert why in html(client.get("/quy-trinh-nghiep-vu/quy-trinh/intake"))


def test_form_fields_follow_references_and_stop_on_a_schema_that_refers_to_itself():
    tree = {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"title": "Tên", "type": "string", "format": "date"},
            "children": {"title": "Đơn vị con", "type": "array", "items": {"$ref": "#/$defs/unit"}},
            "kind": {"$ref": "#/$defs/kind", "title": "Loại riêng"},
        },
        "$defs": {
            "kind": {"title": "Loại", "type": ["string", "null"], "enum": ["a", "b", None]},
            "unit": {
                "type": "object",
                "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/unit"}}},
            },
        },
    }
    fields = form_fields(tree)
    assert [(f["name"], f["title"], f["type"], f["required"]) for f in fields] == [
        ("name", "Tên", "ngày", True),
        ("children", "Đơn vị con", "danh sách", False),
        ("kind", "Loại riêng", "văn bản, có thể để trống, chọn trong 3 giá trị", False),
    ]
    depth, level = 0, fields
    while level:
        level = next(f for f in level if f["name"] == "children")["fields"]
        depth += 1
    assert depth == MAX_FIELD_DEPTH + 1  # the levels below the root are cut there
