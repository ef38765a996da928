"""Invitation drafts in the invitee's language (issue #31, item 2).

A coordinator who invites an expert in Dakar or Maputo gets a draft to copy or open in their mail
program: who writes, the project in a sentence, why this person (each reason in plain words, and
the titles of the contributions behind them), what is asked, and how to say no. Templates are
data, one file per language in ``matcher/data/drafts`` (en, fr, es, pt, ar), written as a
speaker of the language writes a letter: nothing is translated at run time, and the project's
own title and needs stay as the coordinator wrote them.

The language is the one the coordinator picks, else the invitee's first language among the five,
else English.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from matcher.errors import one_of

DRAFT_LANGUAGES = ("en", "fr", "es", "pt", "ar")
REASON_KEYS = ("fills_gap", "adds_depth", "new_perspective", "grow_newcomer", "fits")
TEMPLATE_KEYS = ("subject", "greeting", "intro", "needs", "why", *REASON_KEYS, "evidence", "ask",
                 "say_no", "closing", "signature", "list_separator", "title_quotes")
DRAFTS = Path(__file__).parent / "data" / "drafts"
MAX_TITLES = 6  # titles named in one draft (two a need at most come from a project)


@dataclass(frozen=True)
class DraftReason:
    """One reason to invite: its type (``REASON_KEYS``), the need, and the titles of the
    contributions behind it."""

    type: str
    need: str
    titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Addressee:
    """Whom a draft is written to: their name, and their contact when the caller may see it."""

    name: str
    contact: str | None = None


@dataclass(frozen=True)
class Draft:
    language: str
    subject: str
    body: str
    mailto: str


@cache
def template(language: str) -> Mapping[str, str]:
    """The template of one language (every key of ``TEMPLATE_KEYS``)."""
    data: dict[str, str] = json.loads((DRAFTS / f"{language}.json").read_text(encoding="utf-8"))
    return data


def draft_language(asked: str | None, member_languages: Sequence[str]) -> str:
    """The coordinator's pick, else the invitee's first language among the five, else en."""
    if asked is not None:
        code = asked.strip().lower()
        if code not in DRAFT_LANGUAGES:
            raise one_of("language", DRAFT_LANGUAGES)
        return code
    return next((x.lower() for x in member_languages if x.lower() in DRAFT_LANGUAGES), "en")


def invitation_draft(language: str, to: Addressee, project: str, needs: Sequence[str],
                     reasons: Sequence[DraftReason], signature: str | None = None) -> Draft:
    """The draft of one invitation (``needs``: the project's, as written)."""
    t = template(language)
    sep = t["list_separator"]
    lines = [t["greeting"].format(name=to.name), "",
             t["intro"].format(project=project), t["needs"].format(needs=sep.join(needs)), "",
             t["why"]]
    titles: list[str] = []
    for r in reasons:
        lines.append(f"- {t[r.type if r.type in REASON_KEYS else 'fits'].format(need=r.need)}")
        titles += [x for x in r.titles if x not in titles]
    if titles:
        quoted = sep.join(t["title_quotes"].format(title=x) for x in titles[:MAX_TITLES])
        lines += ["", t["evidence"].format(titles=quoted)]
    lines += ["", t["ask"], "", t["say_no"], "", t["closing"], signature or t["signature"]]
    subject = t["subject"].format(project=project)
    body = "\n".join(lines)
    query = urllib.parse.urlencode({"subject": subject, "body": body},
                                   quote_via=urllib.parse.quote)
    address = urllib.parse.quote(to.contact or "", safe="@")
    return Draft(language, subject, body, f"mailto:{address}?{query}")
