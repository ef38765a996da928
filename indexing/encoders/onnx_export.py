"""Export the bundled MiniLM (any BERT-like sentence-transformers folder ending in mean pooling
and, optionally, Normalize) to ONNX once, and verify it against torch before it is used.

``torch.onnx.export(..., dynamo=True)`` is the exporter that produced a correct graph here (the
legacy one did not; ``sentence-transformers[onnx]`` does not resolve with transformers 5). The
graph holds the transformer, the mean pooling and the L2 normalisation, so ONNX Runtime's output
is the sentence vector. The export is accepted only when every vector of a fixed sample agrees
with torch's to cosine >= ``MIN_COSINE``; otherwise ``export.json`` records the refusal and the
runtime falls back to torch (``onnx_runtime.load_minilm``).

Then, on this machine, torch and ONNX Runtime are timed on documents (bulk) and on single needs,
and each use gets the faster (``runtimes.json``, read by ``onnx_runtime.load_minilm``).

Last, an int8 copy for needs is made and checked against the export (``onnx_int8.py``).

Run by ``wellspring export-onnx`` (which ``scripts/setup.sh`` calls): seconds, once per model.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from indexing.encoders.onnx_files import (
    MODEL_FILE,
    ExportReport,
    RuntimeChoice,
    read_choice,
    read_int8_report,
    read_report,
)
from indexing.encoders.onnx_int8 import quantise_for_queries
from indexing.encoders.onnx_runtime import OnnxMiniLM
from indexing.encoders.sentence_transformer import model_files_digest

log = logging.getLogger(__name__)

MIN_COSINE = 0.9999
# The fixed verification sample: short needs, a mid-length text, a long one truncated at the
# model's maximum sequence length, and other scripts.
VERIFY_SAMPLE = (
    "water",
    "reducing non-revenue water in intermittent supply systems",
    "Who has worked on groundwater recharge and managed aquifer recharge in arid regions?",
    "réutilisation des eaux usées traitées pour l'irrigation",
    "desalinización por ósmosis inversa y gestión de salmuera",
    "إدارة المياه الجوفية",
    "Climate adaptation of urban drainage: " + "sustainable drainage, green roofs, " * 12,
    " ".join(["sludge treatment and biogas recovery at small wastewater plants"] * 40),
)


def export_onnx(model_path: str | Path, folder: Path, force: bool = False,
                threads: int = 0) -> ExportReport:
    """Export the model folder to ``folder/model.onnx``, verify it against torch, and measure
    which runtime is faster here for documents and for queries (``runtimes.json``).

    Idempotent: a passed export of the same model is kept unless ``force`` (and measured if it
    was not). Written aside and renamed, so a crash leaves no half export behind.
    """
    path = Path(model_path)
    digest = model_files_digest(path)
    found = read_report(folder)
    if (found is not None and not force and found.model_digest == digest and found.passed
            and (folder / MODEL_FILE).exists()):
        choice = read_choice(folder)
        if choice is None or choice.model_digest != digest:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer(str(path), device="cpu")
            measure_runtimes(model, path, folder, digest, threads).write(folder)
        int8 = read_int8_report(folder)
        if int8 is None or int8.model_digest != digest:
            quantise_for_queries(path, folder, digest, VERIFY_SAMPLE, threads)
        return found
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import onnxruntime as ort
    import torch
    from sentence_transformers import SentenceTransformer

    started = time.perf_counter()
    model = SentenceTransformer(str(path), device="cpu")
    max_len = int(model.max_seq_length or 256)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".export-", dir=folder.parent))
    try:
        reason = _export_graph(model, tmp / MODEL_FILE)
        min_cos = 0.0
        if reason is None:
            runtime = OnnxMiniLM(path, tmp, threads=0)
            with torch.inference_mode():
                want = model.encode(list(VERIFY_SAMPLE), convert_to_numpy=True,
                                    normalize_embeddings=True)
            got = runtime.encode(list(VERIFY_SAMPLE))
            min_cos = float(np.min(np.sum(want * got, axis=1)))
            if not min_cos >= MIN_COSINE:
                reason = (f"the ONNX vectors differ from torch's: min cosine {min_cos:.6f} < "
                          f"{MIN_COSINE} on the fixed sample")
        report = ExportReport(
            passed=reason is None, reason=reason or f"min cosine {min_cos:.6f} vs torch",
            model_digest=digest, min_cosine=min_cos, max_seq_length=max_len,
            seconds=round(time.perf_counter() - started, 2), torch_version=torch.__version__,
            onnxruntime_version=ort.__version__,
        )
        report.write(tmp)
        if not report.passed:
            (tmp / MODEL_FILE).unlink(missing_ok=True)
            for extra in tmp.glob("*.data"):
                extra.unlink()
        if report.passed:
            measure_runtimes(model, path, tmp, digest, threads).write(tmp)
            quantise_for_queries(path, tmp, digest, VERIFY_SAMPLE, threads)
        if folder.exists():
            shutil.rmtree(folder)
        os.rename(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    (log.info if report.passed else log.warning)("ONNX export of %s: %s", path, report.reason)
    return report


# The measurement's documents: ~130 tokens each, like the sample's contribution chunks.
_WORDS = ("groundwater", "recharge", "aquifer", "irrigation", "wastewater", "reuse", "sludge",
          "drainage", "desalination", "brine", "leakage", "metering", "tariff", "catchment",
          "flood", "drought", "sanitation", "chlorination", "turbidity", "borehole", "pumping",
          "reservoir", "watershed", "governance")
MEASURE_DOCUMENTS = tuple(
    f"Study {i}: " + " ".join(_WORDS[(i * 7 + j) % len(_WORDS)] for j in range(60 + i % 5 * 12))
    for i in range(48))
MEASURE_QUERIES = tuple(VERIFY_SAMPLE[:6]) * 3
# torch must be this much faster to be chosen: a tie keeps torch out of the process
TORCH_MARGIN = 1.05


def measure_runtimes(model: Any, path: Path, folder: Path, digest: str, threads: int = 0
                     ) -> RuntimeChoice:
    """Documents per second (bulk, as an index build encodes) and one need's latency, torch
    vs ONNX Runtime, interleaved and best of two rounds; each use gets the faster runtime."""
    import datetime as dt

    import torch

    onnx = OnnxMiniLM(path, folder, threads)
    docs, queries = list(MEASURE_DOCUMENTS), list(MEASURE_QUERIES)

    def torch_docs() -> None:
        model.encode(docs, batch_size=32, convert_to_numpy=True, normalize_embeddings=True)

    def torch_query() -> None:
        for q in queries:
            model.encode([q], convert_to_numpy=True, normalize_embeddings=True)

    def onnx_query() -> None:
        for q in queries:
            onnx.encode([q])

    runs = {"torch_docs": torch_docs, "onnx_docs": lambda: onnx.encode(docs, documents=True),
            "torch_query": torch_query, "onnx_query": onnx_query}
    best = dict.fromkeys(runs, float("inf"))
    with torch.inference_mode():
        if threads:
            torch.set_num_threads(threads)
        torch_query()  # first passes build what each runtime builds once
        onnx.warm()
        for _ in range(2):
            for name, run in runs.items():
                started = time.perf_counter()
                run()
                best[name] = min(best[name], time.perf_counter() - started)
    torch_docs_s = len(docs) / best["torch_docs"]
    onnx_docs_s = len(docs) / best["onnx_docs"]
    torch_ms = 1000 * best["torch_query"] / len(queries)
    onnx_ms = 1000 * best["onnx_query"] / len(queries)
    choice = RuntimeChoice(
        documents="torch" if torch_docs_s > TORCH_MARGIN * onnx_docs_s else "onnx",
        queries="torch" if onnx_ms > TORCH_MARGIN * torch_ms else "onnx",
        model_digest=digest, onnx_documents_per_s=round(onnx_docs_s, 1),
        torch_documents_per_s=round(torch_docs_s, 1), onnx_query_ms=round(onnx_ms, 2),
        torch_query_ms=round(torch_ms, 2), cpu_count=os.cpu_count() or 1,
        measured_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    log.info("runtimes measured: documents %s (onnx %.1f/s, torch %.1f/s), queries %s "
             "(onnx %.1f ms, torch %.1f ms)", choice.documents, onnx_docs_s, torch_docs_s,
             choice.queries, onnx_ms, torch_ms)
    return choice


def _export_graph(model: Any, target: Path) -> str | None:
    """Export transformer + mean pooling + normalisation; None, or why it failed."""
    import torch

    transformer = model[0].auto_model.eval()
    normalise = any(type(m).__name__ == "Normalize" for m in model)
    pooling = getattr(model[1], "pooling_mode_mean_tokens", True) if len(model) > 1 else True
    if not pooling:
        return "the model does not use mean pooling; only mean pooling is exported"

    class SentenceVector(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            out = self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                   token_type_ids=token_type_ids)[0]
            weights = attention_mask.unsqueeze(-1).to(out.dtype)
            summed = (out * weights).sum(dim=1)
            pooled = summed / weights.sum(dim=1).clamp(min=1e-9)
            if normalise:
                pooled = torch.nn.functional.normalize(pooled, p=2.0, dim=1)
            return pooled

    # a padded example (a mask with zeros): with an all-ones mask transformers skips the mask
    # and the exported graph would ignore padding
    ids = torch.tensor([[101, 2300, 3737, 102, 0, 0], [101, 2300, 102, 0, 0, 0],
                        [101, 4785, 5082, 1997, 2300, 102]], dtype=torch.long)
    mask = (ids != 0).long()
    batch = torch.export.Dim("batch", min=1, max=4096)
    seq = torch.export.Dim("sequence", min=1, max=int(model.max_seq_length or 512))
    shapes = {name: {0: batch, 1: seq} for name in
              ("input_ids", "attention_mask", "token_type_ids")}
    try:
        with torch.inference_mode():
            program = torch.onnx.export(
                SentenceVector().eval(), (ids, mask, torch.zeros_like(ids)),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["sentence_embedding"], dynamo=True, dynamic_shapes=shapes,
                external_data=False, verbose=False,
            )
        if program is None:
            return "torch.onnx.export returned no program"
        program.save(str(target))
    except Exception as exc:  # any exporter failure means: keep torch
        return f"torch.onnx.export failed: {type(exc).__name__}: {exc}"
    return None
