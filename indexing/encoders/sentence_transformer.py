"""The bundled all-MiniLM-L6-v2 (or any sentence-transformers model folder), offline.

Imported lazily: ``import sentence_transformers`` costs seconds, so commands that do not encode
never pay it (the import happens in the constructor).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from indexing.encoders.base import Vectors


def model_files_digest(model_path: Path) -> str:
    """Digest of the files that define a model folder (configs and weight sizes; an adapted
    model's ``adaptation.json`` too, so its fingerprint differs from its base model's)."""
    h = hashlib.sha256()
    for name in ("config.json", "modules.json", "sentence_bert_config.json", "tokenizer.json",
                 "config_sentence_transformers.json", "adaptation.json"):
        f = model_path / name
        if f.exists():
            h.update(name.encode())
            h.update(f.read_bytes())
    for weights in sorted(model_path.glob("*.safetensors")) + sorted(model_path.glob("*.bin")):
        h.update(f"{weights.name}:{weights.stat().st_size}".encode())
    return h.hexdigest()[:16]


class SentenceTransformerEncoder:
    """A sentence-transformers model folder, loaded offline, once per process."""

    runtime = "torch"

    def __init__(self, model_path: str, batch_size: int = 32, device: str = "cpu") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
        from sentence_transformers import SentenceTransformer

        path = Path(model_path)
        if not path.exists():
            raise FileNotFoundError(f"model folder '{model_path}' does not exist (setting: model)")
        self._model = SentenceTransformer(str(path), device=device)
        self._lock = threading.Lock()
        self.path = path
        self.batch_size = batch_size
        self.name = model_name(path)
        getter = getattr(self._model, "get_embedding_dimension", None)
        dim = getter() if getter else self._model.get_sentence_embedding_dimension()
        if dim is None:
            raise ValueError(f"model '{model_path}' does not report an embedding dimension")
        self.dimension = int(dim)
        self.max_seq_length = int(self._model.max_seq_length or 0)
        self._digest = model_files_digest(path)

    def fingerprint(self) -> dict[str, object]:
        return minilm_fingerprint(self.name, self._digest, self.dimension, self.max_seq_length)

    def _encode(self, texts: Sequence[str], show_progress: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:  # one torch forward at a time: the model is shared between threads
            out = self._model.encode(
                list(texts), batch_size=self.batch_size, show_progress_bar=show_progress,
                convert_to_numpy=True, normalize_embeddings=True,
            )
        # normalize_embeddings makes any model folder's output unit length (the bundled MiniLM
        # already ends in a Normalize module; others may not), so no second pass is needed
        return np.ascontiguousarray(out, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> Vectors:
        return self._encode(texts, False)

    def encode_documents(self, texts: Sequence[str], show_progress: bool = False) -> Vectors:
        return self._encode(texts, show_progress)


def minilm_fingerprint(name: str, digest: str, dimension: int, max_seq_length: int
                       ) -> dict[str, object]:
    """The model's fingerprint, whichever runtime computes its vectors (torch or ONNX Runtime:
    the same vectors within rounding, so an index built by one is served by the other)."""
    return {
        "encoder": "sentence-transformers",
        "model": name,
        "model_digest": digest,
        "dimension": dimension,
        "max_seq_length": max_seq_length,
        "normalise": True,
        "query_prompt": None,
        "document_prompt": None,
    }


def model_name(path: Path) -> str:
    """A readable model name: the model card's title (sentence-transformers cards start with
    ``# <name>``), the ``model_name`` of its config, or the folder's name."""
    card = path / "README.md"
    if card.exists():
        for line in card.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("# ") and line[2:].strip():
                return line[2:].strip()
    cfg = path / "config_sentence_transformers.json"
    if cfg.exists():
        try:
            data = json.loads(cfg.read_text())
            name = data.get("model_name")
            if isinstance(name, str) and name:
                return name
        except (OSError, ValueError):
            pass
    return path.name


