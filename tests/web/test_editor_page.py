"""Sửa quy trình: who may open the editor, and what the page hands the browser (the stored version's XML
and forms, the registered operators by their Vietnamese titles, the working-day helpers, the upload form
it saves to); a save from the editor leads back to it, and its deploy tells the browser to drop the draft."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from engine import operators
from engine.definitions import service as definitions
from engine.web.pages.definitions import EDITED_REFUSED
from tests.web.test_definition_pages import THREE_PROBLEMS, definition_count, intake_v2, upload_token
from tests.web.test_pages import csrf, html, login

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


@pytest.fixture
def client(app, directory):
    return app.test_client()


def intake(system, version: int | None = None):
    with system.db.reading() as session:
        if version is None:
            return definitions.latest_or_raise(session=session, process_id="intake")
        [found] = [d for d in definitions.list_(session=session, process_id="intake") if d.version == version]
        return found


def deploy(system, data: bytes, forms: dict[str, bytes] | None = None):
    with system.db.transaction() as session:
        [result] = definitions.deploy(
            session=session,
            settings=system.settings,
            data=data,
            filename="intake.bpmn",
            actor="analyst",
            forms=forms,
        )
        return result.definition.id


def editor_config(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="modeler-config">(.*?)</script>', page, re.S)
    return json.loads(found[1])


def test_an_analyst_opens_the_newest_intake_with_its_forms_and_the_engine_vocabulary(system, client):
    definition = intake(system)
    login(client, "analyst")
    response = client.get(f"/quy-trinh-nghiep-vu/{definition.id}/sua")
    assert response.status_code == 200
    page = html(response)
    assert "Sửa quy trình: Tiếp nhận, phân loại văn bản chỉ đạo và chuyển theo dõi" in page
    assert f"phiên bản {definition.version}" in page
    config = editor_config(page)
    assert config["xml"] == bytes(definition.bpmn_xml).decode("utf-8")
    assert config["filename"] == "intake.bpmn"
    assert config["forms"] == definition.forms
    assert {"classify.schema.json", "classify.uischema.json"} <= set(config["forms"])
    assert config["roles"]["vp_specialist"] == "Chuyên viên theo dõi (Văn phòng UBND tỉnh)"
    assert config["helpers"] == sorted(operators.script_helpers())
    by_name = {op["name"]: op for op in config["operators"]}
    assert set(by_name) == {spec.name for spec in operators.describe()}
    assert by_name["notify"]["title"] == "Gửi thông báo cho một nhóm người dùng"
    assert all(op["title"] for op in config["operators"]) and "summary" not in by_name["notify"]
    notify = {p["name"]: p for p in by_name["notify"]["parameters"]}
    assert notify["group"]["required"] is True
    assert any(not p["required"] for p in notify.values())
    # It saves to the upload page, as files, with the session's CSRF token.
    form = re.search(r'<form id="modeler-submit"[^>]*>', page)[0]
    assert 'action="/quy-trinh-nghiep-vu/tai-len"' in form
    assert 'enctype="multipart/form-data"' in form
    assert f'name="csrf_token" value="{csrf(client)}"' in page
    # It names the version it was opened on: the report leads back here, the draft is kept under that id.
    assert f'<input type="hidden" name="edited_definition" value="{definition.id}">' in page
    assert config["definitionId"] == definition.id and config["timeZone"] == "Asia/Ho_Chi_Minh"


def test_the_page_has_no_inline_script_or_handler(system, client):
    login(client, "analyst")
    page = html(client.get(f"/quy-trinh-nghiep-vu/{intake(system).id}/sua"))
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert not re.search(r"\son[a-z]+=", page)
    assert "vendor/bpmn-js/bpmn-modeler.production.min.js" in page


def test_an_earlier_version_opens_as_it_was_stored(system, client):
    first = intake(system)
    renamed = bytes(first.bpmn_xml).replace(
        'name="Phân loại nhiệm vụ, chuyển theo dõi"'.encode(),
        'name="Phân loại và chuyển theo dõi"'.encode(),
    )
    assert renamed != bytes(first.bpmn_xml)
    deploy(system, renamed)
    login(client, "analyst")
    config = editor_config(html(client.get(f"/quy-trinh-nghiep-vu/{first.id}/sua")))
    assert config["xml"] == bytes(first.bpmn_xml).decode("utf-8")
    assert intake(system).version == first.version + 1


def test_a_version_stored_in_another_encoding_opens_as_text(system, client):
    source = (PROCESSES / "intake.bpmn").read_text(encoding="utf-8")
    utf16 = source.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    definition_id = deploy(system, utf16)
    login(client, "analyst")
    config = editor_config(html(client.get(f"/quy-trinh-nghiep-vu/{definition_id}/sua")))
    assert config["xml"].startswith("<bpmn:definitions")
    assert 'name="Tiếp nhận, phân loại văn bản chỉ đạo và chuyển theo dõi"' in config["xml"]


@pytest.mark.parametrize("username", ["sotc", "monitor", "cv"])
def test_other_roles_may_not_open_the_editor(system, client, username):
    login(client, username)
    response = client.get(f"/quy-trinh-nghiep-vu/{intake(system).id}/sua")
    assert response.status_code == 403
    assert "Bạn không có quyền truy cập nội dung này." in html(response)


def test_an_administrator_may_open_the_editor(system, client):
    login(client, "admin")
    assert client.get(f"/quy-trinh-nghiep-vu/{intake(system).id}/sua").status_code == 200


def test_without_login_the_editor_sends_to_the_login_page(system, client):
    response = client.get(f"/quy-trinh-nghiep-vu/{intake(system).id}/sua")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_an_unknown_version_is_404(client):
    login(client, "analyst")
    response = client.get("/quy-trinh-nghiep-vu/999999/sua")
    assert response.status_code == 404
    assert "Không tìm thấy nội dung yêu cầu." in html(response)


def save_from_editor(client, data: bytes, edited: str | None, filename: str = "intake.bpmn"):
    """What the editor's save posts: the diagram as a file, and the version it was opened on."""
    form = {"file": (io.BytesIO(data), filename), "csrf_token": csrf(client)}
    if edited is not None:
        form["edited_definition"] = edited
    return client.post("/quy-trinh-nghiep-vu/tai-len", data=form, content_type="multipart/form-data")


