"""MiniLM on ONNX Runtime: ``tokenizers`` + one ``InferenceSession``, no torch at query time.

The export (``onnx_export.py``, run once at setup) holds transformer, mean pooling and
normalisation; this module tokenises like sentence-transformers (strip, truncate at the model's
``max_seq_length``, pad to the longest text of a batch) and runs it. The fingerprint is the
model's (``minilm_fingerprint``): the vectors are torch's within rounding (checked at export),
so an index built with either runtime is served by the other.

``load_minilm`` chooses the runtime from the setting ``encoder_runtime`` and falls back to torch,
with a logged reason, when no verified export is there.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from indexing.encoders.base import Encoder, Vectors, normalise
from indexing.encoders.sentence_transformer import (
    minilm_fingerprint,
    model_files_digest,
    model_name,
)

if TYPE_CHECKING:
    from indexing.settings import Settings

log = logging.getLogger(__name__)


class OnnxMiniLM:
    """Tokeniser + ONNX session of one export folder: texts in, sentence vectors out."""

    def __init__(self, model_path: Path, onnx_dir: Path, threads: int = 0,
                 batch_size: int = 32) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        config = json.loads((model_path / "sentence_bert_config.json").read_text())
        self.max_seq_length = int(config.get("max_seq_length", 256))
        self.lower = bool(config.get("do_lower_case", False))
        self._tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=self.max_seq_length)
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.inter_op_num_threads = 1
        if threads:
            options.intra_op_num_threads = threads
        # spinning threads fight every other process on a shared 2-core host
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(onnx_dir / "model.onnx"), options,
                                             providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.batch_size = batch_size
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    def _run(self, texts: list[str]) -> Any:
        encodings = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), np.int64)
        mask = np.zeros((len(texts), width), np.int64)
        types = np.zeros((len(texts), width), np.int64)
        for row, e in enumerate(encodings):
            n = len(e.ids)
            ids[row, :n] = e.ids
            mask[row, :n] = e.attention_mask
            types[row, :n] = e.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Sentence vectors, in the order of ``texts``; batches of similar lengths (like
        sentence-transformers) so that padding stays short."""
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        clean = [t.strip().lower() if self.lower else t.strip() for t in texts]
        order = sorted(range(len(clean)), key=lambda i: -len(clean[i]))
        out = np.zeros((len(clean), self.dimension), np.float32)
        for start in range(0, len(order), self.batch_size):
            part = order[start : start + self.batch_size]
            out[part] = self._run([clean[i] for i in part])
        return out


class OnnxEncoder:
    """The Encoder protocol over ``OnnxMiniLM``; one forward pass at a time (the batching
    wrapper, ``batching.py``, gathers concurrent requests into one)."""

    runtime = "onnx"

    def __init__(self, model_path: str, onnx_dir: Path, batch_size: int = 32,
                 threads: int = 0) -> None:
        path = Path(model_path)
        self._model = OnnxMiniLM(path, onnx_dir, threads, batch_size)
        self._lock = threading.Lock()
        self.path = path
        self.name = model_name(path)
        self.dimension = self._model.dimension
        self.max_seq_length = self._model.max_seq_length
        self._digest = model_files_digest(path)

    def fingerprint(self) -> dict[str, object]:
        return minilm_fingerprint(self.name, self._digest, self.dimension, self.max_seq_length)

    def _encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        with self._lock:
            out = self._model.encode(texts)
        return normalise(out)  # the graph normalises; this keeps any model folder unit length

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        return self._encode(texts)


def onnx_folder(settings: Settings) -> Path:
    """The export folder for the configured model (setting ``onnx_dir`` or the default)."""
    from indexing.encoders.onnx_export import default_onnx_dir

    return settings.onnx_dir or default_onnx_dir(settings.resolved_model_path())


def load_minilm(settings: Settings) -> Encoder:
    """The configured English encoder: ONNX Runtime when ``encoder_runtime`` is ``onnx`` and a
    verified export of this model is there, torch otherwise (the reason is logged)."""
    from indexing.encoders.onnx_export import MODEL_FILE, read_report

    model_path = settings.resolved_model_path()
    threads = settings.torch_threads
    if settings.encoder_runtime == "onnx":
        folder = onnx_folder(settings)
        report = read_report(folder)
        digest = model_files_digest(Path(model_path))
        reason = None
        if report is not None and not report.passed:
            reason = f"the ONNX export was refused at export time: {report.reason}"
        elif report is None or not (folder / MODEL_FILE).exists():
            reason = f"no ONNX export in {folder} (run `wellspring export-onnx`)"
        elif report.model_digest != digest:
            reason = (f"the ONNX export in {folder} is of another model "
                      "(run `wellspring export-onnx`)")
        if reason is None:
            try:
                return OnnxEncoder(model_path, folder, settings.batch_size, threads)
            except Exception as exc:  # a broken file or runtime: torch still works
                reason = f"ONNX Runtime could not load {folder}: {type(exc).__name__}: {exc}"
        log.warning("encoder runtime: torch (fallback): %s", reason)
    from indexing.encoders.sentence_transformer import SentenceTransformerEncoder

    encoder = SentenceTransformerEncoder(model_path, settings.batch_size)
    if threads:  # process-wide; torch is imported by now
        import torch

        torch.set_num_threads(threads)
    return encoder
