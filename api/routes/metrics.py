"""GET /metrics: the Prometheus text exposition (api/metrics.py; who may read it: the setting
``metrics_access``). Only mounted with ``metrics=on``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST

from api.auth import get_state
from api.metrics import metrics_reader
from api.state import ServiceState

router = APIRouter(include_in_schema=False)  # text for Prometheus, not part of the JSON API


@router.get("/metrics", dependencies=[Depends(metrics_reader)])
def metrics(state: Annotated[ServiceState, Depends(get_state)]) -> Response:
    """Plain def: the scrape counts the store's records in the thread pool."""
    assert state.metrics is not None  # mounted only with metrics=on
    return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
