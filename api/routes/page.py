"""The coordinators' web page: ``/`` and its static files (plain HTML, JS and CSS, no build)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

# The page loads nothing from elsewhere and never runs inline script or style.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
MEDIA_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
               ".css": "text/css; charset=utf-8", ".png": "image/png", ".svg": "image/svg+xml",
               ".json": "application/json; charset=utf-8"}
# The page's interface strings, one catalogue per language (#31): api/static/i18n/<code>.json
CATALOGUE_DIR = STATIC_DIR / "i18n"
PAGE_LANGUAGES = ("en", "fr", "es", "pt", "ar")

router = APIRouter(include_in_schema=False)


def _static_files() -> dict[str, Path]:
    """The files the page may serve, by name: only what lies in api/static, nothing below it."""
    return {p.name: p for p in STATIC_DIR.iterdir()
            if p.is_file() and p.suffix in MEDIA_TYPES and p.suffix != ".json"}


def _file(path: Path) -> FileResponse:
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix], headers=SECURITY_HEADERS)


@router.get("/")
def page() -> FileResponse:
    """The coordinators' page: who knows X, a team for a project, invitations."""
    return _file(STATIC_DIR / "index.html")


@router.get("/index.html")
def page_alias() -> RedirectResponse:
    return RedirectResponse("/", status_code=308)


@router.get("/static/{name}")
def static_file(name: str) -> FileResponse:
    """One file of the page; any name not in api/static is a 404 (no path traversal)."""
    path = _static_files().get(name)
    if path is None:
        raise HTTPException(status_code=404, detail=f"no static file {name!r}")
    return _file(path)


@router.get("/static/i18n/{language}.json")
def catalogue(language: str) -> FileResponse:
    """The page's interface strings in one of its five languages; any other name is a 404."""
    if language not in PAGE_LANGUAGES:
        raise HTTPException(status_code=404, detail=f"no catalogue {language!r}")
    return _file(CATALOGUE_DIR / f"{language}.json")