def test_a_save_from_the_editor_leads_back_to_it_and_its_deploy_drops_the_draft(system, client):
    opened = intake(system).id
    login(client, "analyst")
    response = save_from_editor(client, intake_v2(), str(opened))
    page = html(response)
    assert response.status_code == 200, page
    assert f'href="/quy-trinh-nghiep-vu/{opened}/sua">Quay lại sửa</a>' in page

    deployed = client.post(
        "/quy-trinh-nghiep-vu/tai-len/trien-khai",
        data={"csrf_token": csrf(client), "upload": upload_token(page)},
    )
    assert deployed.headers["Location"] == f"/quy-trinh-nghiep-vu/quy-trinh/intake?draft={opened}"
    landing = html(client.get(deployed.headers["Location"]))
    assert f'data-deployed-draft="{opened}"' in landing
    assert re.search(r'<script src="[^"]*/modeler/drafts\.js">', landing)
    assert intake(system).version == 2
    # The same page, reached any other way, drops nothing.
    plain = html(client.get("/quy-trinh-nghiep-vu/quy-trinh/intake"))
    assert "data-deployed-draft" not in plain and "drafts.js" not in plain


def test_a_refused_save_from_the_editor_leads_back_to_it_and_a_plain_upload_does_not(system, client):
    opened = intake(system).id
    login(client, "analyst")
    refused = save_from_editor(client, THREE_PROBLEMS.read_bytes(), str(opened), "three_problems.bpmn")
    assert refused.status_code == 422
    assert "Không thể triển khai: sơ đồ còn 3 lỗi." in html(refused)
    assert f'href="/quy-trinh-nghiep-vu/{opened}/sua">Quay lại sửa</a>' in html(refused)
    plain = save_from_editor(client, THREE_PROBLEMS.read_bytes(), None, "three_problems.bpmn")
    assert plain.status_code == 422 and "Quay lại sửa" not in html(plain)


@pytest.mark.parametrize("edited", ["", "abc", "1.5", "0", "-1", "999999", str(2**31), "9" * 5000])
def test_a_save_naming_no_stored_version_is_refused_and_changes_nothing(system, client, edited):
    before = definition_count(system)
    login(client, "analyst")
    response = save_from_editor(client, intake_v2(), edited)
    assert response.status_code == 400
    assert EDITED_REFUSED in html(response)
    assert "Kết quả kiểm tra" not in html(response) and definition_count(system) == before
