"""Ready means warm (issue #32): before ``/health/ready`` can answer, the service has run what
its routes build on first use: each encoder's query and document passes (English and
multilingual), the first needs through the ranking, and the public knowledge map.

The speed itself (first ``/experts`` after ready within 2x the median of the next twenty) is a
benchmark, ``bench/first_request.py``; these tests check that the warm-up ran, with the real
models."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from indexing.encoders.base import Encoder, Vectors
from matcher.broad import sentences
from tests.api.conftest import make_keys, open_api
from tests.conftest import make_settings

pytestmark = pytest.mark.slow


class Recording:
    """A real encoder that counts its calls by kind (queries, documents)."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.calls: Counter[str] = Counter()
        self.queries: list[str] = []  # every query text encoded, in order

    def fingerprint(self) -> dict[str, object]:
        return self.inner.fingerprint()

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        self.calls["queries"] += 1
        self.queries.extend(texts)
        return self.inner.encode_queries(texts)

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        self.calls["documents"] += 1
        return self.inner.encode_documents(texts, show_progress)


def test_the_service_is_warm_before_it_is_ready(community_home: Path, real_encoder: Encoder,
                                               real_multilingual_encoder: Encoder) -> None:
    english, multilingual = Recording(real_encoder), Recording(real_multilingual_encoder)
    client, _ = open_api(community_home, english, make_keys(make_settings(community_home)),
                         multilingual_encoder=multilingual)
    with client:
        before = Counter(english.calls), Counter(multilingual.calls)
        ready = client.get("/health/ready")
        state = client.app.state.wellspring  # type: ignore[attr-defined]
        assert ready.status_code == 200
        assert ready.json()["warm_up_seconds"] is not None
        # every encoder ran both kinds of pass before the first request reached the service
        for calls in before:
            assert calls["queries"] >= 1 and calls["documents"] >= 1
        assert state.mapper._views, "the public knowledge map is built at start-up"
        seen = len(english.queries)
        first = client.get("/experts", params={"q": "groundwater recharge"})
        assert first.status_code == 200
        # the first need encodes what this answer reads (its own text; the bio sentences of a
        # member found on the profile alone, #27), nothing built on first use
        bios = {sentence for m in state.community.store.members()
                for sentence in sentences(m.bio)}
        assert english.queries[seen] == "groundwater recharge"
        assert set(english.queries[seen + 1:]) <= bios


def test_onnx_sessions_are_made_by_the_warm_up(tmp_path: Path) -> None:
    """On ONNX Runtime, every session (queries; a lone document; documents, one thread per
    worker) exists and has run once after ``warm()``; with needs on the int8 copy, its
    session too, documents staying on the export."""
    from indexing.encoders.onnx_export import export_onnx
    from indexing.encoders.onnx_files import INT8_FILE, MODEL_FILE, default_onnx_dir
    from indexing.encoders.onnx_runtime import OnnxEncoder
    from indexing.settings import Settings

    model_path = Settings().encoding.resolved_model_path()
    folder = default_onnx_dir(model_path)
    assert export_onnx(model_path, folder).passed
    encoder = OnnxEncoder(model_path, folder, threads=2)
    assert encoder._model._sessions == {}  # made on first use only (an index build: one)
    encoder.warm()
    assert {(graph.name, threads) for graph, threads in encoder._model._sessions} == {
        (MODEL_FILE, 2), (MODEL_FILE, 1)}
    int8 = OnnxEncoder(model_path, folder, threads=2, query_file=folder / INT8_FILE)
    int8.warm()
    assert {(graph.name, threads) for graph, threads in int8._model._sessions} == {
        (INT8_FILE, 2), (MODEL_FILE, 2), (MODEL_FILE, 1)}


def test_ready_says_how_the_model_runs(community_home: Path, real_encoder: Encoder) -> None:
    """/health/ready names the runtime and whether needs run on the int8 copy (the start-up
    log said it; an operator checking a setting had no other way)."""
    from indexing.encoders.onnx_export import export_onnx
    from indexing.encoders.onnx_files import INT8_FILE, default_onnx_dir
    from indexing.encoders.onnx_runtime import OnnxEncoder
    from indexing.settings import Settings

    model_path = Settings().encoding.resolved_model_path()
    folder = default_onnx_dir(model_path)
    assert export_onnx(model_path, folder).passed
    keys = make_keys(make_settings(community_home))
    int8 = OnnxEncoder(model_path, folder, query_file=folder / INT8_FILE)
    for encoder, runtime in ((int8, "onnx (needs: int8)"),
                             (real_encoder, str(getattr(real_encoder, "runtime", "unknown")))):
        client, _ = open_api(community_home, encoder, keys)
        with client:
            ready = client.get("/health/ready")
            assert ready.status_code == 200 and ready.json()["runtime"] == runtime
    assert runtime in ("torch", "onnx") or runtime.startswith("queries: ")
