"""#31: the page in five languages, without a browser: no interface string is left untranslated.

The catalogues (api/static/i18n/{en,fr,es,pt,ar}.json) hold the same keys, every one non-empty,
with English's ``{placeholders}`` in each translation; a string given as plural forms is plural
forms in every language. Every key index.html and the scripts name exists in English. index.html
shows no text outside the catalogue, and the scripts hand no English sentence to the page outside
``t()``. The catalogues are served from this origin, and nothing else under that path.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.routes import page

STATIC = Path(page.STATIC_DIR)
LANGUAGES = ("en", "fr", "es", "pt", "ar")
TRANSLATED = ("fr", "es", "pt", "ar")

# The only strings that may read as in English, per language: names of formats and products,
# and words French shares with English (Description, Contact, contribution, score, ...).
SAME_AS_ENGLISH = {
    "fr": {"import.format", "import.options", "field.description", "me.colType", "member.contact",
           "import.fmtBibtex", "import.fmtRis", "personRole.expert", "personRole.invitation",
           "member.contributions", "map.contributions", "me.contributionCount", "me.colDate",
           "map.colExpertise", "field.organisation", "chart.organisations",
           "chart.organisationCount", "card.score", "card.scoreLabel", "project.closestClose",
           "importKind.contributions", "importKind.organisations", "importMethod.orcid"},
    "es": {"import.fmtBibtex", "import.fmtRis", "common.no",
           "importMethod.orcid"},
    "pt": {"import.fmtBibtex", "import.fmtRis", "importMethod.orcid"},
    "ar": {"importMethod.orcid"},
}
# Text in index.html that is no interface string: the product's name.
NOT_INTERFACE_TEXT = {"Wellspring", "Wellspring ·", "(Discourse)"}
# Attribute values in index.html that are examples of identifiers, the same in every language.
EXAMPLE_VALUES = {"m-0001, m-0002", "org-nairobi-water", "KE, NL", "m-0042", "2018", "2025",
                  "Nom complet=name\nExpertise=bio"}


def catalogue(language: str) -> dict[str, str | dict[str, str]]:
    data: dict[str, str | dict[str, str]] = json.loads(
        (STATIC / "i18n" / f"{language}.json").read_text(encoding="utf-8"))
    return data


def forms(value: str | dict[str, str]) -> list[str]:
    return list(value.values()) if isinstance(value, dict) else [value]


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_every_language_has_every_key_and_no_other() -> None:
    english = catalogue("en")
    for language in TRANSLATED:
        other = catalogue(language)
        assert not set(english) - set(other), f"{language} lacks {set(english) - set(other)}"
        assert not set(other) - set(english), f"{language} has extra {set(other) - set(english)}"
        for key, value in other.items():
            assert isinstance(value, dict) == isinstance(english[key], dict), (language, key)
            assert all(isinstance(f, str) and f.strip() for f in forms(value)), (language, key)
            if isinstance(value, dict):
                assert "other" in value, (language, key)


def test_every_placeholder_survives_translation() -> None:
    english = catalogue("en")
    for language in TRANSLATED:
        other = catalogue(language)
        for key, value in english.items():
            wanted = placeholders(value["other"] if isinstance(value, dict) else value)
            given = other[key]
            main = given["other"] if isinstance(given, dict) else given
            assert wanted <= placeholders(main), f"{language} {key}: {main!r} lacks {wanted}"
            for form in forms(given):  # a form may leave out {n} ("one"), never invent one
                assert placeholders(form) <= wanted | {"n"}, (language, key, form)


def test_translations_are_translated() -> None:
    english = catalogue("en")
    for language in TRANSLATED:
        other = catalogue(language)
        same = {key for key, value in english.items() if value == other[key]
                and re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", str(value)))}
        allowed = SAME_AS_ENGLISH[language]
        assert same <= allowed, f"{language} left in English: {same - allowed}"
        assert allowed <= same, f"{language}: no longer the same as English: {allowed - same}"


class _PageText(HTMLParser):
    """index.html's visible text and interface attributes, each with the catalogue key the
    element (or, for text, the innermost element) carries."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[tuple[str, str | None, bool]] = []  # text, key, own language
        self.attributes: list[tuple[str, str, str | None]] = []  # attribute, value, key
        self.keys: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name, value in found.items():
            if name.startswith("data-i18n") and value:
                self.keys.add(value)
        for name in ("placeholder", "aria-label", "title"):
            if found.get(name):
                self.attributes.append((name, str(found[name]), found.get(f"data-i18n-{name}")))
        if tag not in {"meta", "link", "input", "br", "img"}:
            self.stack.append((tag, found))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if not text or any(tag in {"script", "style"} for tag, _ in self.stack):
            return
        if not re.search(r"[^\W\d_]", text):  # punctuation, symbols and numbers only
            return
        key = self.stack[-1][1].get("data-i18n") if self.stack else None
        own_language = any("lang" in attrs for tag, attrs in self.stack if tag != "html")
        self.texts.append((text, key, own_language))


