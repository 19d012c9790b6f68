"""Công khai kết quả in a real browser, for someone who never signs in: the published round's table and chart,
the CSV downloaded as a file, and the provincial portal (another origin, served here) showing the embeddable
view in its frame, while every other page of theodoi still refuses to be framed. Then VP's leadership
correcting the published figures after a late data change."""

from __future__ import annotations

import csv
import html
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from engine.reports import publication
from tests.engine.reports.test_publication import LATE_FIX, ROUND, finish_late, publish_q3_round
from tests.web.test_public_results import OCTOBER

CHART = "Kết quả thực hiện nhiệm vụ theo cơ quan, đơn vị"
PORTAL = "Cổng Thông tin điện tử tỉnh Lào Cai"
PAINTED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


class PortalPage(BaseHTTPRequestHandler):
    """/?src=<url>: a portal page that shows `url` in an iframe, as the province's portal would."""

    def do_GET(self) -> None:  # noqa: N802  (the name http.server calls)
        src = parse_qs(urlsplit(self.path).query).get("src", [""])[0]
        body = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><title>{PORTAL}</title></head>
<body style="margin:0;font-family:sans-serif"><h1 style="font-size:1.2rem;padding:0 8px">{PORTAL}</h1>
<p style="padding:0 8px">Kết quả thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao</p>
<iframe src="{html.escape(src)}" title="Kết quả thực hiện nhiệm vụ" style="width:100%;height:1400px;border:0">
</iframe></body></html>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass  # quiet: the test's output is the test's


@pytest.fixture
def portal():
    """portal(url) -> the address of a page on another origin (localhost, another port) framing `url`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), PortalPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    yield lambda url: f"http://localhost:{port}/?src={url}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_a_visitor_reads_the_results_downloads_the_csv_and_the_portal_embeds_them(
    system, directory, clock, journey, portal
):
    round_id = publish_q3_round(system, directory, clock)
    with system.db.reading() as session:
        [first] = publication.publications_of(session, round_id)
    page = journey.page
    page.goto("/cong-khai")  # the address the provincial portal links to
    expect(page.get_by_role("heading", level=1)).to_have_text("Công khai kết quả thực hiện nhiệm vụ")
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
    shown = page.locator("section.publication")
    expect(shown.get_by_role("heading", name=ROUND)).to_be_visible()
    expect(shown).to_contain_text("Bản số 1")
    chart = shown.get_by_role("img", name=CHART)
    expect(chart).to_be_visible()
    expect(chart.locator("rect.segment-open_late")).to_have_count(1)  # Sở Tài chính's overdue task
    expect(shown.locator("ul.chart-legend")).to_contain_text("Chưa hoàn thành quá hạn")
    so_tc = shown.locator("table.report tr", has_text="Sở Tài chính")
    expect(so_tc.locator("td[data-label='Tổng số nhiệm vụ']")).to_have_text("3")
    expect(so_tc.locator("td[data-label='Đã hoàn thành: Đúng hạn']")).to_have_text("2")
    expect(shown).to_contain_text(first.sha256)
    journey.shot("cong-khai-bang-va-bieu-do")

    with page.expect_download() as downloading:
        shown.get_by_role("link", name="Tải về tệp CSV").click()
    download = downloading.value
    assert download.suggested_filename == "bao-cao-quy-iii-va-9-thang-nam-2026-ban-so-1.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["Cơ quan, đơn vị"], r["Tổng số nhiệm vụ"]) for r in rows] == [
        ("Sở Tài chính", "3"),
        ("Sở Xây dựng", "2"),
    ]

    page.goto(portal(f"{journey.base_url}/cong-khai/{first.id}/nhung"))
    expect(page.get_by_role("heading", level=1)).to_have_text(PORTAL)
    framed = page.frame_locator("iframe")
    expect(framed.get_by_role("heading", name=ROUND)).to_be_visible()
    expect(framed.get_by_role("img", name=CHART)).to_be_visible()
    expect(framed.locator("table.report tr", has_text="Sở Tài chính")).to_be_visible()
    expect(framed.get_by_role("navigation", name="Menu chính")).to_have_count(0)
    expect(framed.get_by_role("link", name="Đăng nhập")).to_have_count(0)
    # The frame is another process's drawing (another site): let it paint before the screenshot.
    framed.locator("body").evaluate(PAINTED)
    journey.shot("cong-thong-tin-nhung-ket-qua")


def test_every_other_page_refuses_to_be_framed_by_the_portal(browser, live_server, portal):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    refused = []
    try:
        for path in ("/cong-khai", "/login"):
            # The browser reports the refusal on the console once the frame's navigation is blocked; wait
            # for that rather than for the portal's load, which can come first on a busy machine.
            with page.expect_console_message(lambda message: "frame-ancestors" in message.text) as message:
                page.goto(portal(f"{live_server}{path}"))
            refused.append(message.value.text)
            [frame] = [f for f in page.frames if f is not page.main_frame]
            frame.wait_for_url("chrome-error://**")
        assert len(refused) == 2 and all("frame-ancestors 'none'" in text for text in refused), refused
    finally:
        context.close()


def test_vp_leadership_corrects_the_published_figures_after_a_late_change(system, directory, clock, journey):
    round_id = publish_q3_round(system, directory, clock)
    finish_late(system)
    clock.move_to(OCTOBER)
    with system.db.reading() as session:
        [first] = publication.publications_of(session, round_id)
    page = journey.page
    journey.log_in("ldvp")
    page.goto(f"/cong-khai/{first.id}")
    page.get_by_role("link", name="Đính chính số liệu công khai").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đính chính số liệu công khai")
    changes = page.locator("table.differences")
    expect(changes).to_contain_text("Sở Tài chính")
    on_time = changes.locator("tr", has_text="Tỷ lệ hoàn thành đúng hạn")
    expect(on_time.locator("td[data-label='Bản số 1']")).to_have_text("100")
    expect(on_time.locator("td[data-label='Số liệu tính lại']")).to_have_text("50")
    journey.shot("dinh-chinh-xem-khac-biet")

    page.get_by_label("Lý do đính chính").fill(LATE_FIX)
    page.get_by_role("button", name="Công khai bản đính chính (bản số 2)").click()
    expect(page.get_by_role("status")).to_contain_text("Đã công khai bản số 2, đính chính bản số 1.")
    shown = page.locator("section.publication")
    expect(shown).to_contain_text(f"Đính chính bản số 1: {LATE_FIX}")
    so_tc = shown.locator("table.report tr", has_text="Sở Tài chính")
    expect(so_tc.locator("td[data-label='Đã hoàn thành: Quá hạn']")).to_have_text("1")
    expect(shown.get_by_role("link", name="Đính chính số liệu công khai")).to_have_count(1)
    journey.shot("ban-dinh-chinh")

    shown.get_by_role("link", name="bản số 1").click()
    expect(page.locator("section.publication")).to_contain_text("Đã được đính chính bởi bản số 2")
    expect(page.get_by_role("link", name="Đính chính số liệu công khai")).to_have_count(0)
    journey.shot("ban-da-duoc-dinh-chinh")
