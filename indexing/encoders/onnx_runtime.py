"""MiniLM on ONNX Runtime: ``tokenizers`` + ``InferenceSession``s, no torch at query time.

The export (``onnx_export.py``, run once at setup) holds transformer, mean pooling and
normalisation; this module tokenises like sentence-transformers (strip, truncate at the model's
``max_seq_length``), pads each pass to its longest text (passes of similar token lengths,
bounded in padded tokens) and runs them, documents in parallel on one thread each. The
fingerprint is the model's (``minilm_fingerprint``): the vectors are torch's within rounding
(checked at export), so an index built with either runtime is served by the other.

``load_minilm`` chooses the runtime from the setting ``encoder_runtime`` and the runtimes measured
at set-up for documents and for queries (``runtimes.json``), and falls back to torch, with a
logged reason, when no verified export is there. Files and folder: ``onnx_files.py``.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from indexing.encoders.base import Encoder, Vectors, normalise
from indexing.encoders.onnx_files import (
    INT8_FILE,
    MODEL_FILE,
    ExportReport,
    Int8Report,
    onnx_folder,
    read_choice,
    read_int8_report,
    read_report,
)
from indexing.encoders.sentence_transformer import (
    minilm_fingerprint,
    model_files_digest,
    model_name,
)

if TYPE_CHECKING:
    from indexing.settings import Settings

log = logging.getLogger(__name__)


# Texts per forward pass are bounded by padded tokens (rows x the longest row), not only by
# count: on these 2-core machines ONNX Runtime ran ~130-token documents at 39-44 ms of CPU per
# text in passes of 1-8 texts and 58 ms in passes of 32 (torch: 60-82 ms), as its activations
# outgrow the caches (docs/BENCHMARKS.md, issue #32). Short queries still go 32 or 64 at a time.
MAX_BATCH_TOKENS = 1024


def token_batches(lengths: Sequence[int], max_texts: int, max_tokens: int = MAX_BATCH_TOKENS
                  ) -> list[list[int]]:
    """Indexes of texts grouped into passes: longest first, each pass at most ``max_texts``
    texts and ``max_tokens`` padded tokens (a text longer than that goes alone)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    for i in order:
        if batches:
            last = batches[-1]
            width = lengths[last[0]]  # the longest of its pass: sorted, so its first
            if len(last) < max_texts and (len(last) + 1) * width <= max_tokens:
                last.append(i)
                continue
        batches.append([i])
    return batches