def _page() -> _PageText:
    parser = _PageText()
    parser.feed((STATIC / "index.html").read_text(encoding="utf-8"))
    return parser


def test_index_html_shows_no_text_outside_the_catalogue() -> None:
    english = catalogue("en")
    parsed = _page()
    for text, key, own_language in parsed.texts:
        if own_language or text in NOT_INTERFACE_TEXT:
            continue  # the picker's language names are written in their own language
        assert key, f"index.html shows {text!r} outside the catalogue (no data-i18n)"
        assert " ".join(str(english[key]).split()) == text, f"{key}: index.html says {text!r}"
    for attribute, value, key in parsed.attributes:
        if value in EXAMPLE_VALUES:
            continue
        assert key, f"index.html's {attribute}={value!r} has no data-i18n-{attribute}"
        assert english[key] == value, f"{key}: index.html's {attribute} says {value!r}"
    unknown = parsed.keys - set(english)
    assert not unknown, f"index.html names unknown keys {unknown}"


# ---- the scripts -----------------------------------------------------------------------------
SCRIPTS = sorted(p for p in STATIC.glob("*.js") if p.name != "i18n.js")
# After one of these, a "/" starts a regular expression rather than a division.
_REGEX_BEFORE = set("(,=:[!&|?{};+-*%<>~^") | {""}
# Literals that are code, not text: the strict-mode directive, HTTP headers, DOM events, ...
CODE_WORDS = {"use strict", "Accept", "Content-Type", "X-API-Key", "X-CSRF-Token", "AbortError",
              "GET", "POST", "PUT", "PATCH", "DELETE", "SELECT", "Enter",
              "Not Found"}  # FastAPI's own 404 detail, which the page replaces by its sentence


