"""Files on start forms: uploaded for starting a process by the one who starts it, bound on start to the new
instance and to the record it creates (a unit's correction request, a local feedback), read by whoever may
see that record and by nobody else; someone else's upload, or one already used, starts nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from engine.feedback.models import DataCorrection, LocalFeedback
from engine.files.models import DATA_CORRECTION, LOCAL_FEEDBACK, StoredFile
from engine.instances.models import ProcessInstance
from tests.engine.files import samples
from tests.factories import add_assignment, add_document
from tests.web.test_pages import csrf, login

FLAG = {
    "wrong_fields": ["e"],
    "proposed": "Thời hạn 27/02/2026 theo văn bản đính chính.",
    "reason": "Văn bản đính chính số 20/KH-UBND đã lùi thời hạn.",
}


@pytest.fixture
def assignment_id(system, directory) -> int:
    """An assignment led by Sở Tài chính; Sở Xây dựng has nothing to do with it."""
    with system.db.transaction() as session:
        document = add_document(session, issued_on=date(2026, 1, 5))
        return add_assignment(session, document, seq=1, lead="SO_TC", due=date(2026, 3, 31)).id


def sign_in(client, username: str) -> dict:
    """Sign `username` in (out of whoever was) and return the headers of the page's own calls."""
    with client.session_transaction() as session:
        signed_in = "csrf" in session
    if signed_in:
        client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, username)
    return {"X-CSRF-Token": csrf(client), "Accept": "application/json"}


def upload(client, headers: dict, process_id: str, name: str = "Căn cứ.pdf"):
    data = {"file": (io.BytesIO(samples.pdf()), name), "process_id": process_id}
    return client.post("/tep-dinh-kem", headers=headers, data=data, content_type="multipart/form-data")


def instances(system) -> int:
    with system.db.reading() as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance))


def stored(system, file_id: int) -> StoredFile:
    with system.db.reading() as session:
        return session.get(StoredFile, file_id)


def test_a_units_correction_request_carries_its_files_to_those_who_see_it(
    system, directory, client, assignment_id
):
    headers = sign_in(client, "sotc")
    page = client.get("/start/data_correction_request").get_data(as_text=True)
    assert '"process_id": "data_correction_request"' in page.replace("\\u0022", '"')  # the widget's target
    sent = upload(client, headers, "data_correction_request")
    assert sent.status_code == 201, sent.get_json()
    file_id = sent.get_json()["file_id"]
    row = stored(system, file_id)
    assert (row.purpose, row.process_id, row.subject, row.attached_at) == (
        "start",
        "data_correction_request",
        None,
        None,
    )

    started = client.post(
        "/start/data_correction_request",
        json={"assignment_id": assignment_id, **FLAG, "attachments": [{"file_id": file_id, "name": "x.exe"}]},
        headers=headers,
    )
    assert started.status_code == 200, started.get_json()
    with system.db.reading() as session:
        record = session.scalar(select(DataCorrection))
        row = session.get(StoredFile, file_id)
    # The record keeps the server's name of the file, not what the browser sent.
    assert [(f["file_id"], f["name"]) for f in record.attachments] == [(file_id, "Căn cứ.pdf")]
    assert (row.instance_id, row.subject, row.subject_id) == (record.instance_id, DATA_CORRECTION, record.id)
    assert row.attached_at is not None

    url = f"/tep-dinh-kem/{file_id}"
    for username, status in (("sotc", 200), ("ldsotc", 200), ("cv", 200), ("ct", 200), ("soxd", 403)):
        sign_in(client, username)
        assert client.get(url).status_code == status, username
    sign_in(client, "cv")  # the assignment page lists the request with its file
    page = client.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    assert f'href="{url}"' in page and "Căn cứ.pdf" in page


def test_a_local_feedback_without_an_assignment_is_read_by_vp_and_the_sender_only(system, directory, client):
    headers = sign_in(client, "xabx")
    file_id = upload(client, headers, "local_feedback", "Phản hồi.pdf").get_json()["file_id"]
    started = client.post(
        "/start/local_feedback",
        json={
            "about_unit": "SO_XD",
            "content": "Sở Xây dựng chưa trả lời đề nghị của xã.",
            "attachments": [{"file_id": file_id}],
        },
        headers=headers,
    )
    assert started.status_code == 200, started.get_json()
    with system.db.reading() as session:
        record = session.scalar(select(LocalFeedback))
        row = session.get(StoredFile, file_id)
    assert [f["file_id"] for f in record.attachments] == [file_id]
    assert (row.subject, row.subject_id, row.instance_id) == (LOCAL_FEEDBACK, record.id, record.instance_id)
    for username, status in (("xabx", 200), ("cv", 200), ("sotc", 403), ("soxd", 403)):
        sign_in(client, username)
        assert client.get(f"/tep-dinh-kem/{file_id}").status_code == status, username


