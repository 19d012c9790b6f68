"""The journey harness: one person's walk through the pages in a real browser, at one screen, that fails on
what a person would notice and a unit test would not: a console error or an uncaught page error, a file of
the app's own that does not load, a Content-Security-Policy violation, English words on a staff page, and a
page wider than the screen. `shot(name)` checks the page, then saves a full-page screenshot to the test's
tmp_path and to the artifacts folder that CI keeps (THEODOI_ARTIFACTS, default build/browser-artifacts/)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Request, Response

from tests.browser.conftest import log_in
from tests.conftest import USERS


@dataclass(frozen=True)
class Screen:
    """A screen and the browser's language and time zone; `mobile`: a touch phone that honours the page's
    viewport tag, as a phone's browser does."""

    width: int
    height: int
    locale: str
    timezone: str
    mobile: bool = False

    def context_options(self, base_url: str) -> dict:
        return {
            "base_url": base_url,
            "viewport": {"width": self.width, "height": self.height},
            "locale": self.locale,
            "timezone_id": self.timezone,
            "is_mobile": self.mobile,
            "has_touch": self.mobile,
        }


SCREENS = {
    "desktop": Screen(1280, 900, "vi-VN", "Asia/Ho_Chi_Minh"),
    "phone": Screen(390, 844, "vi-VN", "Asia/Ho_Chi_Minh", mobile=True),
    # An English-speaking browser in another time zone: what is entered and shown must not depend on either.
    "desktop-en-US": Screen(1280, 900, "en-US", "America/New_York"),
}

# English words that never occur in Vietnamese administration text. Words that are also Vietnamese
# syllables without diacritics are left out on purpose: do (because), to (big), an (an toàn), in (In báo
# cáo), can (can thiệp), no, con, long, than, then, tan, day, me, ban, hang, la, chi, sang, go, be, on.
STAFF_WORDS = frozenset(
    """
    the and of or is are was were with from for this that these your you please click here not found by at it
    if up out error errors failed failure warning invalid required submit save cancel delete edit add remove
    close back task tasks user users username password login logout sign status state pending ready completed
    complete cancelled canceled running waiting done started signal message join review approve reject page
    next previous prev first last loading search filter sort select choose none null true false undefined nan
    object unknown id date due deadline overdue today yesterday tomorrow name title type value owner assignee
    unit units document documents report reports progress result results comment note notes update updated
    created new yes view details more show hide all items item total count open home dashboard settings help
    upload download file files attachment attachments calendar week month year days hour minute workflow
    process instance lane gateway event timer form field
    """.split()
)
# Monitors, analysts and administrators may read technical ids (process ids, element ids, JSON in <pre>),
# never English sentences nor a script's leftovers.
TECHNICAL_WORDS = frozenset(
    """
    the and of is are was were with from this that these your you please click here not found cannot could
    should must failed error undefined nan null none true false object
    """.split()
)
# Names and acronyms a Vietnamese page may print as they are.
ALLOWED = frozenset(
    "Email PDF Excel Word SMS BPMN UBND XML SVG JSON CSV XLSX DOCX API Camunda Modeler".split()
)
TECHNICAL_ROLES = frozenset({"admin", "analyst", "monitor"})
# Inside these, technical pages may show data as it is stored (the JSON of an instance, an element id).
TECHNICAL_SKIP = "pre, code, kbd, samp, .mp-code"

WORD = re.compile(r"[^\W\d_]+")

