"""The journey harness (tests/browser/journey.py) fails on what it promises to: pages served to a real browser
from the app's own address by Playwright's router, each with one defect, and the same page without it."""

from __future__ import annotations

import re

import pytest

from tests.browser.journey import STAFF_WORDS, TECHNICAL_WORDS, english_words, open_journey

BASE = "http://127.0.0.1:9"  # never reached: every request is answered by the router below
CSP = "default-src 'self'; script-src 'self'"


def serve(journey, pages: dict[str, tuple[int, str, dict]]) -> None:
    """Answer each path with (status, body, headers); any other path is a 404."""

    def answer(route):
        path = re.sub(r"^https?://[^/]+", "", route.request.url)
        status, body, headers = pages.get(path, (404, "không có", {}))
        route.fulfill(status=status, body=body, headers=headers, content_type=content_type(path))

    journey.page.route("**/*", answer)


def content_type(path: str) -> str:
    return {"css": "text/css", "js": "text/javascript"}.get(
        path.rsplit(".", 1)[-1], "text/html; charset=utf-8"
    )


def html(body: str, title: str = "Trang thử") -> str:
    head = '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
    page = f'<head>{head}<title>{title}</title></head><body style="margin:0">{body}</body>'
    return f'<!doctype html><html lang="vi">{page}</html>'


@pytest.fixture
def harness(browser, tmp_path, request):
    screen = getattr(request, "param", "phone")
    with open_journey(browser, BASE, screen, [tmp_path / "shots"]) as journey:
        yield journey


def visit(journey, body: str, **extra) -> None:
    serve(journey, {"/": (200, html(body), extra.pop("headers", {})), **extra})
    journey.page.goto("/")


def test_a_clean_vietnamese_page_passes_and_is_saved(harness, tmp_path):
    visit(
        harness,
        '<h1>Việc cần làm</h1><p>Do chưa có văn bản, đơn vị to nhỏ đều an tâm.</p><a href="#">Xuất Excel</a>',
    )
    saved = harness.shot("sach")
    assert saved == tmp_path / "shots" / "01-sach.png" and saved.stat().st_size > 0


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("<button>Submit</button>", "'Submit' in «Submit» (button)"),
        ('<input placeholder="Tìm kiếm">', None),
        ('<input placeholder="Search">', "'Search' in «Search» (input[placeholder])"),
        ('<a href="#" aria-label="Next page">›</a>', "'Next' in «Next page» (a[aria-label])"),
        ('<input type="submit" value="Save">', "'Save' in «Save» (input)"),
        ("<p>Trạng thái: undefined</p>", "'undefined' in «Trạng thái: undefined» (p)"),
        ('<p hidden>The hidden text</p><p style="display:none">error</p>', None),
        ("<select><option>Chọn</option><option>None</option></select>", "'None' in «None» (option)"),
    ],
)
def test_english_on_a_staff_page_fails_the_check_and_says_where(harness, body, found):
    visit(harness, body)
    if found is None:
        harness.check()
        return
    with pytest.raises(AssertionError) as failure:
        harness.check()
    assert found in str(failure.value)


def test_the_page_title_is_checked_too(harness):
    serve(harness, {"/": (200, html("<p>Trang</p>", title="Loading…"), {})})
    harness.page.goto("/")
    with pytest.raises(AssertionError, match="'Loading' in «Loading…» \\(title\\)"):
        harness.check()


def test_technical_pages_keep_their_ids_but_not_english_sentences(harness):
    harness.words = TECHNICAL_WORDS
    visit(harness, '<p>Bước <code>review</code>, biến <pre>{"ok": true, "status": null}</pre> task_id</p>')
    harness.check()
    visit(harness, "<p>The task failed</p>")
    with pytest.raises(AssertionError, match="'The' in «The task failed»"):
        harness.check()


def test_the_word_lists_leave_vietnamese_syllables_and_names_alone():
    pieces = [["Do đó, nhà to, an toàn, In báo cáo, can thiệp, long, than, then cài, Email, PDF, UBND", "p"]]
    assert english_words(pieces, STAFF_WORDS) == []
    assert not {"do", "to", "an", "in", "can", "no", "long", "than", "then", "day"} & STAFF_WORDS


def test_a_page_wider_than_the_phone_fails_and_names_the_element(harness):
    visit(harness, '<div class="rong" style="width:600px">Bảng quá rộng cho màn hình</div>')
    with pytest.raises(AssertionError) as failure:
        harness.check()
    message = str(failure.value)
    assert "the page is 600px wide on a 390px screen" in message
    assert "<div class='rong'> «Bảng quá rộng cho màn hình»" in message


def test_a_wide_table_that_scrolls_in_its_own_box_is_fine(harness):
    visit(
        harness,
        '<div style="overflow-x:auto"><table style="width:900px"><tr><td>Rộng</td></tr></table></div>',
    )
    harness.check()


@pytest.mark.parametrize("harness", ["desktop"], indirect=True)
def test_the_desktop_screen_is_checked_at_its_own_width(harness):
    visit(harness, '<div style="width:1200px">Vừa màn hình</div>')
    harness.check()
    visit(harness, '<div style="width:1400px">Quá rộng</div>')
    with pytest.raises(AssertionError, match="1400px wide on a 1280px screen"):
        harness.check()


def test_a_console_error_or_an_uncaught_error_fails(harness):
    serve(
        harness,
        {
            "/": (200, html('<script src="/loi.js"></script>'), {}),
            "/loi.js": (200, 'console.error("không tải được dữ liệu"); null.x;', {}),
        },
    )
    harness.page.goto("/")
    with pytest.raises(AssertionError) as failure:
        harness.check()
    assert "console error: không tải được dữ liệu" in str(failure.value)
    assert "page error: " in str(failure.value)


def test_a_missing_file_of_the_app_fails_but_a_refused_form_does_not(harness):
    page = html(
        '<link rel="stylesheet" href="/static/mat.css"><script src="/gui.js"></script><p id="ket_qua">…</p>'
    )
    refused = 'fetch("/api", {method: "POST"}).then((r) => { ket_qua.textContent = r.status; });'
    serve(harness, {"/": (200, page, {}), "/gui.js": (200, refused, {}), "/api": (422, "{}", {})})
    harness.page.goto("/")
    harness.page.locator("#ket_qua").filter(has_text="422").wait_for()
    with pytest.raises(AssertionError) as failure:
        harness.check()
    message = str(failure.value)
    assert f"404 for stylesheet {BASE}/static/mat.css" in message
    assert "/api" not in message


def test_a_content_security_policy_violation_fails(harness):
    visit(
        harness,
        "<p>Trang</p><script>document.title = 'Trang thử';</script>",
        headers={"Content-Security-Policy": CSP},
    )
    with pytest.raises(AssertionError, match="Content-Security-Policy violation: script-src"):
        harness.check()
