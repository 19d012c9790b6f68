"""Nhập dữ liệu through the pages and the API: upload, the guessed columns and the preview, the check listing
every problem by row, the import refused unless the file is valid or only the valid rows are asked for; VP
specialists and administrators only; a file that is not an .xlsx, forged or too large gets a clear 4xx."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine import clock as clock_module
from engine.assignments.models import Assignment
from engine.history import ChangeRecord
from engine.imports import staging
from tests.engine.imports.sheets import COLUMN, FIRST_ROW, task_row, tracking_sheet, workbook
from tests.web.test_pages import csrf, html, login

MAX_BYTES = 64 * 1024


@pytest.fixture
def settings_overrides() -> dict:
    return {"files_max_bytes": MAX_BYTES}


@pytest.fixture
def office_sheet():
    """40 tasks; rows 3 and 12 of the tasks (sheet rows FIRST_ROW+2, FIRST_ROW+11) are wrong."""
    sheet = tracking_sheet(40, open_every=10)
    sheet.rows[2][COLUMN["Cơ quan chủ trì"]] = "Sở Không Có"
    sheet.rows[11][COLUMN["Ngày hoàn thành"]] = "hôm qua"
    sheet.rows[11][COLUMN["Tình trạng"]] = "Đã hoàn thành"
    return sheet


def _upload(client, data: bytes, name: str = "theo-doi.xlsx"):
    return client.post(
        "/nhap-du-lieu",
        data={"csrf_token": csrf(client), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _assignments(system) -> int:
    with system.db.reading() as session:
        return session.scalar(select(func.count()).select_from(Assignment))


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def test_upload_guess_preview_check_and_import_with_only_the_valid_rows(
    system, client, directory, office_sheet
):
    login(client, "cv")
    start = client.get("/nhap-du-lieu")
    assert start.status_code == 200 and "Tải lên bảng theo dõi nhiệm vụ" in html(start)

    uploaded = _upload(client, office_sheet.xlsx())
    assert uploaded.status_code == 302
    mapping_url = uploaded.headers["Location"]
    token = mapping_url.rsplit("/", 1)[1]
    page = client.get(mapping_url)
    assert page.status_code == 200
    assert re.search(
        r'name="col_lead_unit">.*?<option value="6" selected>G — Cơ quan chủ trì</option>', html(page), re.S
    )
    assert "dòng 4: STT · Số, ký hiệu · Ngày ban hành" in _text(page)
    assert "Xem trước 10 dòng đầu" in _text(page)
    assert "không có đơn vị “Sở Không Có” trong danh mục" in html(page)  # row 3 of the preview
    assert html(page).count("Nhiệm vụ mới, ") == 9

    chosen = {"csrf_token": csrf(client), "col_situation": "", "tracking_room": "Phòng Kinh tế"}
    previewed = client.post(mapping_url, data=chosen)
    assert "<th>Tình hình thực hiện</th>" not in html(previewed)
    assert '<option value="Phòng Kinh tế" selected>' in html(previewed)

    checked = client.post(mapping_url + "/kiem-tra", data=chosen)
    assert checked.status_code == 200
    rows = re.findall(r'<td data-label="Dòng">(\d+)</td>', html(checked))
    assert rows == [str(FIRST_ROW + 2), str(FIRST_ROW + 11)]
    assert "Chỉ nhập các dòng hợp lệ" in html(checked) and "Chạy thử: chưa ghi gì." in html(checked)
    assert _assignments(system) == 0

    refused = client.post(mapping_url + "/nhap", data=chosen)
    assert refused.status_code == 422 and _assignments(system) == 0

    imported = client.post(mapping_url + "/nhap", data={**chosen, "valid_only": "1"})
    assert imported.status_code == 200, _text(imported)
    assert "Đã nhập 38 nhiệm vụ" in html(imported)
    assert _assignments(system) == 38
    with system.db.reading() as session:
        rooms = set(session.scalars(select(Assignment.tracking_room)))
        assert rooms == {"Phòng Kinh tế"}
    assert not list(staging.folder(system.settings).glob(f"{token}*"))  # the kept file is gone
    assert client.get(mapping_url).status_code == 404

    listed = client.get("/nhap-du-lieu")
    assert "Nguyễn Thị Theo Dõi" in html(listed) and "ghi 38" in _text(listed) and "lỗi 2" in _text(listed)
    with system.db.reading() as session:
        some = session.scalar(select(Assignment.id).order_by(Assignment.id).limit(1))
    history = html(client.get(f"/assignments/{some}"))  # Lịch sử xử lý says the import did it
    assert "Nguyễn Thị Theo Dõi" in history and "(Nhập từ tệp Excel theo-doi.xlsx)" in history
    assert "Nhập từ tệp Excel" in html(client.get("/documents"))  # where the upload page is found


def test_only_vp_specialists_and_administrators_import(client, directory, auth_headers, office_sheet):
    login(client, "sotc")
    assert client.get("/nhap-du-lieu").status_code == 403
    assert _upload(client, office_sheet.xlsx()).status_code == 403
    api = client.post(
        "/api/v1/imports",
        data={"file": (io.BytesIO(office_sheet.xlsx()), "theo-doi.xlsx")},
        headers=auth_headers("sotc"),
    )
    assert api.status_code == 403
    client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, "admin")
    assert client.get("/nhap-du-lieu").status_code == 200


def test_a_kept_file_is_its_uploader_s_only_and_forgotten_after_a_day(
    system, client, directory, office_sheet
):
    login(client, "cv")
    first = _upload(client, office_sheet.xlsx()).headers["Location"]
    client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, "admin")
    assert client.get(first).status_code == 404  # not the uploader
    for wrong in (
        "/nhap-du-lieu/khong-co",
        "/nhap-du-lieu/" + "a" * 32,
        "/nhap-du-lieu/..%2F..%2Fsecret_key",
    ):
        assert client.get(wrong).status_code == 404
    client.post("/logout", data={"csrf_token": csrf(client)})
    login(client, "cv")
    clock_module.current().advance(timedelta(hours=staging.STAGING_HOURS, minutes=1))
    login(client, "cv")
    second = _upload(client, office_sheet.xlsx()).headers["Location"]
    assert client.get(first).status_code == 404  # swept by the next upload
    assert client.get(second).status_code == 200


def _forged_xlsx() -> bytes:
    """A zip that names the parts of a workbook but whose workbook is not one."""
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "không phải XML")
    return body.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        ("bao-cao.xlsx", b"%PDF-1.7\n" + b"0" * 100, 422, "nội dung tệp không phải Excel"),
        ("bang.csv", "Số, ký hiệu;Ngày ban hành\n".encode(), 422, "loại tệp “.csv” không được phép"),
        ("bang.xlsx", _forged_xlsx(), 422, "Không đọc được tệp Excel (.xlsx)"),
        (
            "bang.xlsx",
            b"PK\x03\x04" + bytes(MAX_BYTES + 10),
            413,
            "vượt quá dung lượng cho phép (tối đa 64 KB",
        ),
    ],
)
def test_a_file_that_is_not_an_xlsx_or_too_large_is_refused_clearly(
    system, client, directory, auth_headers, name, data, status, message
):
    login(client, "cv")
    page = _upload(client, data, name)
    api = client.post("/api/v1/imports", data={"file": (io.BytesIO(data), name)}, headers=auth_headers("cv"))

    assert page.status_code == status and message in html(page)
    assert api.status_code == status and message in api.get_json()["message"]
    assert not list(staging.folder(system.settings).glob("*.xlsx"))
    assert _assignments(system) == 0


def test_the_api_answers_the_report_refuses_a_bad_file_and_writes_a_good_one(
    system, client, directory, auth_headers, office_sheet
):
    headers = auth_headers("cv")

    def post(data: bytes, **fields):
        form = {"file": (io.BytesIO(data), "theo-doi.xlsx"), **fields}
        return client.post("/api/v1/imports", data=form, headers=headers)

    dry = post(office_sheet.xlsx(), dry_run="true", valid_only="true")
    assert dry.status_code == 200
    report = dry.get_json()
    assert (report["status"], report["rows_read"], report["rows_new"], report["rows_bad"]) == (
        "checked",
        40,
        38,
        2,
    )
    assert [p["row"] for p in report["problems"]] == [FIRST_ROW + 2, FIRST_ROW + 11]
    assert report["mapping"]["lead_unit"] == "G — Cơ quan chủ trì"

    refused = post(office_sheet.xlsx())
    body = refused.get_json()
    assert refused.status_code == 422 and body["error"] == "invalid_import"
    assert body["message"] == "Tệp theo-doi.xlsx có 2 dòng có lỗi; không có dữ liệu nào được ghi"
    assert set(body["details"]["fields"]) == {
        f"rows/{FIRST_ROW + 2}/lead_unit",
        f"rows/{FIRST_ROW + 11}/completed_on",
    }
    assert _assignments(system) == 0

    good = workbook([task_row(content="Nhiệm vụ qua API"), task_row(content="Nhiệm vụ thứ hai")])
    done = post(good, map=["title=Trích yếu"])
    assert done.status_code == 200 and done.get_json()["rows_written"] == 2
    again = post(good)
    assert again.get_json()["rows_existing"] == 2 and again.get_json()["rows_written"] == 0
    with system.db.reading() as session:
        notes = set(session.scalars(select(ChangeRecord.note).where(ChangeRecord.entity == "assignments")))
    assert notes == {"Nhập từ tệp Excel theo-doi.xlsx"}

    assert post(good, dry_run="có lẽ").status_code == 422
    assert post(good, map=["không có dấu bằng"]).status_code == 422
    missing = client.post("/api/v1/imports", data={"dry_run": "true"}, headers=headers)
    assert missing.status_code == 422 and missing.get_json()["details"]["fields"] == {"file": "bắt buộc"}


def test_the_api_operation_is_in_the_openapi_document(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/imports"]["post"]

    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert {"200", "403", "413", "422"} <= set(operation["responses"])