VISIBLE_TEXT = """
(skip) => {
  const pieces = [];
  const where = (el) => [el.tagName.toLowerCase(), ...el.classList].join(".");
  const shown = (el) => {
    const owner = el.closest("select") || el.closest("details:not([open])") || el;
    return owner.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.textContent.trim() || el.closest("script, style, template, noscript")) continue;
    if ((skip && el.closest(skip)) || !shown(el)) continue;
    pieces.push([node.textContent, where(el)]);
  }
  const labelled = "[placeholder], [title], [aria-label], [alt], input[value]";
  for (const el of document.body.querySelectorAll(labelled)) {
    if ((skip && el.closest(skip)) || !shown(el)) continue;
    for (const name of ["placeholder", "title", "aria-label", "alt"]) {
      if (el.getAttribute(name)) pieces.push([el.getAttribute(name), where(el) + "[" + name + "]"]);
    }
    if (el.matches("input[type=submit], input[type=button], input[type=reset]")) {
      pieces.push([el.value, where(el)]);
    }
  }
  pieces.push([document.title, "title"]);
  return pieces;
}
"""

# Elements whose right edge is beyond the screen, the outermost of each; what scrolls inside a box of its own
# (a table in .table-wrap, the diagram's view) is fine.
OVERFLOW = """
(width) => {
  const limit = Math.min(window.innerWidth, width) + 1;
  const inScrollingBox = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = new Set();
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right + window.scrollX <= limit) continue;
    if (!el.checkVisibility({ checkVisibilityCSS: true }) || inScrollingBox(el)) continue;
    wide.add(el);
  }
  const found = [...wide].filter((el) => !wide.has(el.parentElement)).map((el) => ({
    tag: el.tagName.toLowerCase(),
    cls: el.className && typeof el.className === "string" ? el.className : "",
    right: Math.round(el.getBoundingClientRect().right + window.scrollX),
    text: (el.innerText || el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60),
  }));
  return { scrollWidth: document.scrollingElement.scrollWidth, elements: found };
}
"""

CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.theodoiCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""

# The network answers a test's own steps may provoke (a form the server refuses with 422 shows its messages).
QUIET_TYPES = frozenset({"fetch", "xhr"})


def english_words(pieces: list[list[str]], words: frozenset[str]) -> list[str]:
    """'word' in «context» (element) for every listed English word in the visible text pieces."""
    found = []
    for text, where in pieces:
        for match in WORD.finditer(text):
            token = match.group()
            if token in ALLOWED or token.lower() not in words:
                continue
            context = text[max(0, match.start() - 30) : match.end() + 30].strip().replace("\n", " ")
            found.append(f"{token!r} in «{context}» ({where})")
    return found


def words_for(username: str | None) -> frozenset[str]:
    """The smaller list for people whose roles are all technical; the staff list for everyone else."""
    roles = next((set(r) for u, _, r, _ in USERS if u == username), set())
    return TECHNICAL_WORDS if roles and roles <= TECHNICAL_ROLES else STAFF_WORDS


def artifacts_root(repo: Path, env: dict[str, str]) -> Path:
    """Where CI finds the screenshots: THEODOI_ARTIFACTS, or build/browser-artifacts/ in the checkout."""
    return Path(env.get("THEODOI_ARTIFACTS") or repo / "build" / "browser-artifacts")


