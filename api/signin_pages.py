"""The few plain pages of signing in: a refusal that says why (never a 500), and the button
that uses a one-time sign-in link (a link is used by a POST, so a mail scanner that fetches it
does not spend it). No script, no inline style: the page's Content-Security-Policy holds."""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse

from api.routes.page import SECURITY_HEADERS

_FRAME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Wellspring</title><link rel="stylesheet" href="/static/style.css"></head>
<body><main class="signin-page"><h1>{title}</h1>{body}</main></body></html>
"""


def _html(title: str, body: str, status: int) -> HTMLResponse:
    return HTMLResponse(_FRAME.format(title=escape(title), body=body), status_code=status,
                        headers=SECURITY_HEADERS)


def message_page(title: str, message: str, status: int) -> HTMLResponse:
    """A page that says what happened and leads back to the page."""
    return _html(title, f'<p id="signin-message">{escape(message)}</p>'
                        '<p><a href="/">Back to Wellspring</a></p>', status)


def link_page(token: str) -> HTMLResponse:
    """The button that spends a sign-in link (POST /signin/link)."""
    return _html("Sign in to Wellspring", (
        '<p>This one-time link signs you in as the member it was made for.</p>'
        '<form method="post" action="/signin/link">'
        f'<input type="hidden" name="token" value="{escape(token)}">'
        '<button type="submit" id="link-sign-in">Sign in</button></form>'), 200)
