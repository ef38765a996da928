"""The few plain pages of signing in: a refusal that says why (never a 500), and the button
that uses a one-time sign-in link (a link is used by a POST, so a mail scanner that fetches it
does not spend it). No script, no inline style: the page's Content-Security-Policy holds.

They are in the browser's language among the page's five (``Accept-Language``; English
otherwise), from the page's own catalogues (``api/static/i18n/<language>.json``, keys
``signin.*``); Arabic right to left. A detail the service adds (why a link was refused) is
shown as written."""

from __future__ import annotations

import json
from functools import lru_cache
from html import escape
from typing import Literal

from fastapi.responses import HTMLResponse

from api.routes.page import SECURITY_HEADERS, STATIC_DIR

PAGE_LANGUAGES = ("en", "fr", "es", "pt", "ar")
SignInMessage = Literal["unreachable", "noProvider", "notMember", "failed", "linkRefused"]

_FRAME = """<!doctype html>
<html lang="{lang}" dir="{dir}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Wellspring</title><link rel="stylesheet" href="/static/style.css"></head>
<body><main class="signin-page"><h1>{title}</h1>{body}</main></body></html>
"""


def page_language(accept_language: str | None) -> str:
    """The first of the page's languages the browser asks for (by its q-values; a region is
    ignored: fr-CA is fr), English when none."""
    asked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "")[:512].split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        code = tag.strip().split("-")[0].lower()
        if code in PAGE_LANGUAGES and q > 0:
            asked.append((-q, i, code))
    return min(asked)[2] if asked else "en"


@lru_cache(maxsize=len(PAGE_LANGUAGES))
def _catalogue(language: str) -> dict[str, str]:
    data = json.loads((STATIC_DIR / "i18n" / f"{language}.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k.startswith("signin.") and isinstance(v, str)}


def _t(language: str, key: str, detail: str = "") -> str:
    return _catalogue(language)[key].replace("{detail}", detail)


def _html(language: str, title: str, body: str, status: int) -> HTMLResponse:
    return HTMLResponse(_FRAME.format(lang=language, dir="rtl" if language == "ar" else "ltr",
                                      title=escape(title), body=body),
                        status_code=status, headers=SECURITY_HEADERS)


def message_page(message: SignInMessage, language: str, status: int, detail: str = ""
                 ) -> HTMLResponse:
    """A page that says what happened (``detail``, the service's own words, as written) and
    leads back to the page."""
    text = _t(language, f"signin.{message}.message", detail)
    return _html(language, _t(language, f"signin.{message}.title"),
                 f'<p id="signin-message">{escape(text)}</p>'
                 f'<p><a href="/">{escape(_t(language, "signin.back"))}</a></p>', status)


def link_page(token: str, language: str) -> HTMLResponse:
    """The button that spends a sign-in link (POST /signin/link)."""
    return _html(language, _t(language, "signin.link.title"), (
        f'<p>{escape(_t(language, "signin.link.text"))}</p>'
        '<form method="post" action="/signin/link">'
        f'<input type="hidden" name="token" value="{escape(token)}">'
        f'<button type="submit" id="link-sign-in">{escape(_t(language, "signin.link.button"))}'
        '</button></form>'), 200)
