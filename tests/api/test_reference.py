"""Docs that cannot drift: the configuration reference is generated from the settings' own
descriptions (#35)."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.cli import main
from api.reference import configuration
from api.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]


def test_configuration_reference_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    committed = ROOT / "docs" / "CONFIGURATION.md"
    assert main(["reference", "configuration", "--check", str(committed)]) == 0, \
        "docs/CONFIGURATION.md is stale: `wellspring reference configuration > " \
        "docs/CONFIGURATION.md`"
    text = configuration()
    for name, field in ServiceSettings.model_fields.items():
        assert f"`WELLSPRING_{name.upper()}`" in text
        assert field.description, f"setting {name} has no description"


def test_a_stale_reference_is_caught(tmp_path: Path) -> None:
    stale = tmp_path / "CONFIGURATION.md"
    stale.write_text(configuration().replace("WELLSPRING_MAX_TOP", "WELLSPRING_MAX_TOPS"),
                     encoding="utf-8")
    assert main(["reference", "configuration", "--check", str(stale)]) == 1
