"""What the ONNX export (``onnx_export.py``) writes and the runtime (``onnx_runtime.py``) reads:
the folder, its file names, the export's report and the runtimes measured at set-up.

Its own module so that the exporter and the runtime both depend on it and not on each other.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from indexing.encoders.sentence_transformer import model_files_digest

if TYPE_CHECKING:
    from indexing.settings import Settings

MODEL_FILE = "model.onnx"
REPORT_FILE = "export.json"
# beside export.json, not in it: a report written by an older Wellspring stays readable
CHOICE_FILE = "runtimes.json"
# the int8 copy for queries (``onnx_int8.py``) and its report
INT8_FILE = "model.int8.onnx"
INT8_REPORT_FILE = "int8.json"

Runtime = Literal["onnx", "torch"]
T = TypeVar("T")


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

    def write(self, folder: Path) -> None:
        _write(folder / REPORT_FILE, self)


@dataclass(frozen=True)
class RuntimeChoice:
    """What ``runtimes.json`` holds: the runtime measured faster for documents (bulk encoding)
    and for queries (one need at a time) on this machine at set-up, with the figures."""

    documents: Runtime
    queries: Runtime
    model_digest: str
    onnx_documents_per_s: float
    torch_documents_per_s: float
    onnx_query_ms: float
    torch_query_ms: float
    cpu_count: int
    measured_at: str

    def write(self, folder: Path) -> None:
        _write(folder / CHOICE_FILE, self)


@dataclass(frozen=True)
class Int8Report:
    """What ``int8.json`` holds: whether the int8 copy may answer needs, and the figures."""

    passed: bool
    reason: str
    model_digest: str
    median_cosine: float
    min_cosine: float
    fp32_query_ms: float
    int8_query_ms: float

    def write(self, folder: Path) -> None:
        _write(folder / INT8_REPORT_FILE, self)


def default_onnx_dir(model_path: str | Path) -> Path:
    """Where the export of a model folder lives: beside the environment's packages
    (``<venv>/share/wellspring/onnx/<model digest>``), so every checkout using that
    environment, its tests included, reuses one export. ``WELLSPRING_ONNX_DIR`` overrides it."""
    return Path(sys.prefix) / "share" / "wellspring" / "onnx" / model_files_digest(Path(model_path))


def onnx_folder(settings: Settings) -> Path:
    """The export folder for the configured model (setting ``onnx_dir`` or the default)."""
    return settings.encoding.onnx_dir or default_onnx_dir(settings.encoding.resolved_model_path())


def _read(path: Path, kind: Callable[..., T]) -> T | None:
    """A JSON record of ``kind``, None when the file is absent or cannot be read as one."""
    try:
        return kind(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def _write(path: Path, record: ExportReport | RuntimeChoice | Int8Report) -> None:
    """A record as JSON, written aside and renamed: a reader never sees half of it."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(asdict(record), indent=2), encoding="utf-8")
    os.replace(tmp, path)


def read_report(folder: Path) -> ExportReport | None:
    """The export's report, None when there is none (or it cannot be read)."""
    return _read(folder / REPORT_FILE, ExportReport)


def read_choice(folder: Path) -> RuntimeChoice | None:
    """The runtimes measured at set-up, None when not measured (or unreadable)."""
    return _read(folder / CHOICE_FILE, RuntimeChoice)


def read_int8_report(folder: Path) -> Int8Report | None:
    """The int8 copy's report, None when there is none (or it cannot be read)."""
    return _read(folder / INT8_REPORT_FILE, Int8Report)
