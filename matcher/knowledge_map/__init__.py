"""The community's knowledge map: topics from its own texts (``clustering.py``, ``terms.py``),
who holds them and where they are thin (``signals.py``), the charter's scope against the knowledge
held, all computed for one caller's access and cached (``service.py``)."""

from __future__ import annotations

from matcher.knowledge_map.files import Charter, MapFileError, Taxonomy, load_charter, load_taxonomy
from matcher.knowledge_map.model import KnowledgeMap, Topic
from matcher.knowledge_map.service import KnowledgeMapper, check_years

__all__ = ["Charter", "KnowledgeMap", "KnowledgeMapper", "MapFileError", "Taxonomy", "Topic",
           "check_years", "load_charter", "load_taxonomy"]
