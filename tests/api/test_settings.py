"""The service's settings (#35): the core's sections plus sign-in and HTTP, every field read
from its old environment variable into its section."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import ServiceSettings
from indexing.settings import Settings
from tests.settings_support import check_every_env_name


def test_every_service_env_name_lands_in_its_section(monkeypatch: pytest.MonkeyPatch) -> None:
    check_every_env_name(ServiceSettings, monkeypatch)


def test_of_keeps_the_core_sections_and_reads_the_service_ones(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    core = Settings(storage={"home": tmp_path}, matching={"rrf_k": 9})  # type: ignore[arg-type]
    monkeypatch.setenv("WELLSPRING_MAX_BODY_BYTES", "12345")
    monkeypatch.setenv("WELLSPRING_RRF_K", "11")
    service = ServiceSettings.of(core)
    assert service.matching is core.matching and service.storage is core.storage
    assert service.http.max_body_bytes == 12345 and service.matching.rrf_k == 9
    assert ServiceSettings.of(service) is service


def test_a_cross_field_check_of_a_section_still_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WELLSPRING_OIDC_ISSUER", "https://id.example.org")
    with pytest.raises(ValueError, match="oidc_client_id"):
        ServiceSettings()