def string_literals(source: str) -> list[tuple[str, str]]:
    """The string literals of a script as (text, the code just before it); a template literal's
    text is its parts outside ``${...}`` (whose own literals are listed too). Comments and
    regular expressions are skipped."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(source)

    def last_code(at: int) -> str:
        return source[max(0, at - 12):at].rstrip()

    def template(at: int) -> int:  # at: just after the opening backtick; returns after the closing
        parts, buf, j, start = [], [], at, at
        while j < n and source[j] != "`":
            if source[j] == "\\":
                buf.append(source[j:j + 2])
                j += 2
            elif source.startswith("${", j):
                parts.append("".join(buf))
                buf = []
                j = code(j + 2, "}")
            else:
                buf.append(source[j])
                j += 1
        parts.append("".join(buf))
        out.append((" ".join(parts), last_code(start - 1)))
        return j + 1

    def code(at: int, until: str | None) -> int:
        j, depth = at, 0
        while j < n:
            c = source[j]
            if until and c == until and depth == 0:
                return j + 1
            if c in "{([":
                depth += 1
            elif c in "})]":
                depth -= 1
            if source.startswith("//", j):
                j = source.find("\n", j) if source.find("\n", j) >= 0 else n
                continue
            if source.startswith("/*", j):
                j = source.index("*/", j) + 2
                continue
            if c in "\"'":
                end = j + 1
                while source[end] != c:
                    end += 2 if source[end] == "\\" else 1
                out.append((source[j + 1:end], last_code(j)))
                j = end + 1
                continue
            if c == "`":
                j = template(j + 1)
                continue
            if c == "/":
                before = source[:j].rstrip()
                if (before[-1:] in _REGEX_BEFORE) or before.endswith("return"):
                    end = j + 1
                    in_class = False
                    while source[end] != "/" or in_class:
                        if source[end] == "\\":
                            end += 1
                        elif source[end] == "[":
                            in_class = True
                        elif source[end] == "]":
                            in_class = False
                        end += 1
                    j = end + 1
                    continue
            j += 1
        return j

    while i < n:
        i = code(i, None)
    return out


def looks_like_english(text: str) -> bool:
    """The heuristic: two words of letters in a row ("No gaps", "Sign in"), or one capitalised
    word ("History"), is text a person reads; selectors, class names, URLs, keys and ids are not
    (a literal with "#", ".", "[", "/" or "=" in it, whose every word has a hyphen, or that follows
    ``class:``, is code)."""
    if text in CODE_WORDS or re.search(r"[#\[/=]|^\.|\w\.\w", text):
        return False
    if all("-" in word for word in text.split()):
        return False  # class names: "grid-num grid-num-dark"
    return bool(re.search(r"\b[A-Za-z]{2,} [A-Za-z]{2,}\b", text)
                or re.fullmatch(r"\s*[A-Z][a-z]{2,}[:.]?\s*", text))


def test_the_scripts_hand_no_english_to_the_page_outside_the_catalogue() -> None:
    """Rule: every string literal of the page's scripts (i18n.js aside, which names the languages)
    that looks like English (``looks_like_english``) fails, unless it is a class name (after
    ``class:``). A sentence for the page is a ``t("key")`` call, whose key has no space."""
    found = []
    for script in SCRIPTS:
        for text, before in string_literals(script.read_text(encoding="utf-8")):
            if before.endswith("class:") or before.endswith("className ="):
                continue
            if looks_like_english(text):
                found.append(f"{script.name}: {text!r}")
    assert not found, "English outside the catalogue:\n" + "\n".join(found)


def test_every_key_the_scripts_name_exists_in_english() -> None:
    english = catalogue("en")
    namespaces = {key.split(".")[0] for key in english}
    for script in [*SCRIPTS, STATIC / "i18n.js"]:
        literals = [text for text, _ in string_literals(script.read_text(encoding="utf-8"))]
        for text in literals:
            if re.fullmatch(r"[a-zA-Z]+\.[\w.]+", text) and text.split(".")[0] in namespaces:
                assert text in english, f"{script.name} names {text!r}, not in en.json"
        source = script.read_text(encoding="utf-8")
        for group in re.findall(r"\bterm\(\"(\w+)\"", source):
            assert any(k.startswith(f"{group}.") for k in english), f"{script.name}: {group}"
        for prefix in re.findall(r"\bt\(`(\w+)\.\$\{", source):
            assert any(k.startswith(f"{prefix}.") for k in english), f"{script.name}: {prefix}"


def test_the_scanner_finds_english_and_keys() -> None:
    literals = string_literals('el("p", {}, "No gaps"); t("card.score"); x = a / 2; '
                               'y = /"no"/g; z = `Team of ${t("n")} members`; // "Gone here"\n')
    texts = [text for text, _ in literals]
    assert "No gaps" in texts and "card.score" in texts and "Team of   members" in texts
    assert "Gone here" not in texts and "no" not in texts
    assert looks_like_english("No gaps") and looks_like_english("History")
    assert not looks_like_english("card.score") and not looks_like_english("#me-choices input")


def test_the_catalogues_are_served_and_nothing_else_under_their_path() -> None:
    app = FastAPI()
    app.include_router(page.router)
    client = TestClient(app)
    for language in LANGUAGES:
        response = client.get(f"/static/i18n/{language}.json")
        assert response.status_code == 200, language
        assert response.headers["content-type"].startswith("application/json")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.json() == catalogue(language)
    for path in ["/static/i18n/de.json", "/static/i18n/..%2Fen.json", "/static/i18n/en.js",
                 "/static/en.json", "/static/i18n/%2e%2e%2fapp.json"]:
        assert client.get(path).status_code == 404, path
