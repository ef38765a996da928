"""Docs that cannot drift and a tree that stays one-way (#35): the configuration reference is
generated from the settings' own descriptions, docs/ARCHITECTURE.md names every module of the
three packages and none that is gone, and no module imports one that imports it back."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from api.cli import main
from api.reference import configuration, sections

ROOT = Path(__file__).resolve().parents[2]


def test_configuration_reference_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    committed = ROOT / "docs" / "CONFIGURATION.md"
    assert main(["reference", "configuration", "--check", str(committed)]) == 0, \
        "docs/CONFIGURATION.md is stale: `wellspring reference configuration > " \
        "docs/CONFIGURATION.md`"
    text = configuration()
    for section, cls in sections():
        assert f"`settings.{section}`" in text
        for name, field in cls.model_fields.items():
            assert f"`WELLSPRING_{name.upper()}`" in text
            assert field.description, f"setting {section}.{name} has no description"


def test_a_stale_reference_is_caught(tmp_path: Path) -> None:
    stale = tmp_path / "CONFIGURATION.md"
    stale.write_text(configuration().replace("WELLSPRING_MAX_TOP", "WELLSPRING_MAX_TOPS"),
                     encoding="utf-8")
    assert main(["reference", "configuration", "--check", str(stale)]) == 1


def _modules() -> set[str]:
    return {p.relative_to(ROOT).as_posix()
            for package in ("api", "matcher", "indexing")
            for p in (ROOT / package).rglob("*.py") if p.name != "__init__.py"}


def test_architecture_names_every_module_and_none_that_is_gone() -> None:
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    modules = _modules()
    missing = sorted(m for m in modules if Path(m).name not in text)
    assert not missing, f"docs/ARCHITECTURE.md does not name: {missing}"
    named = set(re.findall(r"\b([a-z_][a-z0-9_]*\.py)\b", text))
    known = {Path(m).name for m in modules} | {p.name for p in (ROOT / "tests").rglob("*.py")}
    gone = sorted(n for n in named if n not in known)
    assert not gone, f"docs/ARCHITECTURE.md names modules that do not exist: {gone}"


def test_no_module_imports_one_that_imports_it_back() -> None:
    """Every import counts, lazy and type-checking ones too: a cycle is a cycle."""
    modules = {".".join(Path(m).with_suffix("").parts) for m in _modules()}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module in modules:
        tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            graph[module] |= {n for n in names if n in modules and n != module}
    cycles = sorted((a, b) for a in graph for b in graph[a] if a < b and a in _reach(graph, b))
    assert not cycles, f"modules importing each other (directly or around): {cycles}"


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in graph[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen
