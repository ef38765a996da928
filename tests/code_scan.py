"""Where the source gives an error its code: each call of a named constructor, with the code and
the params as written (tests/api/test_error_codes.py, tests/indexing/imports/test_import_codes.py
check them against the lists the page's catalogues say)."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def coded_calls(callees: Mapping[str, int], packages: tuple[str, ...]
                ) -> Iterator[tuple[Path, int, ast.expr | None, ast.expr | None]]:
    """(file, line, code, params) of each call of a ``callees`` name in the packages' source;
    the number is the position of its code argument (``code=`` also), params follow it."""
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in callees):
                    continue
                at = callees[node.func.id]
                args: dict[int | str | None, ast.expr] = dict(enumerate(node.args))
                args |= {k.arg: k.value for k in node.keywords}
                yield (path, node.lineno, args.get(at, args.get("code")),
                       args.get(at + 1, args.get("params")))


def literal(node: ast.expr | None) -> object:
    """A constant's value; anything else as the node itself (never a code)."""
    return node.value if isinstance(node, ast.Constant) else node