def test_a_local_feedback_about_an_assignment_is_read_by_those_who_see_the_assignment(
    system, directory, client, assignment_id
):
    headers = sign_in(client, "xabx")
    file_id = upload(client, headers, "local_feedback").get_json()["file_id"]
    form = {"about_unit": "SO_TC", "assignment_id": assignment_id, "content": "Sở Tài chính chậm trả lời."}
    started = client.post(
        "/start/local_feedback", json={**form, "attachments": [{"file_id": file_id}]}, headers=headers
    )
    assert started.status_code == 200, started.get_json()
    for username, status in (("xabx", 200), ("cv", 200), ("sotc", 200), ("soxd", 403)):
        sign_in(client, username)
        assert client.get(f"/tep-dinh-kem/{file_id}").status_code == status, username


def test_someone_elses_upload_or_a_used_one_starts_nothing(system, directory, client, assignment_id):
    headers = sign_in(client, "ldsotc")
    theirs = upload(client, headers, "data_correction_request").get_json()["file_id"]
    headers = sign_in(client, "sotc")
    before = instances(system)
    form = {"assignment_id": assignment_id, **FLAG}
    refused = client.post(
        "/start/data_correction_request", json={**form, "attachments": [{"file_id": theirs}]}, headers=headers
    )
    assert refused.status_code == 422
    assert refused.get_json()["details"]["fields"] == {
        "attachments/0/file_id": "tệp không tồn tại, không do bạn tải lên cho biểu mẫu này hoặc đã thuộc "
        "quy trình khác"
    }
    assert instances(system) == before
    assert (stored(system, theirs).subject, stored(system, theirs).attached_at) == (None, None)

    # An upload for another process's start form is not this one's either.
    other = upload(client, headers, "local_feedback").get_json()["file_id"]
    refused = client.post(
        "/start/data_correction_request", json={**form, "attachments": [{"file_id": other}]}, headers=headers
    )
    assert refused.status_code == 422 and instances(system) == before

    mine = upload(client, headers, "data_correction_request").get_json()["file_id"]
    first = client.post(
        "/start/data_correction_request", json={**form, "attachments": [{"file_id": mine}]}, headers=headers
    )
    assert first.status_code == 200
    after = instances(system)
    again = client.post(
        "/start/data_correction_request", json={**form, "attachments": [{"file_id": mine}]}, headers=headers
    )
    assert again.status_code == 422 and instances(system) == after
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(DataCorrection)) == 1


def test_an_upload_for_a_start_form_needs_the_right_to_start_it_and_a_files_field(system, directory, client):
    headers = sign_in(client, "cv")
    refused = upload(client, headers, "data_correction_request")  # started by units only
    assert refused.status_code == 403
    no_field = upload(client, headers, "data_correction")  # VP's own request takes no files
    assert no_field.status_code == 422
    assert no_field.get_json()["details"]["fields"] == {
        "process_id": "biểu mẫu khởi tạo không có trường tệp đính kèm"
    }
    assert upload(client, headers, "khong_co_quy_trinh").status_code == 404
    with system.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(StoredFile)) == 0


def test_the_api_uploads_for_a_start_form_and_starts_with_the_file(
    system, directory, client, auth_headers, assignment_id
):
    data = {"file": (io.BytesIO(samples.pdf()), "Căn cứ.pdf"), "process_id": "data_correction_request"}
    sent = client.post(
        "/api/v1/files", headers=auth_headers("sotc"), data=data, content_type="multipart/form-data"
    )
    assert sent.status_code == 201, sent.get_json()
    file_id = sent.get_json()["id"]
    body = {
        "process_id": "data_correction_request",
        "data": {"assignment_id": assignment_id, **FLAG, "attachments": [{"file_id": file_id}]},
    }
    started = client.post("/api/v1/process-instances", json=body, headers=auth_headers("sotc"))
    assert started.status_code == 201, started.get_json()
    path = f"/api/v1/files/{file_id}/content"
    assert client.get(path, headers=auth_headers("cv")).status_code == 200
    assert client.get(path, headers=auth_headers("soxd")).status_code == 403
