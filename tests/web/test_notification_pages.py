"""Thông báo: the header's bell, the list (unread in bold, repeats and kinds grouped, paged), opening a
notice leads where the reader acts, and the read state is each reader's own."""

from __future__ import annotations

import re

import pytest

from engine import clock as clock_module
from engine.notifications.writing import About, write
from tests.engine.notifications.helpers import correction_request, notices, overdue_documents, ready_tasks
from tests.web.test_pages import csrf, html, login


@pytest.fixture
def signed_in(app, directory):
    """signed_in("sotc") -> a browser of the app signed in as that user."""

    def client_of(username: str):
        client = app.test_client()
        login(client, username)
        return client

    return client_of


def bell(page: str) -> str:
    """The bell's accessible label in the header."""
    return re.search(r'class="bell[^"]*"[^>]*aria-label="([^"]*)"', page, re.S)[1]


@pytest.mark.postgres
def test_a_unit_staff_member_opens_the_notice_and_lands_on_the_task(system, signed_in, directory, backend):
    correction_request(system, directory["cv"])
    [task] = ready_tasks(system, "correct_data")
    notice = next(n for n in notices(system, "data_correction_request") if n.recipient_group == "unit_staff")
    sotc = signed_in("sotc")

    home = html(sotc.get("/"))
    assert bell(home) == "Thông báo chưa đọc: 1"
    assert f'href="/thong-bao/{notice.id}"' in home and "Văn phòng UBND tỉnh đề nghị điều chỉnh" in home

    opened = sotc.get(f"/thong-bao/{notice.id}")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/tasks/{task.id}"
    page = html(sotc.get(opened.headers["Location"]))
    assert "<h1>Điều chỉnh, bổ sung thông tin</h1>" in page
    assert bell(page) == "Thông báo chưa đọc: 0"
    listing = html(sotc.get("/thong-bao"))
    assert 'class="notice"' in listing and 'class="notice unread"' not in listing

    # The unit's leader reads the same notice (his group's row) for himself: still unread for him.
    assert bell(html(signed_in("ldsotc").get("/"))) == "Thông báo chưa đọc: 1"


def test_another_units_notice_is_unknown_and_nothing_is_marked(system, signed_in, directory):
    correction_request(system, directory["cv"])
    notice = notices(system, "data_correction_request")[0]
    soxd = signed_in("soxd")
    assert soxd.get(f"/thong-bao/{notice.id}").status_code == 404
    assert "Không tìm thấy thông báo này" not in html(soxd.get("/thong-bao"))
    assert bell(html(soxd.get("/thong-bao"))) == "Thông báo chưa đọc: 0"
    assert bell(html(signed_in("sotc").get("/"))) == "Thông báo chưa đọc: 1"


def test_the_leader_reads_his_escalations_grouped_and_marks_them_all_read(system, signed_in, clock):
    overdue_documents(system, clock, 4)
    ldvp = signed_in("ldvp")
    page = html(ldvp.get("/thong-bao?unread=1"))
    assert bell(page) == "Thông báo chưa đọc: 4"
    assert "Văn bản quá hạn phân loại, chuyển theo dõi (4)" in page and "<details>" in page
    assert page.count('class="notice unread"') == 4
    for number in ("1/QĐ-UBND", "4/QĐ-UBND"):
        assert f"Văn bản số {number} chưa được phân loại, chuyển theo dõi" in page
    home = html(ldvp.get("/?view=personal"))  # Tổng quan: the newest unread, grouped the same way
    assert "Văn bản quá hạn phân loại, chuyển theo dõi (4)" in home

    newest = max(n.id for n in notices(system))
    refused = ldvp.post("/thong-bao/da-doc-tat-ca", data={"through": newest})
    assert refused.status_code == 400 and bell(html(ldvp.get("/thong-bao"))) == "Thông báo chưa đọc: 4"
    done = ldvp.post(
        "/thong-bao/da-doc-tat-ca", data={"through": newest, "csrf_token": csrf(ldvp), "unread": "1"}
    )
    assert done.status_code == 302 and done.headers["Location"] == "/thong-bao?unread=1"
    page = html(ldvp.get(done.headers["Location"]))
    assert "Đã đánh dấu tất cả thông báo là đã đọc." in page and "Không có thông báo nào chưa đọc." in page
    assert bell(page) == "Thông báo chưa đọc: 0"
    assert html(ldvp.get("/thong-bao")).count('class="notice"') == 4  # "Tất cả" still lists them


def test_a_notice_leading_nowhere_is_marked_read_with_its_button(system, signed_in, directory):
    with system.db.transaction() as session:
        notice = write(
            session,
            kind="deadline_moved",
            message="Lịch làm việc: ngày 02/01/2026 được khai báo là ngày nghỉ.",
            about=About(),
            now=clock_module.now(),
            group="unit_staff",
            unit="SO_TC",
        )
    sotc = signed_in("sotc")
    page = html(sotc.get("/thong-bao"))
    assert f'href="/thong-bao/{notice.id}"' not in page and "Đánh dấu đã đọc" in page
    read = sotc.post(f"/thong-bao/{notice.id}/da-doc", data={"csrf_token": csrf(sotc)})
    assert read.status_code == 302 and bell(html(sotc.get("/thong-bao"))) == "Thông báo chưa đọc: 0"
    # Opened by its address all the same: back to the list, saying why.
    opened = sotc.get(f"/thong-bao/{notice.id}")
    assert opened.headers["Location"] == "/thong-bao"
    assert "không gắn với trang nào bạn có thể mở" in html(sotc.get("/thong-bao"))


def test_the_list_is_paged_newest_first(system, signed_in, directory):
    with system.db.transaction() as session:
        for i in range(51):
            write(
                session,
                kind="urging_letter",
                message=f"Văn bản đôn đốc số {i + 1}/VP-TH",
                about=About(),
                now=clock_module.now(),
                group="unit_staff",
                unit="SO_TC",
            )
    sotc = signed_in("sotc")
    first = html(sotc.get("/thong-bao"))
    assert "Văn bản đôn đốc số 51/VP-TH" in first and "Văn bản đôn đốc số 1/VP-TH<" not in first
    assert "Văn bản đôn đốc (50)" in first and "Trang sau" in first
    second = html(sotc.get("/thong-bao?offset=50"))
    assert "Văn bản đôn đốc số 1/VP-TH<" in second and "Trang trước" in second and "Trang sau" not in second
    assert bell(first) == "Thông báo chưa đọc: 51"


@pytest.mark.postgres
def test_completing_the_task_from_the_inbox_answers_its_notice_for_whoever_did_it(
    system, signed_in, directory, backend
):
    correction_request(system, directory["cv"])
    [task] = ready_tasks(system, "correct_data")
    sotc = signed_in("sotc")
    assert bell(html(sotc.get("/"))) == "Thông báo chưa đọc: 1"

    done = sotc.post(
        f"/tasks/{task.id}/complete",
        json={"correction": "Đã sửa số hồ sơ."},
        headers={"X-CSRF-Token": csrf(sotc)},
    )
    assert done.status_code == 200 and done.get_json()["ok"]
    assert bell(html(sotc.get("/"))) == "Thông báo chưa đọc: 0"  # the request it answered
    # The unit's leader, who did nothing about it, still has it to read.
    assert bell(html(signed_in("ldsotc").get("/"))) == "Thông báo chưa đọc: 1"
