"""Pages in a real browser: Debian's chromium driven by Playwright against the app served by waitress on a
free loopback port, on the test's database and frozen clock. Screenshots land in the test's tmp_path; the
`journey` fixture (tests/browser/journey.py) also keeps them in build/browser-artifacts/ for CI."""

from __future__ import annotations

import os
import re
import socket
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from waitress.server import create_server

from tests.conftest import PASSWORD, ROOT

CHROMIUM = Path("/usr/bin/chromium")
# As the machine's notes advise: no sandbox as root, and nothing that reaches out of this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(app):
    """The app on http://127.0.0.1:<free port>, served from a thread until the test ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    stopping = threading.Event()

    def serve() -> None:
        try:
            server.run()
        except OSError:
            # close() below shuts the sockets under the server's select(): a select() already under way
            # then fails with EBADF. That is the end we asked for, not an error of the app.
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    stopping.set()
    server.close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():  # a needed program that is missing is a failure, never a skip
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live_server) -> Page:
    context = browser.new_context(
        base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900}
    )
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(params=["desktop", "phone"])
def screen(request) -> str:
    """The journeys run at both widths; a test adds "desktop-en-US" with parametrize(..., indirect=True)."""
    return request.param


@pytest.fixture
def journey(browser, live_server, screen, request, tmp_path):
    """A page at `screen` that fails the test on what a person would notice (tests/browser/journey.py)."""
    from tests.browser.journey import artifacts_root, open_journey

    folder = re.sub(r"[^\w.\[\]-]+", "_", request.node.name)
    shot_dirs = [tmp_path / "shots", artifacts_root(ROOT, os.environ) / folder]
    with open_journey(browser, live_server, screen, shot_dirs) as opened:
        yield opened


def log_in(page: Page, username: str) -> None:
    """Sign in through the login form, as a person does."""
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
