"""Sửa quy trình: who may open the editor, and what the page hands the browser (the stored version's XML
and forms, the registered operators, the working-day helpers, the upload form it saves to)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from engine import operators
from engine.definitions import service as definitions
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
    notify = {p["name"]: p for p in by_name["notify"]["parameters"]}
    assert notify["group"]["required"] is True
    assert any(not p["required"] for p in notify.values())
    # It saves to the upload page, as files, with the session's CSRF token.
    form = re.search(r'<form id="modeler-submit"[^>]*>', page)[0]
    assert 'action="/quy-trinh-nghiep-vu/tai-len"' in form
    assert 'enctype="multipart/form-data"' in form
    assert f'name="csrf_token" value="{csrf(client)}"' in page


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
