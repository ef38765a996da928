"""The sign-in pages in the browser's language (#31): the page's catalogues, Arabic right to
left, the service's own detail shown as written and escaped."""

from __future__ import annotations

import pytest

from api.signin_pages import PAGE_LANGUAGES, link_page, message_page, page_language


@pytest.mark.parametrize(("header", "language"), [
    (None, "en"), ("", "en"), ("de-DE,de;q=0.9", "en"), ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
    ("en;q=0.5, pt-BR;q=0.9", "pt"), ("de, es-419;q=0.7, ar;q=0.6", "es"), ("ar-MA", "ar"),
    ("fr;q=0, es", "es"), ("fr;q=abc, pt", "pt"), ("x" * 2000, "en"),
])
def test_the_language_is_the_browsers_first_of_ours(header: str | None, language: str) -> None:
    assert page_language(header) == language


def test_every_page_in_every_language() -> None:
    for language in PAGE_LANGUAGES:
        for kind in ("unreachable", "noProvider", "notMember", "failed", "linkRefused"):
            page = message_page(kind, language, 403, "the link <b>expired</b>")
            html = bytes(page.body).decode()
            assert f'lang="{language}"' in html
            assert ('dir="rtl"' in html) == (language == "ar")
            assert "{" not in html and "<b>" not in html  # filled, and the detail escaped
            if kind in ("failed", "linkRefused"):
                assert "the link &lt;b&gt;expired&lt;/b&gt;" in html
        link = bytes(link_page("tok", language).body).decode()
        assert 'name="token" value="tok"' in link and 'id="link-sign-in"' in link
    french = bytes(message_page("notMember", "fr", 403).body).decode()
    assert "Vous n'êtes pas membre" in french or "Vous n&#x27;êtes pas membre" in french
    assert "Retour à Wellspring" in french
