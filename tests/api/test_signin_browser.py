"""#28: a member and a coordinator sign in through the page in a real headless chromium, at a
real OpenID Connect provider (node's oidc-provider), and sign out; keyboard only."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.browser_support import browser_expect, launched_chromium, open_page
from tests.api.oidc_support import CLIENT_ID, CLIENT_SECRET, EDITORS, MEMBER_EMAIL, oidc_provider
from tests.api.uvicorn_support import free_port, uvicorn_server

expect = browser_expect()

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(_built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from indexing.store import SqliteStore

    home = tmp_path_factory.mktemp("signin-page") / "home"
    shutil.copytree(_built_home, home)
    store = SqliteStore(home / "wellspring.db")
    member = store.get_member("m-0001").model_copy(update={"sign_in_email": MEMBER_EMAIL})
    store.write_records(members=[member])
    store.close()
    port = free_port()
    log = tmp_path_factory.mktemp("signin-log") / "uvicorn.log"
    with oidc_provider(f"http://127.0.0.1:{port}/signin/callback") as issuer, \
            uvicorn_server(home, log, port=port, settings={
                "WELLSPRING_OIDC_ISSUER": issuer, "WELLSPRING_OIDC_CLIENT_ID": CLIENT_ID,
                "WELLSPRING_OIDC_CLIENT_SECRET": CLIENT_SECRET,
                "WELLSPRING_OIDC_EDITOR_GROUPS": f'["{EDITORS}"]'}) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as chromium:
        yield chromium


def _sign_in(page: Any, login: str) -> None:
    """Tab to "Sign in", press Enter, and sign in at the provider's form with the keyboard."""
    sign_in = page.locator("#sign-in")
    expect(sign_in).to_be_visible()
    sign_in.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("input[name=login]")
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.keyboard.press("Enter")
    expect(page.locator("#signed-in")).to_be_visible()  # back on the page, signed in


@pytest.mark.parametrize("login,name,role", [
    ("amina", "Grace Wanjiru", "member"), ("carla", "Carla Coordinator", "coordinator (editor)")])
def test_sign_in_and_out_through_the_page(server: str, browser: Any, login: str, name: str,
                                          role: str) -> None:
    errors: list[str] = []
    page = open_page(browser, server, errors)
    _sign_in(page, login)
    expect(page.locator("#signed-in-name")).to_have_text(name)
    expect(page.locator("#signed-in-role")).to_have_text(role)
    expect(page.locator("#key-form")).to_be_hidden()
    expect(page.locator("#sign-in")).to_be_hidden()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["ws_session"]["httpOnly"] and cookies["ws_session"]["sameSite"] == "Lax"
    sign_out = page.locator("#sign-out")
    sign_out.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#sign-in")).to_be_visible()
    expect(page.locator("#sign-in")).to_be_focused()
    expect(page.locator("#signed-in")).to_be_hidden()
    assert page.evaluate("fetch('/session').then(r => r.json())")["signed_in"] is False
    assert not errors, errors
    page.context.close()


def test_someone_bound_to_nobody_sees_a_clear_page(server: str, browser: Any) -> None:
    errors: list[str] = []
    page = open_page(browser, server, errors)
    expect(page.locator("#sign-in")).to_be_visible()
    page.locator("#sign-in").click()
    page.wait_for_selector("input[name=login]")
    page.locator("input[name=login]").fill("nobody")
    page.locator("input[name=password]").fill("x")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Not a member of this community")
    expect(page.locator("#signin-message")).to_contain_text("neither a member")
    page.context.close()
