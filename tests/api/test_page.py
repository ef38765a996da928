"""The page's routes without a browser: / and /static serve only api/static, with a strict CSP."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.routes import page


def client() -> TestClient:
    app = FastAPI()
    app.include_router(page.router)
    return TestClient(app)


def test_root_serves_the_page_with_a_strict_content_security_policy() -> None:
    response = client().get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/static/app.js">' in response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"


def test_static_files_have_their_media_types() -> None:
    c = client()
    for name, media in [("app.js", "text/javascript"), ("dom.js", "text/javascript"),
                        ("style.css", "text/css")]:
        response = c.get(f"/static/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"].startswith(media)
        assert len(response.content) > 1000


def test_nothing_outside_api_static_is_served() -> None:
    c = client()
    for path in ["/static/missing.js", "/static/..%2Froutes%2Fpage.py", "/static/../app.py",
                 "/static/%2e%2e%2fapp.py"]:
        response = c.get(path)
        assert response.status_code == 404, path
        assert "import" not in response.text


def test_the_page_loads_nothing_from_elsewhere() -> None:
    c = client()
    texts = [c.get(p).text for p in ("/", "/static/app.js", "/static/dom.js", "/static/style.css",
                                     "/static/imports.js")]
    for text in texts:
        assert "http://" not in text and "https://" not in text
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text
