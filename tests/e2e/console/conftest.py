"""The web console in headless Chromium (Debian's package, driven by Playwright) against the
three running services of tests/e2e/conftest.py, through the console's own server.

Every test gets a fresh browser context (Vietnamese locale, Vietnam time zone); at the end of
each test a full-page screenshot is kept under .local/artifacts/console/, and the test fails
if the page threw a JavaScript error or showed a message key missing in a language."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import Platform, _wait_ready
from tests.support import E2E_PORT_BASE, ROOT

CONSOLE_PORT = E2E_PORT_BASE + 4
ARTIFACTS = ROOT / ".local" / "artifacts" / "console"
# Assertions wait up to 15 s (Playwright's default is 5): a loaded CI machine running the
# three services, Kafka and PostgreSQL on two cores can take seconds to answer.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def console(platform: Platform, tmp_path_factory) -> str:
    """The console's URL, its server forwarding to the e2e platform's services."""
    log_path = tmp_path_factory.mktemp("console-log") / "console.log"
    env = {
        **os.environ,
        "LUUTRU_ACCOUNTS_URL": platform.urls["accounts"],
        "LUUTRU_INGEST_URL": platform.urls["ingest"],
        "LUUTRU_ANALYTICS_URL": platform.urls["analytics"],
    }
    url = f"http://127.0.0.1:{CONSOLE_PORT}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "luutru_console", "serve", "--port", str(CONSOLE_PORT)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        try:
            _wait_ready({"console": url}, [("console", log, process)], log_path.parent)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=15)


def chromium_path() -> str:
    path = os.environ.get("LUUTRU_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("no Chromium: scripts/test installs Debian's chromium package (apt)")
    return path


# Per module, and only once the platform is up: Playwright's sync API keeps an event loop
# running in this thread while it is open, which the asyncio-based fixtures and tests of
# other modules cannot share.
@pytest.fixture(scope="module")
def browser(console: str) -> Browser:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


class PageErrors(list):
    pass


@pytest.fixture
def page(browser: Browser, console: str, request) -> Page:
    context = browser.new_context(
        base_url=console,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 860},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = PageErrors()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    try:
        try:
            page.screenshot(path=ARTIFACTS / f"{name}.final.png", full_page=True)
        except PlaywrightError:  # a page of thousands of rows: keep what is on screen
            page.screenshot(path=ARTIFACTS / f"{name}.final.png")
        missing = page.evaluate("[...(window.__luutruMissingKeys || [])]")
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not missing, f"messages missing in a language: {missing}"


def shot(page: Page, name: str) -> Path:
    """Keep a screenshot of the page as it is now (a test artifact)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