@dataclass
class Journey:
    """One browser tab at one screen; collects problems as they happen and reports them at each check."""

    page: Page
    screen: Screen
    base_url: str
    shot_dirs: list[Path]
    words: frozenset[str] = STAFF_WORDS
    problems: list[str] = field(default_factory=list)
    shots: list[Path] = field(default_factory=list)

    @property
    def phone(self) -> bool:
        """For the steps a person takes differently on a phone."""
        return self.screen.mobile

    def watch(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"{self.page.url}: page error: {error}"))
        self.page.on("response", self._response)
        self.page.on("requestfailed", self._request_failed)

    def _console(self, message: ConsoleMessage) -> None:
        # A refused fetch is logged as "Failed to load resource"; _response judges those by what was loaded.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"{self.page.url}: console error: {message.text}")

    def _own(self, url: str) -> bool:
        return urlsplit(url).netloc == urlsplit(self.base_url).netloc

    def _response(self, response: Response) -> None:
        request = response.request
        if not self._own(response.url) or response.status < 400:
            return
        if response.status >= 500 or request.resource_type not in QUIET_TYPES:
            self.problems.append(f"{response.status} for {request.resource_type} {response.url}")

    def _request_failed(self, request: Request) -> None:
        # A navigation that replaces the page aborts what the old page was still loading: not a failure.
        if self._own(request.url) and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"{request.resource_type} {request.url} failed: {request.failure}")

    def csp_violation(self, text: str) -> None:
        self.problems.append(f"{self.page.url}: Content-Security-Policy violation: {text}")

    # ---- what a person does ----

    def log_in(self, username: str) -> None:
        """Sign in through the login form; the words checked follow the person's roles."""
        log_in(self.page, username)
        self.words = words_for(username)

    def log_out(self) -> None:
        self.page.get_by_role("button", name="Đăng xuất").click()
        self.page.wait_for_load_state()
        self.words = STAFF_WORDS

    def menu(self, name: str) -> None:
        """Follow an entry of the main menu."""
        self.page.get_by_role("navigation", name="Menu chính").get_by_role(
            "link", name=name, exact=True
        ).click()
        self.page.wait_for_load_state()

    # ---- what a person would notice ----

    def check(self) -> None:
        """Fail with every problem of the page shown now and of what happened since the last check."""
        self.page.wait_for_load_state("load")
        problems, self.problems = self.problems, []
        skip = TECHNICAL_SKIP if self.words is TECHNICAL_WORDS else ""
        english = english_words(self.page.evaluate(VISIBLE_TEXT, skip), self.words)
        problems += [f"{self.page.url}: English on the page: {found}" for found in english]
        overflow = self.page.evaluate(OVERFLOW, self.screen.width)
        if overflow["scrollWidth"] > self.screen.width + 1:
            wide = overflow["scrollWidth"]
            problems.append(f"{self.page.url}: the page is {wide}px wide on a {self.screen.width}px screen")
        problems += [
            f"{self.page.url}: beyond the screen's right edge ({e['right']}px): <{e['tag']} class="
            f"{e['cls']!r}> «{e['text']}»"
            for e in overflow["elements"]
        ]
        assert not problems, "\n".join(problems)

    def shot(self, name: str) -> Path:
        """Check the page, then save it whole as NN-name.png in tmp_path and in the artifacts folder."""
        self.check()
        filename = f"{len(self.shots) + 1:02d}-{name}.png"
        first, *others = self.shot_dirs
        path = first / filename
        self.page.screenshot(path=path, full_page=True)
        for other in others:
            shutil.copyfile(path, other / filename)
        self.shots.append(path)
        return path

    def choose(self, select: Locator, text: str) -> None:
        """Pick the option of a select that shows `text` (a person's name, whatever else the option adds)."""
        label = select.locator("option", has_text=text).first.inner_text()
        select.select_option(label=label.strip())

    def fill_date(self, field: Locator, day: date) -> None:
        """A date field as a person fills it: a date input takes the ISO value whatever the browser's
        language (its display follows the locale); a text field takes dd/mm/yyyy."""
        if field.get_attribute("type") == "date":
            field.fill(day.isoformat())
        else:
            field.fill(day.strftime("%d/%m/%Y"))


@contextmanager
def open_journey(
    browser: Browser, base_url: str, screen_name: str, shot_dirs: list[Path]
) -> Iterator[Journey]:
    """A fresh browser context at the screen; the last problems fail the test at its end."""
    screen = SCREENS[screen_name]
    for folder in shot_dirs:
        shutil.rmtree(folder, ignore_errors=True)  # a rerun replaces the shots of the last run
        folder.mkdir(parents=True)
    context = browser.new_context(**screen.context_options(base_url))
    journey = Journey(page=context.new_page(), screen=screen, base_url=base_url, shot_dirs=shot_dirs)
    context.expose_function("theodoiCspViolation", journey.csp_violation)
    context.add_init_script(CSP_LISTENER)
    journey.watch()
    try:
        yield journey
        assert not journey.problems, "\n".join(journey.problems)
    finally:
        context.close()
