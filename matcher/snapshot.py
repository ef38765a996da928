"""One request's view of the community's indexes (``Matcher.snapshot`` hands it out)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from indexing.vectors.reader import CatalogView, IndexReader

IndexName = Literal["english", "multilingual"]


@dataclass(frozen=True)
class Snapshot:
    """The readers of one request: the English index and, when kept, the multilingual one."""

    english: IndexReader
    multilingual: IndexReader | None

    @property
    def catalog(self) -> CatalogView:
        return self.english.catalog
