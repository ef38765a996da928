"""The two small files a community may give the map: its charter and its own taxonomy.

``charter.json`` (data/README.md, "The charter")::

    {"name": "...", "purpose": "...", "objectives": ["..."],
     "scope_areas": [{"id": "nrw", "title": "Reducing non-revenue water", "description": "..."}]}

``taxonomy.json``::

    {"topics": [{"slug": "groundwater", "label": "groundwater",
                 "subtopics": [{"slug": "managed_aquifer_recharge", "label": "..."}]}]}

Both are JSON, read and validated here; a bad file is a ``MapFileError`` naming the file and the
field. Neither is a record file, so ``wellspring ingest data/`` leaves them alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from indexing.errors import WellspringError

M = TypeVar("M", bound=BaseModel)


class MapFileError(WellspringError):
    """A charter or taxonomy file that cannot be read; ``field`` names the culprit."""

    def __init__(self, path: Path, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{path}: {field}: {message}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScopeArea(_Strict):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=2000)

    @property
    def need(self) -> str:
        """The scope area read as a need (title and description)."""
        return f"{self.title}. {self.description}".strip() if self.description else self.title


class Charter(_Strict):
    name: str = Field(min_length=1, max_length=200)
    purpose: str = Field("", max_length=4000)
    objectives: list[str] = Field(default_factory=list, max_length=50)
    scope_areas: list[ScopeArea] = Field(default_factory=list, max_length=100)


class Subtopic(_Strict):
    slug: str = Field(min_length=1, max_length=100)
    label: str = Field(min_length=1, max_length=300)


class TaxonomyTopic(_Strict):
    slug: str = Field(min_length=1, max_length=100)
    label: str = Field(min_length=1, max_length=300)
    subtopics: list[Subtopic] = Field(default_factory=list)


class Taxonomy(_Strict):
    topics: list[TaxonomyTopic] = Field(min_length=1)

    def entries(self) -> list[tuple[TaxonomyTopic, Subtopic | None]]:
        """Every place a topic can be mapped to: each subtopic, or the topic if it has none."""
        out: list[tuple[TaxonomyTopic, Subtopic | None]] = []
        for topic in self.topics:
            out.extend((topic, s) for s in topic.subtopics)
            if not topic.subtopics:
                out.append((topic, None))
        return out


def _read(path: Path, model: type[M]) -> M:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise MapFileError(path, "file", "no such file") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MapFileError(path, "file", f"not readable JSON ({exc})") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise MapFileError(path, ".".join(str(x) for x in first["loc"]) or "file",
                           str(first["msg"])) from exc


def load_charter(path: Path) -> Charter:
    charter = _read(path, Charter)
    ids = [a.id for a in charter.scope_areas]
    if len(ids) != len(set(ids)):
        raise MapFileError(path, "scope_areas.id", "scope area ids must be distinct")
    return charter


def load_taxonomy(path: Path) -> Taxonomy:
    return _read(path, Taxonomy)
