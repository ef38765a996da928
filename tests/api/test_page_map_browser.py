"""The page's "Community map" view in a real headless chromium against a real uvicorn process
over the test community, with the sample charter and taxonomy. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.browser_support import (
    browser_expect,
    launched_chromium,
    open_page,
    screenshot_path,
)
from tests.api.uvicorn_support import REPO_ROOT, uvicorn_server

expect = browser_expect()

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def map_server(_built_home: Path, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[tuple[str, str]]:
    """The server over a copy of the indexed test community, and a reader key for
    `nrw-taskforce`."""
    from indexing.store import SqliteStore
    from indexing.store.keys import KeyStore

    home = tmp_path_factory.mktemp("map-page") / "home"
    shutil.copytree(_built_home, home)
    store = SqliteStore(home / "wellspring.db")
    _, plain = KeyStore(store).create("reader", ("nrw-taskforce",), name="map page test")
    store.close()
    log = tmp_path_factory.mktemp("map-page-log") / "uvicorn.log"
    settings = {"WELLSPRING_MAP_CHARTER": str(REPO_ROOT / "data" / "charter.json"),
                "WELLSPRING_MAP_TAXONOMY": str(REPO_ROOT / "data" / "taxonomy.json")}
    with uvicorn_server(home, log, settings) as url:
        yield url, plain


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Any, map_server: tuple[str, str]) -> Iterator[Any]:
    errors: list[str] = []
    page = open_page(browser, map_server[0], errors)
    yield page
    page.context.close()
    assert not errors, f"the page raised JavaScript errors: {errors}"


def open_map(page: Any) -> None:
    with page.expect_response(lambda r: "/map" in r.url and "/static/" not in r.url):
        page.click("nav a[data-view='map']")
    expect(page.locator("#map-result")).to_be_visible()


def test_map_view_draws_the_heat_maps_and_sections(page: Any) -> None:
    open_map(page)
    assert page.evaluate("location.hash") == "#/map"
    expect(page.locator("#map-summary")).to_contain_text("from 36 public contributions")
    cells = page.locator("#heat-levels a.grid-cell")
    n_topics = page.locator("#heat-levels a.grid-row-link").count()
    assert n_topics >= 2 and cells.count() == 5 * n_topics  # topic × level
    assert page.locator("#heat-years a.grid-cell").count() >= n_topics
    assert page.locator("#spread-topics a.spread-row").count() == n_topics
    expect(page.locator("#map-thin li").first).not_to_be_empty()
    expect(page.locator("#map-gaps li a").first).to_have_attribute("href", re.compile("^#/search"))
    expect(page.locator("#map-scope tbody tr")).to_have_count(11)
    expect(page.locator("#map-scope tr[data-scope='ocean'] .tag")).to_have_text(
        re.compile("No expertise|Thin"))
    page.screenshot(path=screenshot_path("map"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=screenshot_path("map-375"), full_page=True)


def test_a_cell_opens_the_search_for_its_topic_and_level(page: Any) -> None:
    open_map(page)
    cell = page.locator("#heat-levels a.grid-cell[data-col='core']").first
    with page.expect_response(lambda r: "/experts?" in r.url):
        cell.click()
    hash_ = page.evaluate("location.hash")
    assert hash_.startswith("#/search?q=") and "level=core" in hash_
    expect(page.locator("#search-summary")).not_to_be_empty()
    expect(page.locator("#f-level")).to_have_value("core")


def test_a_bad_year_range_is_named_next_to_its_field(page: Any) -> None:
    open_map(page)
    page.fill("#m-from-year", "2024")
    page.fill("#m-to-year", "2020")
    with page.expect_response(lambda r: "/map?" in r.url):
        page.click("#map-submit")
    expect(page.locator("#to_year-error")).to_be_visible()
    expect(page.locator("#to_year-error")).to_contain_text("To year")
    expect(page.locator("#m-to-year")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#map-error")).to_contain_text("Please correct")
    page.screenshot(path=screenshot_path("map-bad-years"))
    page.fill("#m-from-year", "20x4")
    page.fill("#m-to-year", "")
    page.click("#map-submit")
    expect(page.locator("#from_year-error")).to_contain_text("enter a year")


def test_a_key_with_a_private_space_counts_its_contributions(page: Any,
                                                             map_server: tuple[str, str]
                                                             ) -> None:
    page.fill("#api-key", map_server[1])
    page.click("#key-save")
    open_map(page)
    expect(page.locator("#map-summary")).to_contain_text(
        "from 38 contributions in public + nrw-taskforce")
