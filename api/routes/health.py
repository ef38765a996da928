"""Liveness and readiness."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.deps import get_state
from api.state import ServiceState

router = APIRouter(tags=["health"])


@router.get("/health/live")
def live() -> dict[str, str]:
    """The process answers."""
    return {"status": "live"}


@router.get("/health/ready", responses={503: {"description": "Not ready, with the reason"}})
def ready(state: Annotated[ServiceState, Depends(get_state)]) -> JSONResponse:
    """Ready when the model and a consistent index are loaded."""
    if state.community is None:
        return JSONResponse({"status": "not-ready", "reason": state.not_ready_reason},
                            status_code=503)
    index = state.community.index
    return JSONResponse({
        "status": "ready", "vectors": index.count(), "factory": index.factory,
        "model": state.community.encoder.name, "generation": index.generation,
        "recovered_from": state.community.recovered_from,
        "feed": state.community.feed_status(),  # replicas: applied sequence and lag
        "startup_sync": {"encoded_texts": state.community.startup.encoded_texts,
                         "stored_texts": state.community.startup.stored_texts,
                         "seconds": round(state.community.startup.seconds, 1)},
    })
