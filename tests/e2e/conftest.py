"""Browser tests: the real app in a subprocess, driven by Playwright in Debian's Chromium.

The app gets its own database: the PostgreSQL test database when VOICE_TEST_DATABASE_URL names
one (CI runs the suite on both), else a fresh SQLite file with the demo content, as a newcomer sees it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import need_module, need_path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ARTIFACTS = ROOT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    def __init__(self, tmp: Path, database_url: str | None, extra_env: dict[str, str] | None = None):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.tmp = tmp
        self.database_url = database_url or f"sqlite:///{tmp / 'data' / 'voice.db'}"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "VOICE_DATA_DIR": str(tmp / "data"),
               **(extra_env or {})}
        if "VOICE_SECRET_KEY" not in (extra_env or {}):
            env.pop("VOICE_SECRET_KEY", None)  # the app makes its own key in its data folder, as on a first start
        if database_url:
            env["DATABASE_URL"] = database_url
        else:
            env.pop("DATABASE_URL", None)  # the embedded default: demo content on first start
        self.env = env
        self.process: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return self.tmp / f"streamlit-{self.port}.log"

    def start(self) -> "AppServer":
        # serve.py: the README's entry point (st.App around app.py, with the sign-in routes and headers).
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app stopped: see {log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the app did not answer /_stcore/health within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _test_database_url() -> str | None:
    url = os.environ.get("VOICE_TEST_DATABASE_URL", "")
    return url if url.startswith("postgresql") else None


@pytest.fixture(scope="session")
def browser():
    playwright = need_module("playwright.sync_api")
    need_path(CHROMIUM, "browser tests need Debian's chromium (apt-get install chromium)")
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, engine):
    """One running app for the browser tests (the `engine` fixture has already reset and migrated the DB)."""
    server = AppServer(tmp_path_factory.mktemp("app"), _test_database_url()).start()
    yield server
    server.stop()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


def wait_idle(page, changed_from: str | None = None) -> None:
    """Wait for Streamlit to finish its re-run (and, after a click, for the page to change first)."""
    if changed_from is not None:
        deadline = time.time() + 5
        while time.time() < deadline and page.inner_text("[data-testid='stMain']") == changed_from:
            time.sleep(0.05)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", state="attached")
    page.wait_for_timeout(150)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", state="attached")
    assert page.locator("[data-testid='stException']").count() == 0, page.inner_text("[data-testid='stMain']")


def click_and_wait(page, locator) -> None:
    before = page.inner_text("[data-testid='stMain']")
    locator.click()
    wait_idle(page, changed_from=before)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def pytest_terminal_summary(terminalreporter) -> None:
    """Print every axe-core run (page, number of violations, rule ids), so the CI log shows them."""
    a11y = sys.modules.get("tests.e2e.a11y")
    if a11y is None or not a11y.RESULTS:
        return
    terminalreporter.section("axe-core (WCAG 2.2 A/AA, target-size on)")
    for run in a11y.RESULTS:
        terminalreporter.write_line(run.summary())
    path = a11y.write_results()
    terminalreporter.write_line(f"{len(a11y.RESULTS)} pages checked; details in {path}")
