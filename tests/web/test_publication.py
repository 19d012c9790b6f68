"""Công khai kết quả (Đ19.2): published rounds are open to anyone; rounds not yet published are not."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.reports import publication
from engine.reports.models import ReportRound

ROW = {
    "unit_code": "SO_TC",
    "unit_name": "Sở Tài chính",
    "total": 4,
    "done": 3,
    "done_on_time": 2,
    "done_late": 1,
    "open": 1,
    "open_in_time": 0,
    "open_late": 1,
    "no_deadline": 0,
    "due_soon": 0,
    "on_time_rate": 50.0,
}
IDLE = {**ROW, "unit_code": "SO_XD", "unit_name": "Sở Xây dựng", "on_time_rate": None} | dict.fromkeys(
    ["total", "done", "done_on_time", "done_late", "open", "open_late"], 0
)


@pytest.fixture
def rounds(system, directory):
    """Q2 2026 published (its publication #1 made as the publish step makes it), Q3 2026 consolidated but
    not published yet; returns the rounds' ids."""
    at = datetime(2026, 6, 26, 3, 0, tzinfo=UTC)
    common = {"kind": "quarter", "year": 2026, "opened_at": at, "consolidated_at": at}
    with system.db.transaction() as session:
        q2 = ReportRound(
            **common,
            period=2,
            label="Báo cáo 6 tháng đầu năm 2026",
            window_from=date(2025, 12, 15),
            window_to=date(2026, 6, 14),
            unit_due=date(2026, 6, 19),
            consolidation_due=date(2026, 6, 24),
            status="published",
            published_at=at,
            figures=[ROW, IDLE],
        )
        q3 = ReportRound(
            **common,
            period=3,
            label="Báo cáo quý III và 9 tháng năm 2026",
            window_from=date(2026, 6, 15),
            window_to=date(2026, 9, 14),
            unit_due=date(2026, 9, 21),
            consolidation_due=date(2026, 9, 24),
            status="consolidated",
            figures=[ROW],
        )
        session.add_all([q2, q3])
        session.flush()
        publication.publish(session, q2, figures=q2.figures, as_of=q2.window_to, at=at, by="ldvp")
        return q2.id, q3.id


def test_the_api_gives_published_rounds_to_anyone(client, rounds):
    body = client.get("/api/v1/reports/published").get_json()
    assert [r["label"] for r in body["items"]] == ["Báo cáo 6 tháng đầu năm 2026"]
    assert body["items"][0]["figures"][0]["on_time_rate"] == 50.0


def test_the_public_page_shows_the_newest_published_round_without_a_login(client, rounds):
    q2, q3 = rounds
    page = client.get("/cong-khai")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Báo cáo 6 tháng đầu năm 2026" in text and "Sở Tài chính" in text and "Tổng cộng" in text
    assert "Báo cáo quý III" not in text
    assert client.get(f"/cong-khai/{q3}").status_code == 404
    assert client.get("/assignments").status_code == 302  # the rest still needs a login
