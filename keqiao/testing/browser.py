"""Headless Chromium for the end-to-end tests (Playwright's sync API driving the system Chromium).

Whether browser tests run is decided by the environment variable KEQIAO_BROWSER_TESTS:

* ``required`` (CI): Chromium and Playwright must be available; a missing one fails the test.
* ``skip``: browser tests are skipped.
* unset or empty: the tests run when Chromium is installed and are skipped otherwise.

Playwright is never asked to download browsers: we launch the distribution's Chromium
(``/usr/bin/chromium`` unless KEQIAO_CHROMIUM points elsewhere).

Usage in a test module::

    pytestmark = [pytest.mark.browser, pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason()))]

    @pytest.fixture
    def browser(live_server):
        with chromium_browser() as b:
            yield b
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

MODE_VARIABLE = "KEQIAO_BROWSER_TESTS"
MODES = ("required", "skip", "")
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Where tests put screenshots; the directory is git-ignored.
ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"


def browser_mode() -> str:
    mode = os.environ.get(MODE_VARIABLE, "").strip().lower()
    if mode not in MODES:
        pytest.fail(f"{MODE_VARIABLE} must be 'required', 'skip' or unset, not {mode!r}.", pytrace=False)
    return mode


def chromium_path() -> str | None:
    """The Chromium executable to use, or None when it is not installed."""
    candidate = os.environ.get("KEQIAO_CHROMIUM") or DEFAULT_CHROMIUM
    resolved = shutil.which(candidate)
    return resolved if resolved and os.access(resolved, os.X_OK) else None


def _missing() -> str | None:
    """What prevents running a browser here, or None."""
    if chromium_path() is None:
        wanted = os.environ.get("KEQIAO_CHROMIUM") or DEFAULT_CHROMIUM
        return f"Chromium not found at {wanted} (install the 'chromium' Debian package)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the 'playwright' Python package is not installed (pip install -r requirements-dev.lock)"
    return None


def skip_reason() -> str | None:
    """Why browser tests should be skipped, or None. Never fails: use it in a ``skipif`` marker so that a
    skipped browser test does not even set up the database and live server."""
    mode = os.environ.get(MODE_VARIABLE, "").strip().lower()
    if mode == "skip":
        return f"browser tests disabled ({MODE_VARIABLE}=skip)"
    if mode == "":
        problem = _missing()
        if problem:
            return f"browser test skipped: {problem}; set {MODE_VARIABLE}=required to make this an error"
    return None


def require_chromium() -> str:
    """Return Chromium's path, or skip/fail the current test as KEQIAO_BROWSER_TESTS asks."""
    mode = browser_mode()
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    problem = _missing()
    if problem:
        pytest.fail(f"{MODE_VARIABLE}={mode or 'unset'} but {problem}.", pytrace=False)
    return chromium_path()


@contextlib.contextmanager
def _async_unsafe_allowed() -> Iterator[None]:
    """Playwright's sync API keeps an asyncio loop running in the main thread, which makes Django's ORM
    refuse to run there (SynchronousOnlyOperation). The test's own ORM calls are plain synchronous code,
    so we allow them for the lifetime of the browser and restore the previous setting afterwards."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@contextlib.contextmanager
def chromium_browser(*, headless: bool = True):
    """Launch headless Chromium (skipping or failing per KEQIAO_BROWSER_TESTS) and yield the Browser."""
    executable = require_chromium()
    # development dependency: only browser tests launch Chromium
    from playwright.sync_api import sync_playwright

    with _async_unsafe_allowed(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=headless, args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, base_url: str, *, locale: str = "zh-CN", timeout_ms: int = 10_000):
    """A page in a fresh context (own cookies, so its own session) with base_url for relative gotos."""
    context = browser.new_context(base_url=base_url, locale=locale, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(timeout_ms)
    return context.new_page()


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under test-artifacts/ and return its path."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / name
    page.screenshot(path=str(path), full_page=full_page)
    return path


TEST_PASSWORD = "correct-horse-battery"  # noqa: S105 - the test factories' password  # nosec B105  # a published demo or test value, not a secret


def sign_in(browser, base_url: str, username: str, next_url: str, *, password: str = TEST_PASSWORD):
    """A new page signed in as `username`, landed on `next_url` (checked)."""
    # development dependency: only browser tests sign in
    from playwright.sync_api import expect

    page = new_page(browser, base_url)
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator("main input[name=username]").fill(username)
    page.locator("main input[name=password]").fill(password)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))
    return page


PHONE_VIEWPORT = {"width": 390, "height": 844}
SERIOUS_IMPACTS = ("serious", "critical")


def phone_page(browser, base_url: str, username: str | None = None, *, password: str = TEST_PASSWORD):
    """A page in a fresh phone-sized context (390 × 844, touch), signed in as `username` when given."""
    context = browser.new_context(
        base_url=base_url, locale="zh-CN", viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    if username:
        page.goto("/accounts/login/")
        page.locator("main input[name=username]").fill(username)
        page.locator("main input[name=password]").fill(password)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
    return page


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when nothing overflows sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the current page, one readable line each.

    axe-core comes from the pinned axe-playwright-python package (requirements-dev.lock), which bundles
    axe.min.js; it is evaluated through the DevTools protocol, so the page's Content-Security-Policy
    stays as strict as in production."""
    # development dependency: only the accessibility checks of the browser tests use axe-core
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in SERIOUS_IMPACTS:
            continue
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return lines
