"""Tệp đính kèm over HTTP: the API (upload, metadata, download; checked against the OpenAPI document) and
the pages (the form widget's upload with the session and CSRF, download and inline preview)."""

from __future__ import annotations

import hashlib
import io
from urllib.parse import unquote

import pytest

from tests.engine.files import samples
from tests.engine.files.helpers import add_coordinating_user, at_update
from tests.web.test_api import api as checked_api  # noqa: F401  (the fixture)
from tests.web.test_pages import csrf, login


@pytest.fixture
def api(checked_api):  # noqa: F811  (the fixture imported above)
    """call(user, method, path, template, ...): every answer checked against the OpenAPI document; user
    None calls without a token."""
    return lambda username, *args, **kwargs: checked_api(username).call(*args, **kwargs)


def _form(content: bytes, name: str, **fields) -> dict:
    return {"data": {"file": (io.BytesIO(content), name), **fields}, "content_type": "multipart/form-data"}


def test_the_api_uploads_describes_and_returns_a_file(system, directory, api):
    at = at_update(system, directory)
    content = samples.pdf()
    created = api(
        "sotc", "POST", "/api/v1/files", "/api/v1/files", **_form(content, "Báo cáo.pdf", task_id=at.task_id)
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body == {
        "id": body["id"],
        "name": "Báo cáo.pdf",
        "size": len(content),
        "content_type": "application/pdf",
        "sha256": hashlib.sha256(content).hexdigest(),
    }
    path = f"/api/v1/files/{body['id']}"
    meta = api("sotc", "GET", path, "/api/v1/files/{file_id}").get_json()
    assert (meta["uploaded_by"], meta["attached"], meta["task_id"]) == ("sotc", False, at.task_id)
    download = api("sotc", "GET", path + "/content", "/api/v1/files/{file_id}/content")
    assert download.status_code == 200 and download.data == content
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Bao cao.pdf"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Báo cáo.pdf"

    # Not attached yet: the uploader only (VP sees the assignment's files once they are in its history).
    assert api("soxd", "GET", path, "/api/v1/files/{file_id}").status_code == 403
    assert api("cv", "GET", path, "/api/v1/files/{file_id}").status_code == 403
    assert api(None, "GET", path + "/content", "/api/v1/files/{file_id}/content").status_code == 401
    done = api(
        "sotc",
        "POST",
        f"/api/v1/user-tasks/{at.task_id}/complete",
        "/api/v1/user-tasks/{task_id}/complete",
        json={"kind": "progress", "situation": "Đã có dự thảo", "attachments": [{"file_id": body["id"]}]},
    )
    assert done.status_code == 200
    assert api("cv", "GET", path, "/api/v1/files/{file_id}").get_json()["attached"] is True
    assert api("monitor", "GET", path + "/content", "/api/v1/files/{file_id}/content").data == content
    assert api("soxd", "GET", path + "/content", "/api/v1/files/{file_id}/content").status_code == 403
    assert api("cv", "GET", "/api/v1/files/999999", "/api/v1/files/{file_id}").status_code == 404


@pytest.mark.parametrize("settings_overrides", [{"files_max_bytes": 2048}])
def test_the_api_refuses_large_renamed_and_missing_files_in_vietnamese(system, directory, api):
    at = at_update(system, directory)
    template = "/api/v1/files"

    def post(content, name, **fields):
        return api("sotc", "POST", template, template, **_form(content, name, task_id=at.task_id, **fields))

    too_large = post(b"%PDF-" + b"0" * 2044, "lon.pdf")  # 2049 bytes
    assert too_large.status_code == 413
    assert (
        too_large.get_json()["message"] == "Tệp “lon.pdf” vượt quá dung lượng cho phép (tối đa 2 KB mỗi tệp)."
    )
    renamed = post(samples.exe(), "bao-cao.pdf")
    assert renamed.status_code == 422 and renamed.get_json()["error"] == "file_type_refused"
    assert "nội dung tệp không phải PDF" in renamed.get_json()["message"]
    assert post(samples.exe(), "setup.exe").status_code == 422
    missing = api(
        "sotc", "POST", template, template, data={"task_id": at.task_id}, content_type="multipart/form-data"
    )
    assert missing.status_code == 422 and missing.get_json()["details"]["fields"] == {"file": "bắt buộc"}
    json_body = api("sotc", "POST", template, template, json={"task_id": at.task_id})
    assert json_body.status_code == 422
    big_body = api(
        "sotc",
        "POST",
        template,
        template,
        **_form(b"%PDF-" + b"0" * 200_000, "rat-lon.pdf", task_id=at.task_id),
    )
    assert big_body.status_code == 413  # refused from its Content-Length, before anything is read
    assert not any((system.settings.data_dir / "files").glob("??/*"))
    assert list((system.settings.data_dir / "files" / ".incoming").iterdir()) == []


def test_a_completion_naming_another_users_file_is_refused(system, directory, api):
    at = at_update(system, directory)
    theirs = api(
        "ldsotc",
        "POST",
        "/api/v1/files",
        "/api/v1/files",
        **_form(samples.png(), "anh.png", task_id=at.task_id),
    ).get_json()
    refused = api(
        "sotc",
        "POST",
        f"/api/v1/user-tasks/{at.task_id}/complete",
        "/api/v1/user-tasks/{task_id}/complete",
        json={"kind": "progress", "situation": "Đã có dự thảo", "attachments": [{"file_id": theirs["id"]}]},
    )
    assert refused.status_code == 422
    assert refused.get_json()["details"]["fields"] == {
        "attachments/0/file_id": "tệp không tồn tại hoặc không được bạn tải lên cho công việc này"
    }


def test_the_page_upload_and_the_download_and_preview_with_safe_headers(system, directory, client):
    at = at_update(system, directory)
    add_coordinating_user(system, directory)
    login(client, "sotc")
    page = client.get(f"/tasks/{at.task_id}").get_data(as_text=True)
    assert "form-files.js" in page and '"task_id": "' + at.task_id + '"' in page.replace("\\u0022", '"')
    no_token = client.post("/tep-dinh-kem", **_form(samples.pdf(), "a.pdf", task_id=at.task_id))
    assert no_token.status_code == 400  # CSRF
    headers = {"X-CSRF-Token": csrf(client), "Accept": "application/json"}
    sent = client.post(
        "/tep-dinh-kem", headers=headers, **_form(samples.pdf(), "Báo cáo.pdf", task_id=at.task_id)
    )
    assert sent.status_code == 201
    body = sent.get_json()
    assert body["url"] == f"/tep-dinh-kem/{body['file_id']}" and body["name"] == "Báo cáo.pdf"
    refused = client.post(
        "/tep-dinh-kem", headers=headers, **_form(samples.exe(), "a.pdf", task_id=at.task_id)
    )
    assert refused.status_code == 422 and "nội dung tệp không phải PDF" in refused.get_json()["message"]
    forbidden = client.post(
        "/tep-dinh-kem", headers=headers, **_form(samples.pdf(), "a.pdf", purpose="document")
    )
    assert (
        forbidden.status_code == 403
        and forbidden.get_json()["message"] == "Bạn không có quyền truy cập nội dung này."
    )

    done = client.post(
        f"/tasks/{at.task_id}/complete",
        json={"kind": "progress", "situation": "Đang làm", "attachments": [{"file_id": body["file_id"]}]},
        headers=headers,
    )
    assert done.status_code == 200, done.get_json()
    preview = client.get(body["url"] + "?xem=1")
    assert preview.data == samples.pdf()
    assert preview.headers["Content-Disposition"].startswith('inline; filename="Bao cao.pdf"')
    assert preview.headers["X-Content-Type-Options"] == "nosniff"
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]
    assert "script-src" not in preview.headers["Content-Security-Policy"]  # default-src 'none': no script
    download = client.get(body["url"])
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Frame-Options"] == "DENY"

    # The assignment page lists it with its size and a preview, for the coordinating unit too.
    client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, "sonv")
    html = client.get(f"/assignments/{at.assignment_id}").get_data(as_text=True)
    assert f'href="/tep-dinh-kem/{body["file_id"]}"' in html and "Báo cáo.pdf" in html
    assert f'data-src="/tep-dinh-kem/{body["file_id"]}?xem=1"' in html and "<summary>Xem</summary>" in html
    assert client.get(body["url"]).status_code == 200
    client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, "soxd")
    assert client.get(body["url"]).status_code == 403
    client.post("/logout", data={"csrf_token": csrf(client)})
    assert client.get(body["url"]).status_code == 302  # to the login page


