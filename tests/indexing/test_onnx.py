"""The English model on ONNX Runtime: the export agrees with torch, a refused or missing export
falls back to torch with a logged reason, and the fingerprint stays the model's.

The export itself is made once per environment (``wellspring export-onnx`` at setup, or by the
``onnx_export_dir`` fixture the first time) and reused by every run."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from indexing.encoders import onnx_export, onnx_int8
from indexing.encoders.base import Encoder
from indexing.encoders.onnx_export import VERIFY_SAMPLE, export_onnx
from indexing.encoders.onnx_files import (
    INT8_FILE,
    REPORT_FILE,
    RuntimeChoice,
    default_onnx_dir,
    read_choice,
    read_int8_report,
)
from indexing.encoders.onnx_runtime import OnnxEncoder, SplitEncoder, load_minilm, token_batches
from indexing.encoders.sentence_transformer import (
    SentenceTransformerEncoder,
    model_files_digest,
)
from indexing.settings import Settings

pytestmark = pytest.mark.slow

TEXTS = ["water", "non-revenue water in intermittent supply",
         "Treated wastewater reuse for irrigation in peri-urban agriculture. " * 20]


@pytest.fixture(scope="session")
def model_path() -> str:
    return Settings().encoding.resolved_model_path()


@pytest.fixture(scope="session")
def onnx_export_dir(model_path: str) -> Path:
    """The environment's verified export (made here once if setup has not made it)."""
    folder = default_onnx_dir(model_path)
    report = export_onnx(model_path, folder)
    assert report.passed, report.reason
    return folder


def test_onnx_vectors_match_torch(onnx_export_dir: Path, model_path: str,
                                  real_encoder: Encoder) -> None:
    onnx = OnnxEncoder(model_path, onnx_export_dir)
    for texts in (TEXTS, list(VERIFY_SAMPLE)):
        want = real_encoder.encode_documents(texts)
        got = onnx.encode_documents(texts)
        assert got.dtype == np.float32 and got.shape == want.shape
        assert float(np.min(np.sum(want * got, axis=1))) >= 0.9999
        np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    # one text alone or in a padded batch: the same vector
    alone = onnx.encode_queries(["water"])[0]
    batched = onnx.encode_queries(TEXTS)[0]
    assert float(alone @ batched) >= 0.99999
    assert onnx.fingerprint() == real_encoder.fingerprint()  # the same index serves both


def test_the_setting_chooses_the_runtime(onnx_export_dir: Path, tmp_path: Path) -> None:
    assert isinstance(load_minilm(Settings(storage={"home": tmp_path},
                                           encoding={"onnx_dir": onnx_export_dir})),
                      OnnxEncoder)
    torch_one = load_minilm(Settings(storage={"home": tmp_path},
                                     encoding={"encoder_runtime": "torch"}))
    assert isinstance(torch_one, SentenceTransformerEncoder)


