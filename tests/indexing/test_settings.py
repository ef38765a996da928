"""Settings in sections (#35): every field is still read from the environment variable it has
always had (``WELLSPRING_RRF_K``, not ``WELLSPRING_MATCHING__RRF_K``) into its own section,
and tests and benchmarks change a section's fields by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexing.settings import MatchingSettings, Settings, StorageSettings
from tests.settings_support import check_every_env_name


def test_every_core_env_name_lands_in_its_section(monkeypatch: pytest.MonkeyPatch) -> None:
    check_every_env_name(Settings, monkeypatch)


def test_defaults_without_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WELLSPRING_NOT_A_SETTING", "1")  # ignored, as ever
    monkeypatch.setenv("WELLSPRING_MATCHING", "{}")  # a section's name is no variable
    s = Settings()
    assert s.matching.rrf_k == 60 and s.storage.home == Path("var")
    assert s.storage.index_path == Path("var/index")


def test_a_bad_env_value_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WELLSPRING_RRF_K", "0")
    with pytest.raises(ValueError, match="rrf_k"):
        Settings()


def test_sections_given_as_dicts_keep_the_environment_for_the_rest(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WELLSPRING_AGGREGATION_K", "4")
    s = Settings(storage={"home": tmp_path}, matching={"rrf_k": 30})  # type: ignore[arg-type]
    assert (s.storage.home, s.matching.rrf_k, s.matching.aggregation_k) == (tmp_path, 30, 4)
    assert s.storage.database_path == tmp_path / "wellspring.db"
    given = Settings(matching=MatchingSettings(rrf_k=31), storage=StorageSettings(home=tmp_path))
    assert given.matching.rrf_k == 31 and given.matching.aggregation_k == 4


def test_a_name_in_the_wrong_place_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="home"):
        Settings(home=tmp_path)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="rrf_k"):
        Settings(storage={"rrf_k": 30})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rrf_k"):
        Settings().with_(storage={"rrf_k": 30})
    with pytest.raises(TypeError, match="section"):
        Settings().with_(rrf_k={"x": 1})


def test_with_changes_a_copy_and_validates(tmp_path: Path) -> None:
    base = Settings(storage={"home": tmp_path})  # type: ignore[arg-type]
    changed = base.with_(matching={"rrf_k": 7, "fusion": "rrf"}, language={"glossary": "none"})
    assert (changed.matching.rrf_k, changed.matching.fusion) == (7, "rrf")
    assert changed.language.glossary == "none" and changed.storage is base.storage
    assert (base.matching.rrf_k, base.language.glossary) == (60, "")
    with pytest.raises(ValueError, match="rrf_k"):
        base.with_(matching={"rrf_k": 0})


def test_a_dump_builds_the_same_settings(tmp_path: Path) -> None:
    """What the Ray workers receive (a JSON dump) rebuilds the same settings."""
    s = Settings(storage={"home": tmp_path}, matching={"rrf_k": 9})  # type: ignore[arg-type]
    again = Settings.model_validate(s.model_dump(mode="json"))
    assert again == s