def test_a_text_file_is_never_shown_inline(system, directory, client):
    at = at_update(system, directory)
    login(client, "sotc")
    headers = {"X-CSRF-Token": csrf(client)}
    text = "<script>alert(1)</script> Báo cáo".encode()
    sent = client.post("/tep-dinh-kem", headers=headers, **_form(text, "ghi-chu.txt", task_id=at.task_id))
    assert sent.status_code == 201
    shown = client.get(sent.get_json()["url"] + "?xem=1")
    assert shown.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert shown.headers["Content-Disposition"].startswith("attachment;")


def test_vp_registers_a_document_with_its_files_from_the_page(system, directory, client):
    login(client, "cv")
    page = client.get("/documents/new").get_data(as_text=True)
    assert "form-files.js" in page
    headers = {"X-CSRF-Token": csrf(client)}
    scan = client.post(
        "/tep-dinh-kem", headers=headers, **_form(samples.pdf(), "QĐ 12.pdf", purpose="document")
    )
    assert scan.status_code == 201
    file_id = scan.get_json()["file_id"]
    payload = {
        "number": "12/QĐ-UBND",
        "doc_type": "Quyết định",
        "title": "Về việc giao nhiệm vụ chuyển đổi số",
        "issued_on": "2025-01-24",
        "secrecy": "normal",
        "tasks": [{"content": "Xây dựng kho dữ liệu dùng chung", "lead_unit": "SO_TC"}],
        "attachments": [{"file_id": file_id, "name": "khác.pdf"}],
    }
    registered = client.post("/documents/new", json=payload, headers=headers)
    assert registered.status_code == 200, registered.get_json()
    html = client.get(registered.get_json()["redirect"]).get_data(as_text=True)
    assert "QĐ 12.pdf" in html and "khác.pdf" not in html and f'href="/tep-dinh-kem/{file_id}"' in html
