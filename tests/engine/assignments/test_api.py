"""Assignments and reports over HTTP: scope per unit, history, coordinating updates, bucket table, Excel."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from engine import history
from tests.engine.files import samples
from tests.factories import add_assignment, add_document


@pytest.fixture
def two_assignments(system, directory, clock):
    """SO_TC leads one task (SO_NV coordinates), SO_XD another; returns their ids."""
    clock.move_to(datetime(2025, 6, 30, 3, 0, tzinfo=UTC))
    with history.acting_as("cv"), system.db.transaction() as session:
        document = add_document(session, number="20/KH-UBND")
        led_by_tc = add_assignment(
            session, document, seq=1, lead="SO_TC", due=date(2025, 6, 27), coordinating=("SO_NV",)
        )
        led_by_xd = add_assignment(session, document, seq=2, lead="SO_XD")
    return [led_by_tc.id, led_by_xd.id]


def test_a_unit_lists_only_its_own_assignments_and_vp_lists_all(client, auth_headers, two_assignments):
    tc, xd = two_assignments
    mine = client.get("/api/v1/assignments", headers=auth_headers("sotc")).get_json()["items"]
    assert [a["id"] for a in mine] == [tc]
    assert (mine[0]["bucket"], mine[0]["bucket_label"]) == ("open_late", "Chưa hoàn thành quá hạn")
    every = client.get("/api/v1/assignments", headers=auth_headers("cv")).get_json()["items"]
    assert [a["id"] for a in every] == [tc, xd]  # soonest due first, no deadline last
    no_deadline = client.get("/api/v1/assignments?bucket=no_deadline", headers=auth_headers("cv"))
    assert [a["id"] for a in no_deadline.get_json()["items"]] == [xd]
    bad = client.get("/api/v1/assignments?view=everything", headers=auth_headers("cv"))
    assert bad.status_code == 422 and "view" in bad.get_json()["details"]["fields"]


def test_another_units_assignment_is_forbidden(client, auth_headers, two_assignments):
    tc, xd = two_assignments
    assert client.get(f"/api/v1/assignments/{xd}", headers=auth_headers("sotc")).status_code == 403
    assert client.get(f"/api/v1/assignments/{xd}/history", headers=auth_headers("sotc")).status_code == 403
    page = client.get(f"/api/v1/assignments/{tc}", headers=auth_headers("sotc")).get_json()
    assert page["document"]["number"] == "20/KH-UBND" and page["coordinating_units"] == ["SO_NV"]


def test_a_coordinating_unit_feeds_the_lead_unit_and_it_is_in_the_history(
    client, auth_headers, system, directory, two_assignments
):
    tc, _ = two_assignments
    with system.db.transaction() as session:
        from engine.auth import service as auth

        auth.create_user(
            session=session,
            username="sonv",
            password="mat-khau-thu",
            full_name="Mai Nội Vụ",
            roles=["unit_staff"],
            unit_code="SO_NV",
            now=datetime(2025, 6, 30, tzinfo=UTC),
        )
    upload = {"file": (io.BytesIO(samples.pdf()), "gop-y.pdf"), "assignment_id": str(tc)}
    lead_file = client.post("/api/v1/files", data=dict(upload), headers=auth_headers("sotc"))
    assert lead_file.status_code == 403  # the lead unit attaches its files in its process task
    upload["file"] = (io.BytesIO(samples.pdf()), "gop-y.pdf")
    file = client.post("/api/v1/files", data=upload, headers=auth_headers("sonv")).get_json()
    body = {"situation": "Đã gửi dự thảo góp ý", "attachments": [{"file_id": file["id"], "name": "x.exe"}]}
    lead = client.post(f"/api/v1/assignments/{tc}/updates", json=body, headers=auth_headers("sotc"))
    assert lead.status_code == 403  # the lead unit reports through its process task
    sent = client.post(f"/api/v1/assignments/{tc}/updates", json=body, headers=auth_headers("sonv"))
    assert sent.status_code == 201 and sent.get_json()["role"] == "coordinating"
    assert [a["name"] for a in sent.get_json()["attachments"]] == ["gop-y.pdf"]  # the server's name
    assert client.get(f"/api/v1/files/{file['id']}/content", headers=auth_headers("sotc")).status_code == 200
    again = client.post(f"/api/v1/assignments/{tc}/updates", json=body, headers=auth_headers("cv"))
    assert again.status_code == 403
    metadata_only = {"situation": "Đã góp ý", "attachments": [{"name": "gop-y.pdf", "size": 1200}]}
    refused = client.post(
        f"/api/v1/assignments/{tc}/updates", json=metadata_only, headers=auth_headers("sonv")
    )
    assert refused.status_code == 422
    invalid = client.post(f"/api/v1/assignments/{tc}/updates", json={}, headers=auth_headers("sonv"))
    assert invalid.status_code == 422

    page = client.get(f"/api/v1/assignments/{tc}", headers=auth_headers("sotc")).get_json()
    assert [u["situation"] for u in page["related"]["status_updates"]] == ["Đã gửi dự thảo góp ý"]
    changes = client.get(f"/api/v1/assignments/{tc}/history", headers=auth_headers("cv")).get_json()["items"]
    assert [(c["entity"], c["action"], c["actor"]) for c in changes] == [
        ("assignments", "insert", "cv"),
        ("assignment_units", "insert", "cv"),
        ("assignment_units", "insert", "cv"),
        ("status_updates", "insert", "sonv"),
    ]


def test_the_bucket_table_as_of_a_date_and_its_excel_export(client, auth_headers, two_assignments):
    table = client.get("/api/v1/reports/buckets?as_of=2025-06-30", headers=auth_headers("ldvp")).get_json()
    assert [(r["unit_code"], r["total"], r["open_late"], r["no_deadline"]) for r in table["items"]] == [
        ("SO_TC", 1, 1, 0),
        ("SO_XD", 1, 0, 1),
    ]
    before_due = client.get("/api/v1/reports/buckets?as_of=2025-06-27", headers=auth_headers("ldvp"))
    assert before_due.get_json()["items"][0]["open_in_time"] == 1  # R9: not overdue on its last day
    own = client.get("/api/v1/reports/buckets?as_of=2025-06-30", headers=auth_headers("sotc")).get_json()
    assert [r["unit_code"] for r in own["items"]] == ["SO_TC"]
    assert client.get("/api/v1/reports/units/SO_XD/detail", headers=auth_headers("sotc")).status_code == 403
    bad = client.get("/api/v1/reports/buckets?as_of=30/06/2025", headers=auth_headers("ldvp"))
    assert bad.status_code == 422

    workbook = client.get("/api/v1/reports/buckets.xlsx?as_of=2025-06-30", headers=auth_headers("ldvp"))
    sheet = load_workbook(io.BytesIO(workbook.data))["Biểu tổng hợp"]
    assert sheet["A6"].value == "Tình hình thực hiện nhiệm vụ đến ngày 30/06/2025"
    assert [c.value for c in sheet[8]][:3] == ["STT", "Cơ quan, đơn vị", "Tổng số nhiệm vụ"]
    assert [c.value for c in sheet[10]][:3] == [1, "Sở Tài chính", 1]
