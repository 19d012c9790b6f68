"""The report as PDF: the print view (templates/report_print.html) laid out by WeasyPrint, so the PDF is
what the browser prints. WeasyPrint reads only the app's own static files (the style sheet and the vendored
fonts), from disk: a PDF never reaches out to the network nor depends on the machine's fonts."""

from __future__ import annotations

import mimetypes
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from engine.reports import document, layout, letter
from engine.reports.document import ReportDocument

PDF = "application/pdf"
# Where WeasyPrint resolves the page's root-relative links; no request ever goes there (_StaticFiles).
BASE_URL = "http://theodoi.invalid/"
# WeasyPrint lays out the appendix at 15-60 ms a task on the 2-core server, as busy as it is (tests/bench/
# test_bench_exports.py: 19 ms), so a province's 100,000 tasks would take half an hour or more and make
# some 10,000 pages. The print view and its PDF carry the appendix's first PRINTED_TASKS tasks in table order
# (about 35 pages; 5-20 s, within gunicorn's 30 s for a request) and say that the whole appendix is in the
# Excel and Word files, which carry every task.
PRINTED_TASKS = 300


def print_html(
    report: ReportDocument,
    *,
    appendix_only: bool = False,
    back: tuple[str, str] | None = None,
    printed_tasks: int = PRINTED_TASKS,
) -> str:
    """The print view of `report`, or of its Phụ lục chi tiết alone, with at most `printed_tasks` tasks
    of the appendix; `back`: (url, text) of the link to the page it was opened from, on screen (in a
    request: url_for and the app's template globals)."""
    report, note = _printed(report, printed_tasks)
    return render_template(
        "report_print.html",
        report=report,
        number=letter.number_line(report),
        summary=letter.summary(report),
        heading={"province": document.PROVINCE, "nation": document.NATION, "motto": document.MOTTO},
        detail_columns=layout.DETAIL_COLUMNS,
        appendix_only=appendix_only,
        appendix_note=note,
        back=back,
    )


def report_pdf(report: ReportDocument, *, printed_tasks: int = PRINTED_TASKS) -> bytes:
    """The PDF of the report: its letter, the Biểu tổng hợp and the Phụ lục chi tiết (in a request)."""
    return _pdf(print_html(report, printed_tasks=printed_tasks))


def appendix_pdf(report: ReportDocument, *, printed_tasks: int = PRINTED_TASKS) -> bytes:
    """The PDF of the report's Phụ lục chi tiết alone, under the heading block (in a request)."""
    return _pdf(print_html(report, appendix_only=True, printed_tasks=printed_tasks))


def _printed(report: ReportDocument, limit: int) -> tuple[ReportDocument, str | None]:
    """The report with the first `limit` tasks of its appendix, and the note that says so (None if it
    has them all)."""
    total = sum(len(rows) for _, rows in report.detail)
    if total <= limit:
        return report, None
    kept, left = [], limit
    for unit_name, rows in report.detail:
        if left:
            kept.append((unit_name, rows[:left]))
            left -= len(kept[-1][1])
    note = (
        f"Bản in này có {letter.figure(limit)} trong tổng số {letter.figure(total)} nhiệm vụ của Phụ lục "
        "chi tiết, theo thứ tự các đơn vị. Phụ lục đầy đủ có trong tệp Excel và tệp Word "
        "(Xuất Excel, Xuất Word)."
    )
    return replace(report, detail=kept), note


def _pdf(html: str) -> bytes:
    fetcher = _StaticFiles(current_app.static_url_path, Path(current_app.static_folder))
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()


class _StaticFiles(URLFetcher):
    """Serves WeasyPrint the files under the app's static folder and refuses every other address; a file
    it cannot have stops the rendering (fail_on_errors), rather than a PDF in a fallback font."""

    def __init__(self, url_path: str, folder: Path) -> None:
        super().__init__(fail_on_errors=True)
        self.prefix = url_path.rstrip("/") + "/"
        self.folder = folder.resolve()

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = unquote(urlsplit(url).path)
        if not url.startswith(BASE_URL) or not path.startswith(self.prefix):
            raise ValueError(f"not a static file of the app: {url}")
        file = (self.folder / path.removeprefix(self.prefix)).resolve()
        if not file.is_relative_to(self.folder) or not file.is_file():
            raise ValueError(f"no such static file: {url}")
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": kind})
