"""Invitation drafts (#31 item 2): every template, in all five languages, fills every
placeholder for one reason and for four; the language is the invitee's when not picked."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from matcher.drafts import (
    DRAFT_LANGUAGES,
    REASON_KEYS,
    TEMPLATE_KEYS,
    Addressee,
    DraftReason,
    draft_language,
    invitation_draft,
    template,
)
from matcher.errors import InvalidRequest

NEEDS = ["gestion des boues de vidange", "construction de latrines", "WASH in camps"]
ONE = [DraftReason("fills_gap", NEEDS[0], ("Faecal sludge treatment in Dakar",))]
FOUR = [DraftReason("fills_gap", NEEDS[0], ("Faecal sludge treatment in Dakar",)),
        DraftReason("adds_depth", NEEDS[1], ("Latrine designs for flood-prone areas",)),
        DraftReason("new_perspective", NEEDS[2], ("Camp WASH assessment, Chad",)),
        DraftReason("grow_newcomer", NEEDS[0], ("Sludge drying beds, Thiès",))]


@pytest.mark.parametrize("language", DRAFT_LANGUAGES)
def test_every_template_has_every_part(language: str) -> None:
    t = template(language)
    assert set(t) == set(TEMPLATE_KEYS)
    assert all(value.strip() for value in t.values())
    if language != "en":  # written in the language, not left in English
        english = template("en")
        same = [k for k in TEMPLATE_KEYS if t[k] == english[k] and k != "list_separator"]
        assert same == [], same


@pytest.mark.parametrize("language", DRAFT_LANGUAGES)
@pytest.mark.parametrize("reasons", [ONE, FOUR], ids=["one reason", "four reasons"])
def test_a_draft_fills_every_placeholder(language: str, reasons: list[DraftReason]) -> None:
    d = invitation_draft(language, Addressee("Aminata Diallo", "aminata@example.org"),
                         "Étude de faisabilité, camp de Gado", NEEDS, reasons)
    assert d.language == language
    assert not re.search(r"\{\w*\}", d.subject + d.body), d.body
    assert "Aminata Diallo" in d.body and "camp de Gado" in d.subject
    for need in NEEDS:  # the project's needs as the coordinator wrote them
        assert need in d.body
    for reason in reasons:
        assert reason.titles[0] in d.body
    assert sum(1 for line in d.body.splitlines() if line.startswith("- ")) == len(reasons)
    assert template(language)["say_no"] in d.body  # how to say no
    mail = urllib.parse.urlparse(d.mailto)
    assert mail.scheme == "mailto" and mail.path == "aminata@example.org"
    query = urllib.parse.parse_qs(mail.query)
    assert query["subject"] == [d.subject] and query["body"] == [d.body]


def test_every_reason_type_has_its_words() -> None:
    for language in DRAFT_LANGUAGES:
        texts = {template(language)[k].format(need="X") for k in REASON_KEYS}
        assert len(texts) == len(REASON_KEYS)


def test_the_language_is_the_invitees_unless_picked() -> None:
    assert draft_language(None, ["fr", "en"]) == "fr"
    assert draft_language(None, ["bn", "PT"]) == "pt"
    assert draft_language(None, ["de"]) == "en"
    assert draft_language(None, []) == "en"
    assert draft_language("AR", ["fr"]) == "ar"
    with pytest.raises(InvalidRequest) as refused:
        draft_language("de", ["fr"])
    assert refused.value.field == "language"
