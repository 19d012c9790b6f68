"""Staff pages speak the administration's Vietnamese: after a busy scenario (tests/web/staff_scenario.py),
every staff page each user can reach by following links is read as a person reads it (visible text and
tooltips, not scripts or hidden fields), and none shows a username, a unit code, an ISO date, an internal
"#id", a BPMN or event identifier, raw JSON, or a programmer's None/null.

The monitor's and analyst's pages (Giám sát quy trình, Quy trình nghiệp vụ) and the administrator's
(Người dùng, Danh mục đơn vị) may keep technical ids: they are left out of the walk."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.conftest import UNITS, USERS
from tests.web.staff_scenario import Person, build_office

# Addresses that are not staff pages, or not pages at all (downloads, actions, the technical sections).
LEFT_OUT = re.compile(
    r"^/(instances|quy-trinh-nghiep-vu|users|units|static|api|engine-rest|logout|login|tep-dinh-kem)\b"
    r"|\.(xlsx|docx|pdf|csv|json)$|^/thong-bao/\d+"
)
# A few filters of each list (tabs, buckets) and months of the calendar, not every month there is.
QUERIES_PER_PAGE = 6
# The same list in another order or from another row on: the same words, not worth reading again.
SAME_PAGE_AGAIN = re.compile(r"(?:^|&)(?:sort|dir|offset)=")
USERNAMES = [u for u, *_ in USERS]
UNIT_CODES = [code for code, *_ in UNITS]
PROBLEMS = {
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "internal id": re.compile(r"#\d+"),
    "unit code": re.compile(r"\b(?:" + "|".join(UNIT_CODES) + r")\b|\b[A-Z]{2,}_[A-Z_]{2,}\b"),
    "identifier": re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),
    "raw JSON": re.compile(r"[{\[]\s*\"\w+\"\s*:|\"\w+\"\s*:\s*[\"\[{\d]"),
    "programmer's value": re.compile(r"\b(?:None|null|undefined|NaN|True|False)\b"),
    "username": re.compile(r"(?<![\w.@/-])(?:" + "|".join(map(re.escape, USERNAMES)) + r")(?![\w@/-]|\.\w)"),
}
# Where a username is the point: the user's own login name on Tài khoản của tôi.
OWN_LOGIN_NAME = re.compile(r"Tên đăng nhập\s+(\S+)")


# Inputs whose value is on the screen (a checkbox's or a hidden input's value is not).
SHOWN_VALUES = {"text", "search", "email", "number", "date", "tel", "url", "submit", "button"}


class VisibleText(HTMLParser):
    """The text a person sees or hears: text nodes, and the title/aria-label/placeholder/alt tooltips;
    not <script>, <style>, <template>, nor the values of hidden inputs."""

    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP:
            self.skipping += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        for name in ("title", "aria-label", "placeholder", "alt"):
            if attrs.get(name) and not (name == "placeholder" and attrs[name] == "dd/mm/yyyy"):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type", "text") in SHOWN_VALUES and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def read(html: str) -> tuple[str, list[str]]:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts), parser.links


def problems_in(text: str, path: str, username: str) -> list[str]:
    if path == "/account":  # Tên đăng nhập: the user's own, shown on purpose
        text = OWN_LOGIN_NAME.sub("Tên đăng nhập", text)
    found = []
    for kind, pattern in PROBLEMS.items():
        for match in pattern.finditer(text):
            line = next(line for line in text.splitlines() if match.group(0) in line)
            found.append(f"{path} ({username}): {kind} {match.group(0)!r} in {line[:160]!r}")
    return found


def walk(person: Person, start: list[str], limit: int = 400) -> dict[str, str]:
    """Every staff page reachable from `start` by links: path -> visible text."""
    seen: dict[str, str] = {}
    per_path: Counter[str] = Counter()
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or per_path[path.split("?")[0]] >= QUERIES_PER_PAGE:
            continue
        per_path[path.split("?")[0]] += 1
        answer = person.client.get(path)
        # A menu entry may be closed to this user (the error page is read too); a link on a page never is.
        allowed = (200, 302, 403) if path in start else (200, 302)
        assert answer.status_code in allowed, f"{person.username} {path}: {answer.status_code}"
        if answer.status_code == 302 or answer.mimetype != "text/html":
            seen[path] = ""
            continue
        text, links = read(answer.get_data(as_text=True))
        seen[path] = text
        for href in links:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or LEFT_OUT.search(parts.path):
                continue
            if SAME_PAGE_AGAIN.search(parts.query):  # another order or page of a list already read
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


STAFF = ["cv", "ct", "sotc", "soxd", "xabx", "monitor"]  # VP, the Chairman, two departments, a commune


@pytest.fixture
def office(app, system, directory, clock):
    return build_office(app, system, directory, clock)


def test_no_username_code_iso_date_id_or_jargon_reaches_a_staff_page(app, office):
    found, walked = [], {}
    for username in STAFF:
        person = Person(app, username)
        pages = walk(
            person,
            [
                "/",
                "/tasks",
                "/assignments",
                "/documents",
                "/start",
                "/reports",
                "/calendar",
                "/cong-khai",
                "/account",
                "/thong-bao",
                "/dieu-hanh",
            ],
        )
        walked[username] = pages
        for path, text in pages.items():
            found += problems_in(text, path, username)
    assert not found, "\n".join(sorted(set(found)))
    # The walk saw the scenario's pages, not only empty lists.
    cv_pages = walked["cv"]
    assert any(p.startswith("/assignments/") for p in cv_pages) and any(
        p.startswith("/tasks/") for p in cv_pages
    )
    assert any(p.startswith("/documents/") for p in cv_pages) and any(
        p.startswith("/start/") for p in cv_pages
    )
    assert any(p.startswith("/tasks/") for p in walked["ct"])  # Cho ý kiến chỉ đạo
    assert sum(len(pages) for pages in walked.values()) > 60


def test_the_assignment_history_names_people_units_and_values_in_vietnamese(app, office):
    person = Person(app, "cv")
    transferred = office.assignment_ids[1]
    text, _ = read(person.client.get(f"/assignments/{transferred}").get_data(as_text=True))
    history = text[text.index("Lịch sử xử lý") :]
    assert "Nguyễn Thị Theo Dõi" in history and "Vũ Xây Dựng" in history  # who did what, by full name
    assert "Sở Xây dựng → Sở Tài chính" in history  # the transfer, units by name
    assert "Không thuộc chức năng, nhiệm vụ" in history  # a coded reason in words


def test_the_chairman_reads_the_proposed_date_as_dd_mm_yyyy(app, office):
    person = Person(app, "ct")
    tasks, links = read(person.client.get("/tasks").get_data(as_text=True))
    assert "Cho ý kiến chỉ đạo" in tasks
    pages = {p for p in links if re.fullmatch(r"/tasks/[0-9a-f-]{36}", p)}  # the task pages the list links to
    assert pages
    texts = [read(person.client.get(page).get_data(as_text=True))[0] for page in pages]
    assert any("đề nghị gia hạn đến ngày 16/06/2025" in text for text in texts)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("đề nghị gia hạn đến ngày 2025-06-30", "ISO date"),
        ("Xem quy trình #12", "internal id"),
        ("Đơn vị: SO_TC", "unit code"),
        ("Sự kiện: signal_received", "identifier"),
        ('Dữ liệu: {"decision": "extend"}', "raw JSON"),
        ("Người xử lý: None", "programmer's value"),
        ("Tiếp nhận 31/03/2025 (cv)", "username"),
    ],
)
def test_each_detector_catches_what_it_names(text, kind):
    assert [p for p in problems_in(text, "/x", "cv") if f": {kind} " in p]


def test_the_detectors_leave_the_administrations_words_alone():
    text = (
        "Văn bản 45/QĐ-UBND ngày 31/03/2025: giao Sở Tài chính (Nguyễn Thị Theo Dõi). Số, ký hiệu 312/VP-TH; "
        "Hạn xử lý 06/05/2025 09:00; tỷ lệ 98,62%; cv.theodoi@laocai.gov.vn"
    )
    assert problems_in(text, "/x", "cv") == []
    assert problems_in("Tên đăng nhập\ncv", "/account", "cv") == []  # one's own login name, on purpose