def test_a_missing_export_falls_back_to_torch(tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        encoder = load_minilm(Settings(storage={"home": tmp_path},
                                       encoding={"onnx_dir": tmp_path / "none"}))
    assert isinstance(encoder, SentenceTransformerEncoder)
    assert "torch (fallback)" in caplog.text and "export-onnx" in caplog.text


def test_a_refused_export_falls_back_to_torch(onnx_export_dir: Path, model_path: str,
                                              tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture) -> None:
    """An export whose vectors do not pass the check is refused at export time (no model file
    kept, the reason recorded) and the runtime then uses torch, saying why."""

    def copy_good_graph(model: object, target: Path) -> None:
        shutil.copy(onnx_export_dir / onnx_export.MODEL_FILE, target)

    monkeypatch.setattr(onnx_export, "_export_graph", copy_good_graph)
    monkeypatch.setattr(onnx_export, "MIN_COSINE", 1.5)  # no export can pass this
    folder = tmp_path / "refused"
    report = export_onnx(model_path, folder)
    assert not report.passed and "min cosine" in report.reason
    assert not (folder / onnx_export.MODEL_FILE).exists()
    assert json.loads((folder / REPORT_FILE).read_text())["passed"] is False
    with caplog.at_level(logging.WARNING):
        encoder = load_minilm(Settings(storage={"home": tmp_path}, encoding={"onnx_dir": folder}))
    assert isinstance(encoder, SentenceTransformerEncoder)
    assert "refused at export time" in caplog.text


def test_an_export_of_another_model_is_not_used(onnx_export_dir: Path, tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "other"
    shutil.copytree(onnx_export_dir, folder)
    report = json.loads((folder / REPORT_FILE).read_text())
    report["model_digest"] = "0" * 16
    (folder / REPORT_FILE).write_text(json.dumps(report))
    with caplog.at_level(logging.WARNING):
        encoder = load_minilm(Settings(storage={"home": tmp_path}, encoding={"onnx_dir": folder}))
    assert isinstance(encoder, SentenceTransformerEncoder)
    assert "another model" in caplog.text


def test_passes_are_bounded_in_padded_tokens() -> None:
    lengths = [130, 12, 250, 128, 12, 300, 64, 64, 64]
    batches = token_batches(lengths, max_texts=4, max_tokens=260)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for b in batches:
        assert len(b) <= 4
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 260
    assert [5] in batches  # longer than the bound: alone


def test_documents_in_parallel_passes_are_the_same_vectors(onnx_export_dir: Path,
                                                           model_path: str) -> None:
    texts = [f"{t} {i}" for i in range(12) for t in TEXTS]
    onnx = OnnxEncoder(model_path, onnx_export_dir, threads=2)
    serial = onnx.encode_queries(texts)
    parallel = onnx.encode_documents(texts)
    assert float(np.min(np.sum(serial * parallel, axis=1))) >= 0.99999


def test_the_runtimes_are_measured_at_export_and_followed(onnx_export_dir: Path, tmp_path: Path,
                                                          model_path: str) -> None:
    """`export-onnx` records which runtime was faster here for documents and for queries;
    the encoder follows it (torch for one use, ONNX for the other when so measured)."""
    choice = read_choice(onnx_export_dir)
    assert choice is not None and choice.documents in ("onnx", "torch")
    assert choice.onnx_documents_per_s > 0 and choice.torch_query_ms > 0
    folder = tmp_path / "measured"
    shutil.copytree(onnx_export_dir, folder)
    RuntimeChoice(**{**asdict(choice), "documents": "torch", "queries": "onnx"}).write(folder)
    split = load_minilm(Settings(storage={"home": tmp_path}, encoding={"onnx_dir": folder}))
    assert isinstance(split, SplitEncoder)
    assert isinstance(split.documents, SentenceTransformerEncoder)
    assert isinstance(split.queries, OnnxEncoder)
    RuntimeChoice(**{**asdict(choice), "documents": "onnx", "queries": "onnx"}).write(folder)
    assert isinstance(load_minilm(Settings(storage={"home": tmp_path},
                                           encoding={"onnx_dir": folder})), OnnxEncoder)


def test_needs_can_run_on_the_checked_int8_copy_and_documents_never_do(
        onnx_export_dir: Path, model_path: str, tmp_path: Path) -> None:
    """`export-onnx` leaves an int8 copy checked against fp32; with `query_precision=int8`
    needs are encoded on it, documents (a lone write included) on fp32, one fingerprint."""
    report = read_int8_report(onnx_export_dir)
    assert report is not None and report.passed, report
    assert report.median_cosine >= onnx_int8.MIN_MEDIAN_COSINE
    fp32 = load_minilm(Settings(storage={"home": tmp_path},
                                encoding={"onnx_dir": onnx_export_dir, "torch_threads": 1}))
    int8 = load_minilm(Settings(storage={"home": tmp_path},
                                encoding={"onnx_dir": onnx_export_dir, "torch_threads": 1,
                                          "query_precision": "int8"}))
    assert isinstance(int8, OnnxEncoder) and "int8" in int8.runtime
    assert int8.fingerprint() == fp32.fingerprint()  # the index serves either precision
    needs = fp32.encode_queries(TEXTS), int8.encode_queries(TEXTS)
    cosines = np.sum(needs[0] * needs[1], axis=1)
    assert float(cosines.min()) >= 0.98 and float(cosines.max()) < 0.99999  # int8, close
    for texts in (TEXTS[:1], TEXTS):  # one pass (a write) and several
        same = np.sum(fp32.encode_documents(texts) * int8.encode_documents(texts), axis=1)
        assert float(same.min()) >= 0.99999


def test_a_refused_or_missing_int8_copy_leaves_needs_in_fp32(
        onnx_export_dir: Path, model_path: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "export"
    shutil.copytree(onnx_export_dir, folder)
    (folder / INT8_FILE).unlink()
    settings = Settings(storage={"home": tmp_path},
                        encoding={"onnx_dir": folder, "query_precision": "int8"})
    with caplog.at_level(logging.WARNING):
        encoder = load_minilm(settings)
    assert isinstance(encoder, OnnxEncoder) and encoder.runtime == "onnx"
    assert "fp32" in caplog.text and "no int8 copy" in caplog.text
    monkeypatch.setattr(onnx_int8, "MIN_MEDIAN_COSINE", 1.5)  # no copy can pass this
    refused = onnx_int8.quantise_for_queries(Path(model_path), folder,
                                             model_files_digest(Path(model_path)),
                                             VERIFY_SAMPLE, threads=1)
    assert not refused.passed and "refused" in refused.reason
    assert not (folder / INT8_FILE).exists() and read_int8_report(folder) == refused
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        encoder = load_minilm(settings)
    assert isinstance(encoder, OnnxEncoder) and encoder.runtime == "onnx"
    assert "refused at export time" in caplog.text



def test_int8_needs_on_torch_say_they_are_fp32(tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        encoder = load_minilm(Settings(storage={"home": tmp_path}, encoding={
            "encoder_runtime": "torch", "query_precision": "int8"}))
    assert isinstance(encoder, SentenceTransformerEncoder)
    assert "needs encoded in fp32" in caplog.text and "ONNX Runtime only" in caplog.text