class OnnxMiniLM:
    """Tokeniser + ONNX sessions of one export folder: texts in, sentence vectors out.

    Two sessions over the same graph, each made on first use: queries (one or a few texts)
    run on one session with ``threads`` intra-op threads (lowest latency for one need);
    documents in bulk run their passes in parallel, one per worker thread, on a session with
    one intra-op thread each (``workers``, default: the cores), so no core idles and no
    thread waits on another's barrier. A single pass of documents (a write) runs like a query,
    on the documents' graph. ``query_file``, when given, is the graph needs run on (the int8
    copy, ``onnx_int8.py``); documents always run on the export itself.
    """

    def __init__(self, model_path: Path, onnx_dir: Path, threads: int = 0,
                 batch_size: int = 32, workers: int = 0,
                 max_batch_tokens: int = MAX_BATCH_TOKENS,
                 query_file: Path | None = None) -> None:
        from tokenizers import Tokenizer

        config = json.loads((model_path / "sentence_bert_config.json").read_text())
        self.max_seq_length = int(config.get("max_seq_length", 256))
        self.lower = bool(config.get("do_lower_case", False))
        self._tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=self.max_seq_length)
        self._tokenizer.no_padding()
        self._file = onnx_dir / MODEL_FILE
        if not self._file.exists():
            raise FileNotFoundError(f"no {MODEL_FILE} in {onnx_dir}")
        self._query_file = query_file or self._file
        if not self._query_file.exists():
            raise FileNotFoundError(f"no {self._query_file}")
        self.threads = threads
        self.workers = max(1, workers or threads or os.cpu_count() or 1)
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self._sessions: dict[tuple[Path, int], Any] = {}  # (graph, intra-op threads) -> session
        self._inputs: frozenset[str] = frozenset()  # the graph's input names (every session's)
        self._sessions_lock = threading.Lock()
        # mean pooling (the export refuses anything else): the vector is the hidden state's size
        hidden = json.loads((model_path / "config.json").read_text()).get("hidden_size")
        self.dimension = int(hidden) if hidden else int(
            self._session(self.threads).get_outputs()[0].shape[-1])

    def _session(self, threads: int, queries: bool = False) -> Any:
        """The session of the documents' graph (or the needs' when ``queries``) with this many
        intra-op threads (0: the runtime's default), made once."""
        graph = self._query_file if queries else self._file
        with self._sessions_lock:
            session = self._sessions.get((graph, threads))
            if session is None:
                import onnxruntime as ort

                options = ort.SessionOptions()
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                options.inter_op_num_threads = 1
                if threads:
                    options.intra_op_num_threads = threads
                # spinning threads fight every other process on a shared 2-core host
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
                session = ort.InferenceSession(str(graph), options,
                                               providers=["CPUExecutionProvider"])
                self._inputs = frozenset(i.name for i in session.get_inputs())
                self._sessions[(graph, threads)] = session
            return session

    def warm(self) -> None:
        """Make the sessions and run each once (the service does this before it is ready)."""
        self.encode(["water"])
        if self._query_file != self._file:  # a lone document runs on the documents' graph
            self.encode(["water supply"], documents=True)
        self.encode(["water supply"] * 2, documents=True, parallel=True)

    def _run(self, session: Any, encodings: list[Any]) -> Any:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), np.int64)
        mask = np.zeros((len(encodings), width), np.int64)
        types = np.zeros((len(encodings), width), np.int64)
        for row, e in enumerate(encodings):
            n = len(e.ids)
            ids[row, :n] = e.ids
            mask[row, :n] = e.attention_mask
            types[row, :n] = e.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]

    def encode(self, texts: Sequence[str], documents: bool = False,
               parallel: bool = False) -> Vectors:
        """Sentence vectors, in the order of ``texts``, in passes of similar token lengths
        (``token_batches``), so padding stays short; documents of several passes run them in
        parallel (``parallel`` forces that even for one pass: used to warm that session)."""
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        clean = [t.strip().lower() if self.lower else t.strip() for t in texts]
        encodings = self._tokenizer.encode_batch(clean)
        batches = token_batches([len(e.ids) for e in encodings], self.batch_size,
                                self.max_batch_tokens)
        out = np.zeros((len(clean), self.dimension), np.float32)
        if documents and self.workers > 1 and (len(batches) > 1 or parallel):
            session = self._session(1)
            with ThreadPoolExecutor(self.workers, thread_name_prefix="onnx-documents") as pool:
                done = pool.map(lambda part: self._run(session, [encodings[i] for i in part]),
                                batches)
                for part, vectors in zip(batches, done, strict=True):
                    out[part] = vectors
            return out
        session = self._session(self.threads, queries=not documents)
        for part in batches:
            out[part] = self._run(session, [encodings[i] for i in part])
        return out


class OnnxEncoder:
    """The Encoder protocol over ``OnnxMiniLM``; one forward pass at a time (the batching
    wrapper, ``batching.py``, gathers concurrent requests into one)."""

    runtime = "onnx"

    def __init__(self, model_path: str, onnx_dir: Path, batch_size: int = 32,
                 threads: int = 0, query_file: Path | None = None) -> None:
        path = Path(model_path)
        self._model = OnnxMiniLM(path, onnx_dir, threads, batch_size, query_file=query_file)
        if query_file is not None:
            self.runtime = "onnx (needs: int8)"
        self._lock = threading.Lock()
        self.path = path
        self.name = model_name(path)
        self.dimension = self._model.dimension
        self.max_seq_length = self._model.max_seq_length
        self._digest = model_files_digest(path)

    def fingerprint(self) -> dict[str, object]:
        # the documents' vectors are fp32's whatever graph answers needs: one fingerprint
        return minilm_fingerprint(self.name, self._digest, self.dimension, self.max_seq_length)

    def _encode(self, texts: Sequence[str], documents: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        with self._lock:
            out = self._model.encode(texts, documents)
        return normalise(out)  # the graph normalises; this keeps any model folder unit length

    def warm(self) -> None:
        """Both sessions made and run once: the first need or write after start-up pays
        nothing the tenth does not."""
        with self._lock:
            self._model.warm()

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, False)

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        return self._encode(texts, True)


class SplitEncoder:
    """Queries on one encoder, documents on another: the same model on two runtimes, chosen
    by the measurement ``wellspring export-onnx`` recorded (``runtimes.json``)."""

    def __init__(self, queries: Encoder, documents: Encoder) -> None:
        self.queries = queries
        self.documents = documents
        self.name = queries.name
        self.dimension = queries.dimension
        self.runtime = (f"queries: {getattr(queries, 'runtime', '?')}, "
                        f"documents: {getattr(documents, 'runtime', '?')}")

    def fingerprint(self) -> dict[str, object]:
        return self.queries.fingerprint()

    def warm(self) -> None:
        for encoder in (self.queries, self.documents):
            warm_encoder(encoder)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self.queries.encode_queries(texts)

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        return self.documents.encode_documents(texts, show_progress)


