"""The community's vocabularies: contribution types and organisation kinds.

The defaults (``ContributionType``, ``OrganisationKind`` in schema.py) are extended by a
community's ``vocabulary.json`` (in the data folder, or the file named by the setting
``WELLSPRING_VOCABULARY``). The extension lives in the store's ``vocabulary`` table, so every
process that opens the store agrees on it; terms are only ever added (records may use them).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import TypeAdapter, ValidationError

from indexing.errors import RecordError, ValidationFailed
from indexing.schema import ContributionType, OrganisationKind, VocabularyTerm
from indexing.store import Store

log = logging.getLogger(__name__)

VocabularyKind = Literal["contribution_types", "organisation_kinds"]
KINDS: tuple[VocabularyKind, ...] = ("contribution_types", "organisation_kinds")
VOCABULARY_FILE = "vocabulary.json"
_TERM = TypeAdapter(VocabularyTerm)


@dataclass(frozen=True)
class Vocabulary:
    """Allowed contribution types and organisation kinds, defaults first."""

    contribution_types: tuple[str, ...]
    organisation_kinds: tuple[str, ...]

    def terms(self, kind: VocabularyKind) -> tuple[str, ...]:
        return self.contribution_types if kind == "contribution_types" else \
            self.organisation_kinds

    def extended(self, other: Vocabulary) -> Vocabulary:
        """This vocabulary with the other's new terms appended."""
        return Vocabulary(
            contribution_types=_union(self.contribution_types, other.contribution_types),
            organisation_kinds=_union(self.organisation_kinds, other.organisation_kinds))

    def problem(self, kind: VocabularyKind, term: str) -> str | None:
        """Why a term is refused ("... is not one of ...; add it to vocabulary.json"), or None."""
        allowed = self.terms(kind)
        if term in allowed:
            return None
        what = "type" if kind == "contribution_types" else "kind"
        return (f"{what} '{term}' is not one of {', '.join(allowed)}; add it to "
                f"{VOCABULARY_FILE} (\"{kind}\")")


EMPTY = Vocabulary((), ())
DEFAULT_VOCABULARY = Vocabulary(
    contribution_types=tuple(t.value for t in ContributionType),
    organisation_kinds=tuple(k.value for k in OrganisationKind),
)


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))


def read_vocabulary_file(path: Path) -> Vocabulary:
    """The terms a vocabulary file adds: ``{"contribution_types": [...],
    "organisation_kinds": [...]}``; a bad file raises ValidationFailed naming the field."""
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed([RecordError(source, None, None, "file", str(exc))]) from exc
    if not isinstance(data, dict):
        raise ValidationFailed([RecordError(source, None, None, "file",
                                            "expected a JSON object")])
    errors: list[RecordError] = []
    found: dict[str, tuple[str, ...]] = {}
    for key in data:
        if key not in KINDS:
            errors.append(RecordError(source, None, None, key,
                                      f"unknown key; expected one of {', '.join(KINDS)}"))
    for kind in KINDS:
        values = data.get(kind, [])
        if not isinstance(values, list):
            errors.append(RecordError(source, None, None, kind, "expected a list of terms"))
            continue
        terms = []
        for i, value in enumerate(values):
            try:
                terms.append(_TERM.validate_python(value))
            except ValidationError:
                errors.append(RecordError(source, None, None, f"{kind}.{i}",
                                          f"{value!r} is not a term (lower case letters, digits"
                                          " and _, starting with a letter)"))
        found[kind] = tuple(terms)
    if errors:
        raise ValidationFailed(errors)
    return Vocabulary(found.get("contribution_types", ()), found.get("organisation_kinds", ()))


def load_vocabulary(store: Store) -> Vocabulary:
    """The store's vocabulary: the defaults and every term the community added."""
    added: dict[str, list[str]] = {k: [] for k in KINDS}
    for kind, term in store.vocabulary_terms():
        added.setdefault(kind, []).append(term)
    return DEFAULT_VOCABULARY.extended(Vocabulary(tuple(added["contribution_types"]),
                                                  tuple(added["organisation_kinds"])))


def extend_vocabulary(store: Store, extra: Vocabulary) -> list[str]:
    """Add the new terms to the store (one transaction); returns them as 'kind:term'."""
    current = load_vocabulary(store)
    new = [(kind, term) for kind in KINDS for term in extra.terms(kind)
           if term not in current.terms(kind)]
    if new:
        store.add_vocabulary_terms(new)
        log.info("vocabulary extended: %s", ", ".join(f"{k}:{t}" for k, t in new))
    return [f"{k}:{t}" for k, t in new]


def configured_vocabulary(setting: str) -> Vocabulary:
    """The vocabulary file named by the setting (``WELLSPRING_VOCABULARY``), or nothing."""
    return read_vocabulary_file(Path(setting)) if setting else EMPTY


def folder_vocabulary(paths: list[Path]) -> Vocabulary:
    """The terms added by a ``vocabulary.json`` in any of these folders (or named directly)."""
    vocab = EMPTY
    for p in paths:
        candidate = p / VOCABULARY_FILE if p.is_dir() else p
        if candidate.name == VOCABULARY_FILE and candidate.is_file():
            vocab = vocab.extended(read_vocabulary_file(candidate))
    return vocab


def stats_with_vocabulary(stats: dict[str, object], vocabulary: Vocabulary
                          ) -> dict[str, object]:
    """Store stats whose type and kind counts list every vocabulary term (0 when unused)."""
    out = dict(stats)
    for kind, key in (("contribution_types", "contribution_types"),
                      ("organisation_kinds", "organisation_kinds")):
        counts = stats.get(key)
        counted = counts if isinstance(counts, dict) else {}
        terms: tuple[str, ...] = vocabulary.terms(kind)  # type: ignore[arg-type]
        out[key] = {t: int(counted.get(t, 0)) for t in _union(terms, tuple(counted))}
    out["vocabulary"] = {"contribution_types": list(vocabulary.contribution_types),
                         "organisation_kinds": list(vocabulary.organisation_kinds)}
    return out
