"""Helpers for the browser tests: Debian's chromium and where screenshots go."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.api.uvicorn_support import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


def chromium_path() -> str | None:
    """Debian's chromium (never a browser downloaded by Playwright)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot_path(name: str) -> Path:
    """Where a test saves the picture of a view (test-artifacts/ is git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
