"""#30/#31: the coordinator's project loop in the page, in a real headless chromium against a
real uvicorn process, keyboard only: a project from a French brief, suggestions, one person
declined as busy and one accepted, "suggest again" (the declined person gone from the
suggestion, with why; the accepted one kept), an invitation draft in the invitee's language,
the CSV export; a browser speaking English, French and Arabic (the page in that language, Arabic
right to left). Screenshots in test-artifacts/."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.browser_support import (
    browser_expect,
    launched_chromium,
    open_page,
    screenshot_path,
    served_with_key,
)

expect = browser_expect()

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BRIEF = ("Nous cherchons des experts en gestion des boues de vidange et en assainissement "
         "autonome pour Dakar, et en détection des fuites sur le réseau.")


@pytest.fixture(scope="module")
def server(_built_home: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[str, str]]:
    with served_with_key(_built_home, tmp_path_factory.mktemp("projects-page"), "editor") as served:
        yield served


def _press(page: Any, selector: str) -> None:
    page.locator(selector).first.focus()
    page.keyboard.press("Enter")


# the browser's language -> what the page says when the status is set and after "suggest again"
SAYS = {"en-US": ("en", "ltr", "New suggestions", "declined for this project"),
        "fr-FR": ("fr", "ltr", "Nouvelles propositions", "a décliné pour ce projet"),
        "ar": ("ar", "rtl", "اقتراحات جديدة", "اعتذر عن هذا المشروع")}


@pytest.mark.parametrize("locale", list(SAYS))
def test_a_coordinators_project_loop_in_the_page(server: tuple[str, str], tmp_path: Path,
                                                 locale: str) -> None:
    url, key = server
    lang, direction, suggested, declined = SAYS[locale]
    errors: list[str] = []
    with launched_chromium() as chromium:
        page = open_page(chromium, url, errors, locale=locale)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("html")).to_have_attribute("dir", direction)
        page.locator("#api-key").fill(key)
        page.keyboard.press("Enter")
        _press(page, "nav a[data-view=projects]")
        expect(page.locator("#new-project-form")).to_be_visible()
        page.locator("#np-title").fill("Assainissement à Dakar")
        page.locator("#np-description").fill(BRIEF)
        _press(page, "#new-project-form button[type=submit]")
        expect(page.locator("#record-title")).to_have_text("Assainissement à Dakar")
        expect(page.locator("#record-needs li").first).to_be_visible()
        _press(page, "#record-suggest")
        people = page.locator("#record-people > li[data-member-id]")
        expect(people.first).to_be_visible()
        assert people.count() >= 2
        busy = people.nth(0).get_attribute("data-member-id")
        yes = people.nth(1).get_attribute("data-member-id")
        _press(page, f"li[data-member-id='{busy}'] button[data-status=declined_busy]")
        expect(page.locator(f"li[data-member-id='{busy}'] button[data-status=declined_busy]"
                            )).to_have_attribute("aria-pressed", "true")
        _press(page, f"li[data-member-id='{yes}'] button[data-status=accepted]")
        expect(page.locator(f"li[data-member-id='{yes}'] button[data-status=accepted]"
                            )).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#record-missing")).to_be_hidden()
        _press(page, "#record-suggest")
        expect(page.locator("#projects-status")).to_contain_text(suggested)
        # the declined person is not suggested again, and the page says why; the accepted
        # one stays
        gone = page.locator("#record-missing-list li", has=page.locator(
            f"a[href$='{busy}']"))
        expect(gone).to_contain_text(declined)
        expect(page.locator(f"li[data-member-id='{yes}'] button[data-status=accepted]"
                            )).to_have_attribute("aria-pressed", "true")
        assert page.locator("#record-missing-list li", has=page.locator(
            f"a[href$='{yes}']")).count() == 0
        ids = [people.nth(i).get_attribute("data-member-id") for i in range(people.count())]
        french = "m-0004" if "m-0004" in ids else yes
        _press(page, f"li[data-member-id='{french}'] button[data-draft]")
        expect(page.locator("#draft-box")).to_be_visible()
        body = page.locator("#draft-body").input_value()
        if french == "m-0004":  # Aminata Diallo writes first in French
            assert body.startswith("Bonjour Aminata Diallo,")
        assert page.locator("#draft-mailto").get_attribute("href").startswith("mailto:")
        name = "projects-loop" if lang == "en" else f"projects-loop-{lang}"
        page.screenshot(path=str(screenshot_path(name)), full_page=True)
        with page.expect_download() as download:
            _press(page, "#record-export")
        saved = tmp_path / "project.csv"
        download.value.save_as(saved)
        rows = {r["member_id"]: r for r in csv.DictReader(io.StringIO(saved.read_text()))}
        assert rows[busy]["status"] == "declined_busy" and rows[yes]["status"] == "accepted"
        page.context.close()
    assert not errors, f"the page raised JavaScript errors: {errors}"
