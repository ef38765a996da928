"""Helpers for the browser tests: Debian's chromium and where screenshots go."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.api.uvicorn_support import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


def chromium_path() -> str | None:
    """Debian's chromium (never a browser downloaded by Playwright)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser_expect() -> Any:
    """Playwright's ``expect`` (60 s: a search encodes the need on 2 shared cores), or skip the
    calling test module when Debian's chromium or Playwright is missing."""
    import pytest

    if chromium_path() is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium; scripts/setup.sh does"
                    " it as root): the browser tests need Debian's chromium",
                    allow_module_level=True)
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright (Python) not installed")
    expect = sync_api.expect
    expect.set_options(timeout=60_000)
    return expect


def screenshot_path(name: str) -> Path:
    """Where a test saves the picture of a view (test-artifacts/ is git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


@contextlib.contextmanager
def launched_chromium() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (callers skip when it is missing)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser: Any, server: str, errors: list[str], width: int = 1280,
              locale: str = "en-US") -> Any:
    """A fresh browser context (its own sessionStorage and localStorage) on the page, its
    browser speaking ``locale`` (English unless a test asks: the page follows the browser's
    language, #31); script errors go to ``errors``."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=server,
                                  locale=locale)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/")
    expect(page.locator("#f-level option[value='core']")).to_be_attached()  # the script ran
    return page


@contextlib.contextmanager
def served_with_key(built_home: Path, folder: Path, role: str, member_id: str | None = None
                    ) -> Iterator[tuple[str, str]]:
    """A uvicorn server over a copy of the indexed test community in ``folder``, and a key of
    ``role`` (a member's, with ``member_id``) made for it: (address, key)."""
    from indexing.store import SqliteStore
    from indexing.store.keys import KeyStore
    from tests.api.uvicorn_support import uvicorn_server

    home = folder / "home"
    shutil.copytree(built_home, home)
    store = SqliteStore(home / "wellspring.db")
    _, key = KeyStore(store).create(role, name=f"page {role}",  # type: ignore[arg-type]
                                    member_id=member_id)
    store.close()
    with uvicorn_server(home, folder / "uvicorn.log") as url:
        yield url, key
