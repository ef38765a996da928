"""Helpers shared by CLI subcommands."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from indexing.settings import Settings

if TYPE_CHECKING:
    from indexing.store import Store
    from matcher.experts import Matcher
    from matcher.feedback import Feedback
    from matcher.requests import Asker


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(x) for x in first["loc"])
        raise CliError(f"setting WELLSPRING_{field.upper()}: {first['msg']}") from exc


def open_matcher(settings: Settings) -> Matcher:
    """Open the community (loading the model and index, syncing with the store)."""
    from indexing.community import Community
    from matcher.experts import Matcher

    community, stats = Community.open(settings)
    if stats.changed:
        print(f"index brought up to date: +{stats.added_keys} -{stats.removed_keys} records, "
              f"{stats.encoded_texts} texts encoded", file=sys.stderr)
    return Matcher.configured(community)  # reads the glossary: a bad one is named (api/cli.py main)


def open_answers(settings: Settings) -> Feedback:
    """The answers service the HTTP routes call (``matcher.feedback.Feedback``), over the
    community: the CLI answers as the service does, for the same caller."""
    from matcher.feedback import Feedback

    return Feedback(open_matcher(settings))


def add_key_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--key", default=None, help="ask with this API key (default: the variable "
                   "WELLSPRING_API_KEY): its role and spaces apply as over HTTP; without one you "
                   "ask as the public")


def asker_of(args: argparse.Namespace, store: Store) -> Asker:
    """Who asks on this command line: the holder of --key (or WELLSPRING_API_KEY), else the
    public; a key that does not verify is an error, never a silent downgrade."""
    from indexing.store import SqlStore
    from indexing.store.keys import KeyStore
    from matcher.requests import Asker

    presented = getattr(args, "key", None) or os.environ.get("WELLSPRING_API_KEY", "")
    if not presented:
        return Asker.public()
    if not isinstance(store, SqlStore):
        raise CliError("--key: this store keeps no keys")
    key = KeyStore(store).verify(presented)
    if key is None:
        raise CliError("--key: invalid or revoked API key")
    return Asker.of_key(key)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def match_to_dict(match: Any) -> dict[str, Any]:
    """An ExpertMatch as the CLI's JSON contract."""
    m = match.member
    return {
        "member_id": m.id,
        "name": m.name,
        "organisation": m.organisation_name,
        "organisation_id": m.organisation_id,
        "country": m.country,
        "level": m.level,
        "score": match.score,
        "profile_score": match.profile_score,
        "evidence": [
            {"contribution_id": e.contribution_id, "title": e.title, "type": e.type,
             "date": e.date, "language": e.language, "score": e.score, "snippet": e.snippet,
             "kind": e.kind}
            for e in match.evidence
        ],
    }