def warm_encoder(encoder: Encoder) -> None:
    """Run an encoder's first passes (its ``warm()`` when it has one, else one query and one
    document), so that what it builds on first use is built now."""
    warm = getattr(encoder, "warm", None)
    if callable(warm):
        warm()
        return
    encoder.encode_queries(["water"])
    encoder.encode_documents(["water supply"])


def _unusable(what: str, report: ExportReport | Int8Report | None, file: Path,
              model_path: str) -> str | None:
    """Why ``file`` (``what``: the ONNX export, or its int8 copy), with the report
    ``export-onnx`` left beside it, cannot serve this model; None when it can."""
    folder = file.parent
    if report is not None and not report.passed:
        return f"the {what} was refused at export time: {report.reason}"
    if report is None or not file.exists():
        return f"no {what} in {folder} (run `wellspring export-onnx`)"
    if report.model_digest != model_files_digest(Path(model_path)):
        return f"the {what} in {folder} is of another model (run `wellspring export-onnx`)"
    return None


def load_minilm(settings: Settings) -> Encoder:
    """The configured English encoder: ONNX Runtime when ``encoder_runtime`` is ``onnx`` and a
    verified export of this model is there, torch otherwise (the reason is logged). With ONNX,
    queries and documents each go to the runtime measured faster at set-up (``runtimes.json``,
    ``wellspring export-onnx``); ONNX for both when nothing was measured."""
    model_path = settings.encoding.resolved_model_path()
    threads = settings.encoding.torch_threads
    if settings.encoding.encoder_runtime == "onnx":
        folder = onnx_folder(settings)
        reason = _unusable("ONNX export", read_report(folder), folder / MODEL_FILE, model_path)
        if reason is None:
            choice = read_choice(folder)
            if choice is not None and choice.model_digest != model_files_digest(Path(model_path)):
                choice = None
            query_file = _int8_queries(settings, folder, model_path)
            try:
                onnx = OnnxEncoder(model_path, folder, settings.encoding.batch_size, threads,
                                   query_file)
            except Exception as exc:  # a broken file or runtime: torch still works
                reason = f"ONNX Runtime could not load {folder}: {type(exc).__name__}: {exc}"
            else:
                if query_file is not None and choice is not None:  # int8 needs: on ONNX
                    choice = replace(choice, queries="onnx")
                if choice is None or (choice.documents == "onnx" and choice.queries == "onnx"):
                    return onnx
                torch_encoder = _torch_encoder(model_path, settings.encoding.batch_size, threads)
                log.info("encoder runtimes measured at set-up: documents %s, queries %s",
                         choice.documents, choice.queries)
                if choice.documents == "torch" and choice.queries == "torch":
                    return torch_encoder
                if choice.documents == "torch":
                    return SplitEncoder(queries=onnx, documents=torch_encoder)
                return SplitEncoder(queries=torch_encoder, documents=onnx)
        log.warning("encoder runtime: torch (fallback): %s", reason)
    if settings.encoding.query_precision == "int8":
        log.warning("needs encoded in fp32 (query_precision=int8 asked): the int8 copy runs on "
                    "ONNX Runtime only, and the encoder runs on torch")
    return _torch_encoder(model_path, settings.encoding.batch_size, threads)


def _int8_queries(settings: Settings, folder: Path, model_path: str) -> Path | None:
    """The int8 graph needs run on when ``query_precision`` is int8 and ``export-onnx`` left a
    verified copy of this model; None (fp32, the reason logged when int8 was asked) otherwise."""
    if settings.encoding.query_precision != "int8":
        return None
    report = read_int8_report(folder)
    reason = _unusable("int8 copy", report, folder / INT8_FILE, model_path)
    if reason is None and report is not None:
        log.info("needs encoded on the int8 copy: %s", report.reason)
        return folder / INT8_FILE
    log.warning("needs encoded in fp32 (query_precision=int8 asked): %s", reason)
    return None


def _torch_encoder(model_path: str, batch_size: int, threads: int) -> Encoder:
    from indexing.encoders.sentence_transformer import SentenceTransformerEncoder

    encoder = SentenceTransformerEncoder(model_path, batch_size)
    if threads:  # process-wide; torch is imported by now
        import torch

        torch.set_num_threads(threads)
    return encoder
