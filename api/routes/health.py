"""Liveness and readiness."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from api.auth import CallerDep
from api.deps import get_state
from api.state import ServiceState

router = APIRouter(tags=["health"])


@router.get("/health/live")
def live() -> dict[str, str]:
    """The process answers."""
    return {"status": "live"}


@router.get("/health/ready", responses={503: {"description": "Not ready, with the reason"}})
def ready(state: Annotated[ServiceState, Depends(get_state)], caller: CallerDep
          ) -> JSONResponse:
    """Ready when the model and a consistent index are loaded and warmed up (the first
    answer is as fast as the tenth); with several workers (`serve --workers`), when every one
    is. Not ready: the kind of failure
    for anyone, and the start-up error itself (`detail`) for an admin key."""
    if state.community is None:
        body = {"status": "not-ready", "reason": state.not_ready_reason}
        is_admin = caller.key is not None and caller.key.has_role("admin")
        if is_admin and state.not_ready_detail:  # the caller as every route resolves it
            body["detail"] = state.not_ready_detail
        return JSONResponse(body, status_code=503)
    worker = state.worker
    if worker is not None and worker.ready_count() < worker.count:  # one service, not N
        return JSONResponse({"status": "not-ready", "reason": f"{worker.ready_count()} of "
                             f"{worker.count} workers ready"}, status_code=503)
    index = state.community.index
    return JSONResponse({
        "worker": None if worker is None else {"index": worker.index, "count": worker.count},
        "status": "ready", "vectors": index.count(), "factory": index.factory,
        "model": state.community.encoder.name, "generation": index.generation,
        "runtime": state.community.encoder_runtime(),  # torch or onnx; needs on int8 or not
        "recovered_from": state.community.recovered_from,
        "feed": state.community.feed_status(),  # replicas: applied sequence and lag
        "startup_sync": {"encoded_texts": state.community.startup.encoded_texts,
                         "stored_texts": state.community.startup.stored_texts,
                         "seconds": round(state.community.startup.seconds, 1)},
        # ready means warm: what the routes build on first use was built before this answer
        "warm_up_seconds": (round(state.warm_up_seconds, 2)
                            if state.warm_up_seconds is not None else None),
    })

