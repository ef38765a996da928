"""`wellspring adapt`: a few training steps on the test community (real model), a model folder
with its own fingerprint, and indexes that refuse a model other than the one that built them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexing.community import Community
from indexing.encoders.adapt import (
    ADAPTATION_FILE,
    AdaptConfig,
    adapt_model,
    title_body_pairs,
)
from indexing.encoders.base import Encoder
from indexing.encoders.sentence_transformer import SentenceTransformerEncoder
from indexing.errors import IndexMismatch
from indexing.settings import Settings
from indexing.store import SqliteStore
from tests.conftest import load_test_community, make_settings

FEW_STEPS = AdaptConfig(learning_rate=5e-6, max_steps=2, batch_size=8, alpha=0.5)


@pytest.fixture(scope="module")
def adapted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled MiniLM adapted for two steps to the test community's contributions."""
    store = SqliteStore(tmp_path_factory.mktemp("src") / "db.sqlite")
    from indexing.ingest import ingest_paths
    from tests.conftest import TEST_DATA

    ingest_paths(store, [TEST_DATA])
    pairs = title_body_pairs(((c.title, c.text) for c in store.iter_contributions()), 160)
    store.close()
    result = adapt_model(Path(Settings().encoding.resolved_model_path()), pairs,
                         tmp_path_factory.mktemp("models"), FEW_STEPS)
    assert result.steps == 2 and result.pairs >= 16
    return result.path


def test_pairs_are_title_and_body_start() -> None:
    pairs = title_body_pairs([("T", "one two three four five six"), ("T", "one two three four "
                             "five six"), ("", "a b c d e f"), ("Short", "too short")], 3)
    assert pairs == [("T", "one two three")]


def test_adapted_folder_has_its_own_fingerprint(adapted: Path, real_encoder: Encoder) -> None:
    assert adapted.name.startswith("adapted-")
    info = json.loads((adapted / ADAPTATION_FILE).read_text())
    assert info["steps"] == 2 and info["config"]["alpha"] == 0.5
    assert info["config"]["learning_rate"] == 5e-6
    enc = SentenceTransformerEncoder(str(adapted))
    fp, base = enc.fingerprint(), real_encoder.fingerprint()
    assert fp != base and fp["model_digest"] != base["model_digest"]
    assert fp["dimension"] == base["dimension"]
    # it moved, but only a little (few steps, low rate, half-way back to the original)
    a, b = enc.encode_queries(["chlorine decay"])[0], real_encoder.encode_queries(
        ["chlorine decay"])[0]
    assert 0.95 < float(a @ b) < 1.0


def test_index_built_with_one_model_refuses_the_other(
        adapted: Path, community_home: Path, real_encoder: Encoder, tmp_path: Path) -> None:
    # built with the bundled model (the shared test community), opened with the adapted one
    with pytest.raises(IndexMismatch, match="rebuild"):
        Community.open(make_settings(community_home, encoding={"model": str(adapted),
                                                               "encoder_runtime": "torch"}))
    # built with the adapted model, opened with the bundled one
    c = load_test_community(tmp_path / "adapted-home", SentenceTransformerEncoder(str(adapted)),
                            encoding={"model": str(adapted)})
    c.save_if_dirty()
    c.store.close()
    with pytest.raises(IndexMismatch, match="model_digest"):
        Community.open(make_settings(tmp_path / "adapted-home"), encoder=real_encoder)
    reopened, stats = Community.open(make_settings(tmp_path / "adapted-home",
                                                   encoding={"model": str(adapted),
                                                             "encoder_runtime": "torch"}))
    assert stats.encoded_texts == 0  # its own model: served as built
    reopened.store.close()


def test_adapt_command(adapted: Path, community_home: Path, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    from api.cli import main

    monkeypatch.setenv("WELLSPRING_HOME", str(community_home))
    assert main(["adapt", "--steps", "1", "--batch-size", "4"]) == 0
    out = capsys.readouterr().out
    folders = list((community_home / "models").glob("adapted-*"))
    assert len(folders) == 1 and str(folders[0]) in out and "WELLSPRING_MODEL=" in out
    assert json.loads((folders[0] / ADAPTATION_FILE).read_text())["steps"] == 1
