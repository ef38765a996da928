"""Export the bundled MiniLM (any BERT-like sentence-transformers folder ending in mean pooling
and, optionally, Normalize) to ONNX once, and verify it against torch before it is used.

``torch.onnx.export(..., dynamo=True)`` is the exporter that produced a correct graph here (the
legacy one did not; ``sentence-transformers[onnx]`` does not resolve with transformers 5). The
graph holds the transformer, the mean pooling and the L2 normalisation, so ONNX Runtime's output
is the sentence vector. The export is accepted only when every vector of a fixed sample agrees
with torch's to cosine >= ``MIN_COSINE``; otherwise ``export.json`` records the refusal and the
runtime falls back to torch (``onnx_runtime.load_minilm``).

Run by ``wellspring export-onnx`` (which ``scripts/setup.sh`` calls): seconds, once per model.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexing.encoders.sentence_transformer import model_files_digest

log = logging.getLogger(__name__)

MODEL_FILE = "model.onnx"
REPORT_FILE = "export.json"
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


@dataclass(frozen=True)
class ExportReport:
    """What ``export.json`` holds: whether the export may be used, and why (not)."""

    passed: bool
    reason: str
    model_digest: str
    min_cosine: float
    max_seq_length: int
    seconds: float
    torch_version: str
    onnxruntime_version: str


def default_onnx_dir(model_path: str | Path) -> Path:
    """Where the export of a model folder lives: beside the environment's packages
    (``<venv>/share/wellspring/onnx/<model digest>``), so every checkout using that
    environment, its tests included, reuses one export. ``WELLSPRING_ONNX_DIR`` overrides it."""
    import sys

    return Path(sys.prefix) / "share" / "wellspring" / "onnx" / model_files_digest(Path(model_path))


def read_report(folder: Path) -> ExportReport | None:
    """The export's report, None when there is none (or it cannot be read)."""
    try:
        data = json.loads((folder / REPORT_FILE).read_text(encoding="utf-8"))
        return ExportReport(**data)
    except (OSError, ValueError, TypeError):
        return None


def export_onnx(model_path: str | Path, folder: Path, force: bool = False) -> ExportReport:
    """Export the model folder to ``folder/model.onnx`` and verify it against torch.

    Idempotent: a passed export of the same model is kept unless ``force``. Written aside and
    renamed, so a crash leaves no half export behind.
    """
    path = Path(model_path)
    digest = model_files_digest(path)
    found = read_report(folder)
    if (found is not None and not force and found.model_digest == digest and found.passed
            and (folder / MODEL_FILE).exists()):
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
            from indexing.encoders.onnx_runtime import OnnxMiniLM

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
        (tmp / REPORT_FILE).write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
        if not report.passed:
            (tmp / MODEL_FILE).unlink(missing_ok=True)
            for extra in tmp.glob("*.data"):
                extra.unlink()
        if folder.exists():
            shutil.rmtree(folder)
        os.rename(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    (log.info if report.passed else log.warning)("ONNX export of %s: %s", path, report.reason)
    return report


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
