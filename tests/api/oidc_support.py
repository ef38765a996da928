"""A real OpenID Connect provider for the sign-in tests: node's oidc-provider (pinned in
tests/oidc/package.json, installed by scripts/setup.sh), started on a free port by the test.

Its accounts (tests/oidc/provider.js): ``amina`` (a member, by e-mail), ``carla`` (a coordinator,
group ``wellspring-editors``), ``nobody`` (bound to no one) and ``unverified`` (amina's e-mail,
not verified). Any password signs them in at the provider's development login form.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.pg_support import free_port

OIDC_DIR = Path(__file__).resolve().parent.parent / "oidc"
CLIENT_ID = "wellspring"
CLIENT_SECRET = "test-secret"
EDITORS = "wellspring-editors"
MEMBER_EMAIL = "amina@example.org"
START_LIMIT_S = 30


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the OpenID Connect provider is required in CI: {reason}")
    pytest.skip(reason)


@contextlib.contextmanager
def oidc_provider(*redirect_uris: str) -> Iterator[str]:
    """The provider's issuer URL while it runs, allowing these redirect URIs."""
    node = shutil.which("node")
    if node is None:
        _missing("node is not installed (Node 20+; scripts/setup.sh installs the provider)")
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        _missing("oidc-provider is not installed: run scripts/setup.sh (npm ci in tests/oidc)")
    assert node is not None
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([node, "provider.js", str(port), *redirect_uris], cwd=OIDC_DIR,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_LIMIT_S
        while True:
            try:
                if httpx.get(f"{issuer}/.well-known/openid-configuration",
                             timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                out = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"the OpenID Connect provider did not start:\n{out[-2000:]}")
            time.sleep(0.1)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sign_in_at_provider(authorize_url: str, login: str, callback_prefix: str) -> str:
    """Play the browser at the provider: open the authorization URL, fill in its development
    login form, and follow its redirects until it sends us to the callback; that URL."""
    with httpx.Client(timeout=10) as browser:
        response = browser.get(authorize_url)
        url = httpx.URL(authorize_url)
        while response.status_code in (302, 303):
            url = url.join(response.headers["location"])
            response = browser.get(url)
        found = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        assert found, response.text[:500]
        response = browser.post(url.join(found.group(1)),
                                data={"prompt": "login", "login": login, "password": "any"})
        while response.status_code in (302, 303):
            location = str(url.join(response.headers["location"]))
            if location.startswith(callback_prefix):
                return location
            response = browser.get(location)
        raise AssertionError(f"the provider did not send us back: {response.status_code} "
                             f"{response.text[:500]}")
