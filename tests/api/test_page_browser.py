"""The coordinators' page in a real headless chromium against a real uvicorn process.

The server runs over a copy of the test community (tests/data, indexed with the real model);
see tests/data/README.md for who is expert in what. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
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
from tests.api.uvicorn_support import uvicorn_server

expect = browser_expect()

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LEAKS = "acoustic leak detection and non-revenue water in intermittent supply"
PRIVATE_NEED = "correlator filter settings for PVC service lines with hydrophones"


@pytest.fixture(scope="module")
def server_home(_built_home: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[Path, str | None]:
    """A private copy of the indexed test community, and a reader key for `nrw-taskforce`
    (None where this build has no API keys)."""
    home = tmp_path_factory.mktemp("page") / "home"
    shutil.copytree(_built_home, home)
    try:
        from indexing.store import SqliteStore
        from indexing.store.keys import KeyStore
    except ImportError:
        return home, None
    store = SqliteStore(home / "wellspring.db")
    _, plain = KeyStore(store).create("reader", ("nrw-taskforce",), name="page test")
    store.close()
    return home, plain


@pytest.fixture(scope="module")
def server(server_home: tuple[Path, str | None],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("page-log") / "uvicorn.log"
    with uvicorn_server(server_home[0], log) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    errors: list[str] = []
    page = open_page(browser, server, errors)
    yield page
    page.context.close()
    assert not errors, f"the page raised JavaScript errors: {errors}"


def search(page: Any, need: str, answered: bool = True, **selects: str) -> None:
    """Fill the form and submit; with ``answered``, return once the server has answered (so
    that results on screen are this search's, not the previous one's)."""
    page.fill("#q", need)
    for name, value in selects.items():
        page.locator(f"#f-{name} option[value='{value}']").wait_for(state="attached")
        page.select_option(f"#f-{name}", value)
    if not answered:
        page.click("#search-submit")
        return
    with page.expect_response(lambda r: "/experts?" in r.url):
        page.click("#search-submit")


def card_ids(page: Any, within: str = "#search-results") -> list[str]:
    ids: list[str] = page.eval_on_selector_all(
        f"{within} > li.card", "cards => cards.map(c => c.dataset.memberId)")
    return ids


def wait_for_results(page: Any) -> None:
    expect(page.locator("#search-summary")).not_to_be_empty()
    expect(page.locator("#search-loading")).to_be_hidden()


def test_search_shows_members_with_their_evidence(page: Any) -> None:
    expect(page.locator("#access-badge")).to_contain_text("Public view")
    search(page, LEAKS)
    wait_for_results(page)
    assert card_ids(page)[0] == "m-0001"
    first = page.locator("#search-results > li.card").first
    expect(first.locator(".card-name")).to_have_text("Grace Wanjiru")
    expect(first.locator(".meta")).to_contain_text("Nairobi Metropolitan Water Services")
    expect(first.locator(".meta")).to_contain_text("KE")
    expect(first.locator(".meta")).to_contain_text("core")
    expect(first.locator(".score")).to_have_text(re.compile(r"score\s*0\.\d\d"))
    evidence = first.locator(".evidence-item")
    assert evidence.count() >= 1
    item = evidence.first
    assert (item.get_attribute("data-contribution-id") or "").startswith("c-000")
    expect(item.locator(".evidence-title")).not_to_be_empty()
    expect(item.locator(".chip-type")).not_to_be_empty()
    expect(item.locator("time")).to_have_attribute("datetime", re.compile(r"\d{4}-"))
    expect(item.locator(".snippet")).not_to_be_empty()
    # public view: no contact details, no private evidence
    assert page.locator("#search-results .contact").count() == 0
    assert page.locator("#search-results .chip-private").count() == 0
    assert "q=acoustic" in page.evaluate("location.hash")
    expect(page.locator("#search-summary")).to_have_attribute("aria-live", "polite")
    page.screenshot(path=screenshot_path("search"), full_page=True)
    page.screenshot(path=screenshot_path("search-viewport"))


def test_a_french_need_finds_the_expert_and_says_its_language(page: Any) -> None:
    search(page, "traitement des boues de vidange des latrines")
    wait_for_results(page)
    assert card_ids(page)[0] == "m-0004"
    expect(page.locator("#search-summary")).to_contain_text(
        "Need in French, answered through the multilingual index")
    expect(page.locator("#search-summary")).to_contain_text(
        "Read with the glossary as: faecal sludge treatment plant")
    page.screenshot(path=screenshot_path("search-french"), full_page=True)


def test_a_need_naming_a_place_says_who_is_preferred(page: Any) -> None:
    search(page, "faecal sludge treatment in West Africa")
    wait_for_results(page)
    assert card_ids(page)[0] == "m-0004"
    expect(page.locator("#search-summary")).to_contain_text(
        "Members working in West Africa (BJ, BF")
    search(page, "faecal sludge treatment")
    wait_for_results(page)
    expect(page.locator("#search-summary")).not_to_contain_text("Members working in")


def test_a_broad_need_shows_its_hint_and_a_specific_one_none(page: Any) -> None:
    search(page, "water")
    wait_for_results(page)
    expect(page.locator("#search-hint")).to_be_visible()
    expect(page.locator("#search-hint")).to_contain_text("broad")
    page.select_option("#language-picker", "fr")  # the hint in French, from its figures
    expect(page.locator("#search-hint")).to_contain_text("Ce besoin est large")
    expect(page.locator("#search-hint")).not_to_contain_text("broad")
    page.select_option("#language-picker", "en")
    search(page, "faecal sludge treatment")
    wait_for_results(page)
    expect(page.locator("#search-hint")).to_be_hidden()


def test_country_filter_keeps_only_that_country(page: Any) -> None:
    search(page, "desalination, reverse osmosis membranes and brine disposal", country="JO")
    wait_for_results(page)
    ids = card_ids(page)
    assert ids and ids[0] == "m-0003"
    assert set(ids) <= {"m-0003", "m-0008"}  # the two members in Jordan
    search(page, "desalination, reverse osmosis membranes and brine disposal", country="KE")
    wait_for_results(page)
    ids = card_ids(page)
    assert "m-0003" not in ids
    assert set(ids) <= {"m-0001", "m-0009"}  # the two members in Kenya
    expect(page.locator("#search-summary")).to_contain_text("country KE")


def test_member_view_shows_the_member_and_similar_members(page: Any) -> None:
    search(page, LEAKS)
    wait_for_results(page)
    page.locator("#search-results > li.card").first.locator(".card-name a").click()
    expect(page.locator("#member-title")).to_have_text("Grace Wanjiru")
    assert page.evaluate("location.hash") == "#/members/m-0001"
    expect(page.locator("#member-detail")).to_contain_text("Nairobi Metropolitan Water Services")
    expect(page.locator("#member-detail .bio")).not_to_be_empty()
    expect(page.locator("#similar-summary")).to_contain_text("similar member")
    similar = card_ids(page, "#similar-results")
    assert similar and "m-0001" not in similar and "m-0012" not in similar  # m-0012 is hidden
    page.screenshot(path=screenshot_path("member"), full_page=True)
    with page.expect_response(lambda r: "/experts?" in r.url):
        page.click("#member-back")
    wait_for_results(page)
    assert card_ids(page)[0] == "m-0001"


def test_the_page_marks_what_it_shows_as_shown(page: Any) -> None:
    """Fair exposure counts only answers shown to a person: the page says so on each call."""
    page.fill("#q", LEAKS)
    with page.expect_request(lambda r: "/experts?" in r.url) as sent:
        page.click("#search-submit")
    assert "shown=true" in sent.value.url
    page.click("nav a[data-view='project']")
    page.fill("#p-title", "Leaks")
    page.fill("#p-needs", "acoustic leak detection with correlators")
    with page.expect_request(lambda r: "/projects/match" in r.url) as team:
        page.click("#project-submit")
    assert json.loads(team.value.post_data)["shown"] is True
    expect(page.locator("#project-result")).to_be_visible()


def suggest(page: Any, title: str, description: str = "", needs: str = "",
            size: str | None = None) -> None:
    """Ask the Project team view for a team (and its invitations) and wait for the answer."""
    page.click("nav a[data-view='project']")
    page.fill("#p-title", title)
    page.fill("#p-description", description)
    page.fill("#p-needs", needs)
    if size is not None:
        page.fill("#p-size", size)
    page.click("#project-submit")
    expect(page.locator("#project-result")).to_be_visible()


def test_unknown_member_says_so(page: Any) -> None:
    page.goto("/#/members/m-9999")
    expect(page.locator("#member-error")).to_be_visible()
    expect(page.locator("#member-error")).to_contain_text("m-9999")


def test_project_match_shows_team_coverage_gaps_spread_and_invitations(page: Any) -> None:
    page.click("nav a[data-view='project']")
    expect(page.locator("#project-title")).to_be_visible()
    page.fill("#p-title", "Cutting water losses in Nairobi")
    page.fill("#p-description", "Find and fix leaks in an intermittent network and pay for it.")
    page.fill("#p-needs", "acoustic leak detection with correlators\n"
                          "water tariffs: increasing block tariffs, lifeline block and cost"
                          " recovery for a utility\n"
                          "rocket engine propulsion for spacecraft")
    page.fill("#p-size", "3")
    page.click("#project-submit")
    expect(page.locator("#project-result")).to_be_visible()
    rows = page.locator("#coverage-table tbody tr")
    expect(rows).to_have_count(3)
    leak_row = page.locator("#coverage-table tr[data-need^='acoustic leak']")
    expect(leak_row).to_have_class(re.compile(r"\bcovered\b"))
    expect(leak_row).to_contain_text("Grace Wanjiru")
    tariff_row = page.locator("#coverage-table tr[data-need^='water tariffs']")
    expect(tariff_row).to_contain_text("David Otieno")
    rocket = page.locator("#coverage-table tr[data-need^='rocket engine']")
    expect(rocket).to_have_class(re.compile(r"\bgap\b"))
    expect(page.locator("#gaps li[data-need^='rocket engine']")).to_be_visible()
    team = card_ids(page, "#team-results")
    assert {"m-0001", "m-0009"} <= set(team) and len(team) <= 3
    expect(page.locator("#team-results li[data-member-id='m-0001'] .covers")).to_contain_text(
        "acoustic leak detection")
    expect(page.locator("#spread .bars-countries tbody tr").first).to_be_visible()
    expect(page.locator("#spread .bars-countries")).to_contain_text("Kenya")
    expect(page.locator("#spread .bars-organisations")).to_contain_text("Nairobi")
    expect(page.locator("#project-summary")).to_contain_text("1 gap")
    expect(page.locator("#invitations-summary")).not_to_be_empty()
    expect(page.locator("#invitations-loading")).to_be_hidden()
    invited = card_ids(page, "#invitations-results")
    assert not {"m-0006", "m-0010", "m-0012"} & set(invited)  # closed or hidden members
    page.screenshot(path=screenshot_path("project"), full_page=True)


def test_invitations_show_their_reasons_and_a_short_team_says_why(page: Any) -> None:
    suggest(page, "Peri-urban WASH", "We need faecal sludge management and flood early warning.",
            size="6")
    expect(page.locator("#invitations-loading")).to_be_hidden()
    fsm = page.locator("#invitations-results li[data-member-id='m-0004']")
    expect(fsm).to_be_visible()
    expect(fsm.locator(".reasons li[data-reason]").first).to_be_visible()
    expect(fsm.locator(".reason-type").first).to_have_text(re.compile(
        r"Fills a gap|Adds depth|New perspective|Grows a newcomer"))
    reason = fsm.locator(".reasons li[data-reason]").first
    expect(reason).to_contain_text(re.compile(r"reaches|fits|newcomer"))
    team = card_ids(page, "#team-results")
    short = page.locator("#team-notes .shortfall")
    if len(team) < 6:  # nobody else adds coverage: the page says so
        expect(short).to_contain_text("Smaller than asked")
        expect(short).to_contain_text(re.compile(r"chosen|nobody else adds coverage"))
    # in French the sentences are French too (they stayed in the API's English before)
    page.select_option("#language-picker", "fr")
    expect(reason).to_contain_text(re.compile(r"atteint|correspond à|nouveau venu"))
    expect(reason).not_to_contain_text(re.compile(r"reaches|fits|newcomer|core's best"))
    if len(team) < 6:
        expect(short).to_contain_text(re.compile(r"choisis|personne d'autre"))
        expect(short).not_to_contain_text(re.compile(r"chosen|nobody|member"))
    page.select_option("#language-picker", "en")
    page.screenshot(path=screenshot_path("project-invitations"), full_page=True)


def test_nobody_to_invite_says_why_in_the_page_s_language(page: Any) -> None:
    suggest(page, "Space", needs="orbital mechanics of geostationary satellites")
    expect(page.locator("#invitations-loading")).to_be_hidden()
    summary = page.locator("#invitations-summary")
    expect(summary).to_contain_text("Nobody to invite: nobody outside the core reaches")
    page.select_option("#language-picker", "fr")
    expect(summary).to_contain_text("Personne à inviter : personne hors du noyau n'atteint")
    expect(summary).not_to_contain_text("reaches")
    page.select_option("#language-picker", "en")


def test_derived_needs_show_their_sentence_and_fill_the_needs_list(page: Any) -> None:
    """Issue #36: each derived need shows the sentence it was read in; the derived needs fill
    the needs list, where the coordinator drops, edits or adds lines and asks again."""
    text = (Path(__file__).resolve().parents[2] / "bench/briefs/real/fr-gado-boues.txt"
            ).read_text(encoding="utf-8")
    suggest(page, "Boues de vidange au camp de Gado", text)
    row = page.locator("#coverage-table tr[data-need='gestion des boues de vidange']")
    expect(row.locator(".need-source")).to_contain_text("GESTION DES BOUES DE VIDANGE")
    needs = page.input_value("#p-needs").splitlines()
    assert "gestion des boues de vidange" in needs and len(needs) >= 3
    expect(page.locator("#needs-hint")).to_contain_text("drop, edit or add")
    kept = [n for n in needs if n != needs[-1]] + ["chloration de l'eau"]
    page.fill("#p-needs", "\n".join(kept))
    with page.expect_request(lambda r: "/projects/match" in r.url) as asked:
        page.click("#project-submit")
    assert json.loads(asked.value.post_data)["needs"] == kept
    expect(page.locator("#coverage-table tr[data-need=\"chloration de l'eau\"]")).to_be_visible()


def test_needs_inferred_from_the_work_say_so(page: Any) -> None:
    """Issue #36: a need not read in the brief but usual in the work its title names says it
    was inferred, and from which words; needs read keep their sentence."""
    text = (Path(__file__).resolve().parents[2] / "bench/briefs/real/"
            "pt-jundiai-plano-seguranca-agua.txt").read_text(encoding="utf-8")
    suggest(page, "Plano de Segurança da Água de Jundiaí", text)
    row = page.locator("#coverage-table tr[data-need='inspeção sanitária']")
    expect(row.locator(".need-source")).to_have_text(
        "usually part of the work named in: “Plano de Segurança da Água de Jundiaí”")
    read = page.locator("#coverage-table tr[data-need='gestão dos riscos'] .need-source")
    expect(read).to_contain_text("from: “")
    assert "inspeção sanitária" in page.input_value("#p-needs").splitlines()


def test_invalid_input_is_named_next_to_its_field(page: Any) -> None:
    page.click("#search-submit")  # empty need: refused by the page
    expect(page.locator("#q")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#q-error")).to_contain_text("Need")
    expect(page.locator("#search-error")).to_contain_text("Need")
    assert page.evaluate("document.activeElement.id") == "q"
    page.fill("#q", LEAKS)
    page.fill("#top", "500")  # refused by the server (top <= 100), shown on the field
    page.click("#search-submit")
    expect(page.locator("#top")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#search-error")).to_contain_text("How many")
    expect(page.locator("#top-error")).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "top"
    page.screenshot(path=screenshot_path("search-error"), full_page=True)
    page.click("nav a[data-view='project']")
    page.fill("#p-title", "A project")
    page.fill("#p-description", "Leak detection in a small town network.")
    page.fill("#p-size", "0")  # refused by the server (size >= 1)
    page.click("#project-submit")
    expect(page.locator("#p-size")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#project-error")).to_contain_text("Team size")
    expect(page.locator("#project-result")).to_be_hidden()


def test_unreachable_server_and_loading_state(page: Any) -> None:
    held: list[Any] = []
    page.route(lambda url: "/experts?" in url, lambda route: held.append(route))
    search(page, LEAKS, answered=False)
    expect(page.locator("#search-loading")).to_be_visible()
    expect(page.locator("#search-results")).to_have_attribute("aria-busy", "true")
    expect(page.locator("#search-submit")).to_be_disabled()
    assert held
    held[0].abort("connectionrefused")
    expect(page.locator("#search-error")).to_contain_text("cannot be reached")
    expect(page.locator("#search-loading")).to_be_hidden()
    expect(page.locator("#search-submit")).to_be_enabled()


def test_data_is_shown_as_text_never_as_html(page: Any) -> None:
    hostile = "<img src=x onerror=\"document.body.dataset.owned=1\">"
    member = {
        "member_id": "m-0001", "name": hostile, "organisation_id": "org-x", "organisation": hostile,
        "country": "KE", "level": "core", "languages": ["en"], "topics": [hostile],
        "open_to_invitations": True, "contact": None, "score": 0.5, "profile_score": 0.5,
        "evidence": [{"contribution_id": "c-00001", "title": hostile, "type": "webinar",
                      "date": "2024-01-01", "language": "en", "space": "public", "score": 0.5,
                      "snippet": hostile}],
    }
    body = json.dumps({"need": hostile, "count": 1, "results": [member]})
    page.route(lambda url: "/experts?" in url,
               lambda route: route.fulfill(status=200, content_type="application/json", body=body))
    search(page, "anything")
    expect(page.locator("#search-results .card-name")).to_have_text(hostile)
    expect(page.locator("#search-results .snippet")).to_have_text(hostile)
    assert page.locator("#search-results img").count() == 0
    assert page.evaluate("document.body.dataset.owned") is None


def test_keyboard_only_search_and_member_link(page: Any) -> None:
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for _ in range(20):
        if page.evaluate("document.activeElement.id") == "q":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type(LEAKS)
    with page.expect_response(lambda r: "/experts?" in r.url):
        page.keyboard.press("Enter")
    wait_for_results(page)
    page.locator("#search-results .card-name a").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#member-title")).to_have_text("Grace Wanjiru")
    assert page.evaluate("document.activeElement.id") == "member-title"


def test_readable_on_a_narrow_screen(browser: Any, server: str) -> None:
    errors: list[str] = []
    page = open_page(browser, server, errors, width=375)
    try:
        search(page, LEAKS)
        wait_for_results(page)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 375px"
        page.screenshot(path=screenshot_path("search-375px"))
        assert not errors
    finally:
        page.context.close()


def test_api_key_shows_private_evidence_and_contacts(
        page: Any, server_home: tuple[Path, str | None]) -> None:
    key = server_home[1]
    if key is None:
        pytest.skip("this build has no API keys (indexing.store.keys)")
    search(page, PRIVATE_NEED)
    wait_for_results(page)
    assert page.locator("[data-contribution-id='c-00007']").count() == 0  # private: nrw-taskforce
    page.fill("#api-key", key)
    with page.expect_response(lambda r: "/experts?" in r.url):  # the search runs again
        page.click("#key-save")
    expect(page.locator("#access-badge")).to_contain_text("Key in use")
    assert page.evaluate("sessionStorage.getItem('wellspring.apiKey')") == key
    expect(page.locator("#api-key")).to_have_value("")  # the key is not left on screen
    wait_for_results(page)
    grace = page.locator("#search-results li[data-member-id='m-0001']")
    expect(grace.locator("[data-contribution-id='c-00007'] .chip-private")).to_contain_text(
        "nrw-taskforce")
    expect(grace.locator(".contact")).to_be_visible()
    page.screenshot(path=screenshot_path("search-with-key"), full_page=True)
    page.reload()  # kept for the browser tab
    expect(page.locator("#access-badge")).to_contain_text("Key in use")
    with page.expect_response(lambda r: "/experts?" in r.url):
        page.click("#key-forget")
    expect(page.locator("#access-badge")).to_contain_text("Public view")
    wait_for_results(page)
    assert page.locator("[data-contribution-id='c-00007']").count() == 0
    page.fill("#api-key", "ws_000000000000_not-a-real-key")
    page.click("#key-save")
    expect(page.locator("#search-error")).to_contain_text("API key was not accepted")


def test_import_a_file_and_read_the_report(page: Any,
                                           server_home: tuple[Path, str | None]) -> None:
    """Upload a BibTeX export: a dry run, the import itself, then a broken file (runs last: it
    adds contributions to the server's community)."""
    from indexing.store import SqliteStore
    from indexing.store.keys import KeyStore

    imports = Path(__file__).resolve().parents[1] / "data" / "imports" / "bibtex"
    store = SqliteStore(server_home[0] / "wellspring.db")
    _, editor = KeyStore(store).create("editor", name="page import test")
    store.close()
    page.goto("/#/import")
    expect(page.locator("#view-import")).to_be_visible()
    page.click("#import-submit")  # no file chosen: named next to the field
    expect(page.locator("#file-error")).to_contain_text("choose the exported file")
    page.fill("#api-key", editor)
    page.click("#key-save")
    page.select_option("#i-format", "bibtex")
    page.set_input_files("#i-file", str(imports / "library.bib"))
    with page.expect_response(lambda r: "/imports/bibtex" in r.url):
        page.click("#import-submit")
    expect(page.locator("#import-summary")).to_contain_text("Would import bibtex: 3 inserted")
    expect(page.locator(".import-matches")).to_contain_text("Otieno, D. → David Otieno (m-0009)")
    expect(page.locator(".import-unmatched")).to_contain_text("Smith, John")
    page.uncheck("#i-dry-run")
    with page.expect_response(lambda r: "/imports/bibtex" in r.url):
        page.click("#import-submit")
    expect(page.locator("#import-summary")).to_contain_text("Imported bibtex: 3 inserted")
    expect(page.locator(".import-records")).to_contain_text("contributions inserted: ")
    page.screenshot(path=screenshot_path("import"), full_page=True)
    page.set_input_files("#i-file", str(imports / "broken.bib"))
    with page.expect_response(lambda r: "/imports/bibtex" in r.url):
        page.click("#import-submit")
    expect(page.locator("#import-error")).to_contain_text("Nothing was imported: 2 problems")
    expect(page.locator(".import-errors")).to_contain_text("broken.bib:8 (broken2021): entry")
    assert page.locator(".import-errors script").count() == 0
    assert page.request.get("/contributions/bibtex-diallo2021boues").status == 200
    page.select_option("#i-format", "orcid")
    works = imports.parent / "orcid" / "works-0000-0003-4444-5552.json"
    page.set_input_files("#i-file", str(works))
    page.fill("#i-member", "m-nobody")
    with page.expect_response(lambda r: "/imports/orcid" in r.url):
        page.click("#import-submit")
    expect(page.locator("#import-member-error")).to_contain_text(
        "“m-nobody” was not found")
