"""FastAPI dependencies: settings, the service state, the matcher and the caller's access.

The caller's identity (API key, role, spaces) is resolved in api/auth.py.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends

from api.auth import CallerDep, get_state
from api.state import ServiceState
from indexing.community import Community
from indexing.errors import IndexNotReady
from indexing.settings import Settings
from indexing.store.suggestion_log import SuggestionLog
from matcher.experts import Matcher
from matcher.feedback import Feedback
from matcher.filters import Access
from matcher.knowledge_map import KnowledgeMapper


def get_app_settings(state: Annotated[ServiceState, Depends(get_state)]) -> Settings:
    return state.settings


def get_matcher(state: Annotated[ServiceState, Depends(get_state)]) -> Matcher:
    if state.matcher is None:
        raise IndexNotReady(f"the service is not ready: {state.not_ready_reason}")
    return state.matcher


def get_mapper(state: Annotated[ServiceState, Depends(get_state)]) -> KnowledgeMapper:
    if state.mapper is None:
        raise IndexNotReady(f"the service is not ready: {state.not_ready_reason}")
    return state.mapper


def get_community(state: Annotated[ServiceState, Depends(get_state)]) -> Community:
    if state.community is None:
        raise IndexNotReady(f"the service is not ready: {state.not_ready_reason}")
    return state.community


_feedback_lock = threading.Lock()


def get_feedback(state: Annotated[ServiceState, Depends(get_state)]) -> Feedback:
    """Suggestions, feedback, the learned ranking and exposure over the service's matcher."""
    matcher = get_matcher(state)
    found = state.extras.get("feedback")
    if isinstance(found, Feedback) and found.matcher is matcher:
        return found
    with _feedback_lock:
        found = state.extras.get("feedback")
        if not (isinstance(found, Feedback) and found.matcher is matcher):
            if isinstance(found, Feedback):  # the matcher was replaced: commit the old queue
                found.close()
            store = matcher.community.store.feedback()
            found = Feedback(matcher, SuggestionLog(store, state.settings.suggestion_flush_ms))
            state.extras["feedback"] = found
        return found


def get_access(caller: CallerDep) -> Access:
    """The caller's access; the public (no private spaces, no contacts) without a key."""
    return caller.access


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
MatcherDep = Annotated[Matcher, Depends(get_matcher)]
CommunityDep = Annotated[Community, Depends(get_community)]
MapperDep = Annotated[KnowledgeMapper, Depends(get_mapper)]
AccessDep = Annotated[Access, Depends(get_access)]
FeedbackDep = Annotated[Feedback, Depends(get_feedback)]
