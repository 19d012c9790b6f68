"""Finding things on the four lists, as pages and as the API: diacritic- and case-insensitive search, the
document filter bar, due-date ranges, sortable columns from a whitelist, and pages with their totals."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from engine import history
from engine.documents.service import register_document
from tests.conftest import two_task_document
from tests.factories import add_assignment, add_document
from tests.web.test_pages import html, login

NOW = datetime(2025, 6, 30, 3, 0, tzinfo=UTC)  # Monday 30/06/2025, 10:00 local


@pytest.fixture
def client(app, directory):
    return app.test_client()


@pytest.fixture
def library(system, directory, clock):
    """Three documents (one classified into a task for Sở Tài chính, one for Sở Xây dựng) and an
    unclassified one. Returns {key: id}."""
    clock.move_to(NOW)
    with history.acting_as("cv"), system.db.transaction() as session:
        plan = add_document(
            session,
            number="20/KH-UBND",
            title="Kế hoạch cải cách hành chính năm 2025",
            signer="Trần Văn Chánh",
            issued_on=date(2025, 3, 1),
        )
        directive = add_document(
            session,
            number="05/CT-UBND",
            title="Chỉ thị về phòng, chống thiên tai",
            signer="Hoàng Thị Ký",
            issued_on=date(2025, 5, 12),
        )
        directive.doc_type = "Chỉ thị"
        waiting = add_document(
            session, number="33/TB-UBND", title="Thông báo kết luận", issued_on=date(2025, 6, 2)
        )
        finance = add_assignment(
            session,
            plan,
            seq=1,
            lead="SO_TC",
            content="Rà soát dự toán chi thường xuyên",
            due=date(2025, 7, 15),
        )
        building = add_assignment(
            session, directive, seq=1, lead="SO_XD", content="Gia cố công trình", due=date(2025, 9, 1)
        )
        return {
            "plan": plan.id,
            "directive": directive.id,
            "waiting": waiting.id,
            "finance": finance.id,
            "building": building.id,
        }


def cells(page: str, label: str) -> list[str]:
    """The text of the cells of one column, in the order the page lists them."""
    found = re.findall(rf'<td data-label="{label}"[^>]*>(.*?)</td>', page, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in found]


@pytest.mark.postgres
def test_documents_are_found_without_diacritics_and_filtered(client, library, backend):
    login(client, "cv")
    assert cells(html(client.get("/documents?q=ke+hoach+CAI+CACH")), "Số, ký hiệu") == ["20/KH-UBND"]
    assert cells(html(client.get("/documents?q=hoang+thi+ky")), "Số, ký hiệu") == ["05/CT-UBND"]  # signer
    assert cells(html(client.get("/documents?doc_type=Chỉ+thị")), "Số, ký hiệu") == ["05/CT-UBND"]
    ranged = html(client.get("/documents?issued_from=01/05/2025&issued_to=2025-06-01"))
    assert cells(ranged, "Số, ký hiệu") == ["05/CT-UBND"]
    assert 'value="01/05/2025"' in ranged and 'value="01/06/2025"' in ranged  # shown dd/mm/yyyy
    assert cells(html(client.get("/documents?classified=no")), "Số, ký hiệu") == ["33/TB-UBND"]
    assert set(cells(html(client.get("/documents?classified=yes")), "Số, ký hiệu")) == {
        "20/KH-UBND",
        "05/CT-UBND",
    }
    empty = html(client.get("/documents?q=khong+co+dau"))
    assert "Không có văn bản nào khớp điều kiện tìm kiếm." in empty and 'class="pager"' not in empty


def test_documents_sort_by_a_whitelisted_column_and_ignore_an_unknown_one(client, library):
    login(client, "cv")
    newest_first = ["33/TB-UBND", "05/CT-UBND", "20/KH-UBND"]
    assert cells(html(client.get("/documents")), "Số, ký hiệu") == newest_first
    page = html(client.get("/documents?sort=issued_on"))
    assert cells(page, "Số, ký hiệu") == ["20/KH-UBND", "05/CT-UBND", "33/TB-UBND"]
    assert 'aria-sort="ascending"' in page and "▲" in page
    assert 'href="/documents?sort=issued_on&amp;dir=desc"' in page  # the next click reverses it
    page = html(client.get("/documents?sort=issued_on&dir=desc&q=ubnd"))
    assert cells(page, "Số, ký hiệu") == newest_first and "▼" in page
    assert 'href="/documents?sort=number&amp;dir=asc&amp;q=ubnd"' in page  # other columns keep the search
    assert cells(html(client.get("/documents?sort=password_hash&dir=desc")), "Số, ký hiệu") == newest_first


def test_a_bad_date_or_an_overlong_search_is_a_vietnamese_422(client, library):
    login(client, "cv")
    response = client.get("/documents?issued_from=31/02/2025")
    assert response.status_code == 422 and "Ngày không hợp lệ, nhập theo dạng ngày/tháng/năm" in html(
        response
    )
    response = client.get("/documents?issued_from=01/06/2025&issued_to=01/05/2025")
    assert response.status_code == 422 and "Ngày kết thúc phải sau ngày bắt đầu" in html(response)
    response = client.get("/assignments?q=" + "a" * 201)
    assert response.status_code == 422 and "Từ khóa tìm kiếm dài quá 200 ký tự" in html(response)


@pytest.mark.postgres
def test_assignments_are_found_by_unit_name_specialist_and_due_dates(client, library, backend):
    login(client, "cv")
    contents = lambda query: cells(html(client.get(f"/assignments?{query}")), "Nội dung nhiệm vụ")  # noqa: E731
    assert contents("q=tai+chinh") == ["Rà soát dự toán chi thường xuyên"]
    assert contents("q=s%E1%BB%9F+x%C3%A2y+d%E1%BB%B1ng") == ["Gia cố công trình"]  # "sở xây dựng"
    assert len(contents("q=nguyen+thi+theo+doi")) == 2  # cv tracks both
    assert contents("q=20/kh") == ["Rà soát dự toán chi thường xuyên"]
    assert contents("due_from=01/08/2025") == ["Gia cố công trình"]
    assert contents("due_to=31/07/2025&q=chi+thuong+xuyen") == ["Rà soát dự toán chi thường xuyên"]
    assert contents("sort=lead&dir=desc") == ["Gia cố công trình", "Rà soát dự toán chi thường xuyên"]
    login(client, "sotc")  # a unit searches only within its own
    assert contents("q=gia+co") == [] and contents("q=ra+soat") == ["Rà soát dự toán chi thường xuyên"]


def test_the_assignment_pages_carry_search_filters_and_sort(client, system, library):
    with history.acting_as("cv"), system.db.transaction() as session:
        from engine.documents.models import Document

        plan = session.get(Document, library["plan"])
        for seq in range(2, 62):
            add_assignment(session, plan, seq=seq, lead="SO_TC", content=f"Nhiệm vụ tài chính {seq:02d}")
    login(client, "cv")
    page = html(client.get("/assignments?q=tai+chinh&sort=content&bucket=no_deadline"))
    assert "Hiển thị 1–50 trong 60 kết quả" in page
    assert 'href="/assignments?offset=50&amp;tab=assigned&amp;q=tai+chinh&amp;bucket=no_deadline' in page
    assert "sort=content&amp;dir=asc" in page
    following = html(client.get("/assignments?offset=50&q=tai+chinh&sort=content&bucket=no_deadline"))
    assert "Hiển thị 51–60 trong 60 kết quả" in following
    assert cells(following, "Nội dung nhiệm vụ")[-1] == "Nhiệm vụ tài chính 61"


@pytest.mark.postgres
def test_the_inbox_searches_sorts_and_counts_its_tabs(client, system, directory, clock, backend):
    for number, title in [("7/KH-UBND", "Về chuyển đổi số"), ("8/CT-UBND", "Về phòng cháy")]:
        with system.db.transaction() as session:
            payload = two_task_document(number=number, title=title)
            register_document(session=session, engine=system.engine, payload=payload, actor="cv")
    login(client, "cv")
    page = html(client.get("/tasks?q=PHÒNG+chay"))
    assert "8/CT-UBND" in page and "7/KH-UBND" not in page
    assert re.search(r'Tất cả<span class="count">1</span>', page)
    assert "Tiếp nhận, phân loại văn bản chỉ đạo và chuyển theo dõi (1)" in page  # the procedure select
    assert "data-task-id=" in page
    assert "7/KH-UBND" in html(client.get("/tasks?q=tiep+nhan&view=group"))  # by the procedure's name
    assert "Không có việc nào bạn đang nhận xử lý" in html(client.get("/tasks?view=mine"))
    page = html(client.get("/tasks?sort=subject&dir=desc"))
    assert page.index("8/CT-UBND") < page.index("7/KH-UBND")


@pytest.mark.postgres
def test_instances_are_found_by_procedure_id_and_document(client, system, directory, backend):
    with system.db.transaction() as session:
        doc = register_document(
            session=session, engine=system.engine, payload=two_task_document(number="9/QĐ-UBND"), actor="cv"
        )
        instance_id = doc.intake_instance_id
    login(client, "monitor")
    ids = lambda query: re.findall(r">#(\d+)</a>", html(client.get(f"/instances?{query}")))  # noqa: E731
    assert ids("q=9/qd") == [str(instance_id)]
    assert ids("q=tiep+nhan+phan+loai") == [str(instance_id)]
    assert ids(f"q=%23{instance_id}") == [str(instance_id)]
    assert ids("q=kiem+tra+viec") == []
    assert "Hiển thị 1–1 trong 1 kết quả" in html(client.get("/instances?q=9/qd&sort=process"))


@pytest.mark.postgres
def test_the_list_apis_take_q_and_sort(client, system, library, auth_headers, backend):
    def get(path):
        response = client.get(path, headers=auth_headers("cv"))
        assert response.status_code == 200, response.get_json()
        return response.get_json()["items"]

    assert [d["number"] for d in get("/api/v1/documents?q=thien+tai")] == ["05/CT-UBND"]
    assert [d["number"] for d in get("/api/v1/documents?classified=false")] == ["33/TB-UBND"]
    assert [d["number"] for d in get("/api/v1/documents?sort=number")] == [
        "05/CT-UBND",
        "20/KH-UBND",
        "33/TB-UBND",
    ]
    assert [a["id"] for a in get("/api/v1/assignments?q=TÀI+CHÍNH")] == [library["finance"]]
    assert [a["id"] for a in get("/api/v1/assignments?due_from=2025-08-01")] == [library["building"]]
    assert [a["id"] for a in get("/api/v1/assignments?signer=Hoàng Thị Ký")] == [library["building"]]
    assert get("/api/v1/user-tasks?q=khong+co+viec+nay") == []
    bad = client.get("/api/v1/assignments?due_from=01/08/2025", headers=auth_headers("cv"))
    assert bad.status_code == 422 and bad.get_json()["details"]["fields"] == {"due_from": "yyyy-mm-dd"}
    with system.db.transaction() as session:
        register_document(session=session, engine=system.engine, payload=two_task_document(), actor="cv")
    [task] = get("/api/v1/user-tasks?q=12/qd&view=overdue")  # T1 ended in February
    assert task["name"] == "Phân loại nhiệm vụ, chuyển theo dõi"
    assert get("/api/v1/user-tasks?q=12/qd&view=today") == []
    assert len(get("/api/v1/process-instances?q=12/qd-ubnd")) == 1


def test_the_openapi_document_declares_the_search_parameters(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path in [
        "/api/v1/documents",
        "/api/v1/assignments",
        "/api/v1/user-tasks",
        "/api/v1/process-instances",
    ]:
        names = {p["name"] for p in document["paths"][path]["get"]["parameters"]}
        assert {"q", "sort", "dir"} <= names, path
