"""`wellspring map`: on a freshly ingested small community (the planted one), JSON and text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from tests.matcher.planted_community import SECRET_WORD, write_planted_community

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.slow
def test_map_json_and_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("WELLSPRING_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("WELLSPRING_LANGUAGE_ROUTING", "off")  # English texts: one index
    planted = write_planted_community(tmp_path / "planted")
    assert main(["ingest", str(tmp_path / "planted")]) == 0
    assert main(["index"]) == 0
    capsys.readouterr()
    assert main(["map", "--json", "--charter", str(DATA / "charter.json")]) == 0
    km = json.loads(capsys.readouterr().out)
    assert km["visibility"] == "public"
    assert km["contributions"] == len(planted.topic_of) - len(planted.private_ids)
    assert 3 <= len(km["topics"]) <= 6
    assert not any(SECRET_WORD in term for t in km["topics"] for term in t["terms"])
    assert km["bridges"][0]["member_id"] == planted.bridge
    solo = [t for t in km["topics"] if [h["member_id"] for h in t["holders"]] == [planted.solo]]
    assert solo and "few_primary_experts" in solo[0]["thin"]
    assert {s["id"] for s in km["scope"]} >= {"nrw", "hydropower"}
    assert main(["keys", "create", "--role", "reader", "--spaces", "secret-space"]) == 0
    key = next(w for w in capsys.readouterr().out.split() if w.startswith("ws_"))
    assert main(["map", "--key", key]) == 0  # the key's spaces count, as over HTTP
    text = capsys.readouterr().out
    assert "public + secret-space" in text and "Thin spots:" in text and "Bridges:" in text
    assert main(["map", "--from-year", "2024", "--to-year", "2020"]) == 2
    assert "to_year" in capsys.readouterr().err
    assert main(["map", "--key", "ws_000000000000_" + "x" * 43]) == 2  # never a silent downgrade
    assert "--key" in capsys.readouterr().err
