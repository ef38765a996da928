"""An int8 copy of the verified ONNX export, for queries only (setting ``query_precision``).

One need's forward pass is the largest single cost of a query (docs/BENCHMARKS.md, issue #33).
ONNX Runtime's dynamic quantisation (int8 weights per output channel, MatMul only; activations
quantised per pass) halves it on these CPUs. Documents keep the fp32 export: the index's vectors
and fingerprint do not change, so an index is served by either precision and switching the
setting needs no rebuild. Only the need's vector moves, and by little: the copy is accepted only
when, on the export's fixed sample, its vectors agree with fp32's to a median cosine of at least
``MIN_MEDIAN_COSINE`` and a minimum of ``MIN_COSINE`` (plain per-tensor quantisation gave a
median of 0.967 here and would be refused).

Made by ``wellspring export-onnx`` beside the export (``model.int8.onnx``, report ``int8.json``),
written aside and renamed; read by ``onnx_runtime.load_minilm``.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from indexing.encoders.onnx_files import INT8_FILE, MODEL_FILE, Int8Report
from indexing.encoders.onnx_runtime import OnnxMiniLM

log = logging.getLogger(__name__)

MIN_MEDIAN_COSINE = 0.99
# the English model reads Arabic badly in any precision (0.979 on the sample's Arabic need;
# Arabic needs go to the multilingual index): the floor is against a broken copy
MIN_COSINE = 0.97


def quantise_for_queries(model_path: Path, folder: Path, digest: str,
                         sample: tuple[str, ...], threads: int = 0) -> Int8Report:
    """Write ``folder/model.int8.onnx`` from the fp32 export in ``folder``, check it against
    fp32 on ``sample`` and time one need on each; the report says whether it is used."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    fd, name = tempfile.mkstemp(prefix=".int8-", suffix=".onnx", dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # the quantiser logs every node on the root logger
        try:
            quantize_dynamic(folder / MODEL_FILE, tmp, op_types_to_quantize=["MatMul"],
                             per_channel=True, weight_type=QuantType.QInt8)
        finally:
            root.setLevel(level)
        fp32 = OnnxMiniLM(model_path, folder, threads)
        int8 = OnnxMiniLM(model_path, folder, threads, query_file=tmp)
        texts = list(sample)
        cosines = np.sum(fp32.encode(texts) * int8.encode(texts), axis=1)
        median, low = float(np.median(cosines)), float(np.min(cosines))
        fp32_ms, int8_ms = _query_ms(fp32, texts), _query_ms(int8, texts)
        passed = median >= MIN_MEDIAN_COSINE and low >= MIN_COSINE
        reason = (f"cosine with fp32 median {median:.4f}, min {low:.4f}; one need "
                  f"{fp32_ms:.2f} -> {int8_ms:.2f} ms")
        if not passed:
            reason = (f"refused: {reason} (needs median >= {MIN_MEDIAN_COSINE}, "
                      f"min >= {MIN_COSINE})")
        report = Int8Report(passed, reason, digest, round(median, 5), round(low, 5),
                            round(fp32_ms, 2), round(int8_ms, 2))
        if passed:
            os.replace(tmp, folder / INT8_FILE)
        else:
            (folder / INT8_FILE).unlink(missing_ok=True)
        report.write(folder)
    finally:
        tmp.unlink(missing_ok=True)
    (log.info if report.passed else log.warning)("int8 queries: %s", report.reason)
    return report


def _query_ms(model: OnnxMiniLM, texts: list[str]) -> float:
    """Best of three rounds of one need at a time over ``texts``, per need, in ms."""
    model.encode(texts[:1])  # the session is made on first use
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for text in texts:
            model.encode([text])
        best = min(best, time.perf_counter() - started)
    return 1000 * best / len(texts)

