"""Reference pages generated from the code's own descriptions, so they cannot drift.

``configuration()`` is docs/CONFIGURATION.md: every setting of the service, by section (as the
code reads it: ``settings.matching.rrf_k``), with its environment variable, default, allowed
values and the description written beside the field (``indexing/settings.py``,
``api/settings.py``). ``wellspring reference configuration`` prints
it; ``--check`` fails when the committed copy differs (a test runs that check).
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

from api.settings import ServiceSettings

HEADER = """# Configuration

Every setting is an environment variable with the prefix `WELLSPRING_`; a bad value stops
start-up with a message naming it. This page is generated from the settings' own descriptions
by `wellspring reference configuration > docs/CONFIGURATION.md` (a test fails when it is stale):
edit the description beside the field, not this page. The code reads each setting in its
section, e.g. `WELLSPRING_RRF_K` as `settings.matching.rrf_k`.
"""


def sections() -> list[tuple[str, type[BaseSettings]]]:
    """The settings sections, (name, class), in the order the core declares them, then the
    service's own."""
    out = []
    for name, field in ServiceSettings.model_fields.items():
        cls = field.annotation
        assert isinstance(cls, type) and issubclass(cls, BaseSettings), name
        out.append((name, cls))
    return out


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value: Any = field.default_factory()  # type: ignore[call-arg]
    else:
        value = field.default
    if value is None or value == "":
        return "(none)"
    if isinstance(value, Path):
        return f"`{value.as_posix()}`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, list):
        return "`[]`" if not value else f"`{value}`"
    return f"`{value}`"


def _choices(field: FieldInfo) -> str:
    annotation = field.annotation
    if typing.get_origin(annotation) is typing.Literal:
        return " (" + " \\| ".join(f"`{a}`" for a in typing.get_args(annotation)) + ")"
    return ""


def configuration() -> str:
    """docs/CONFIGURATION.md as it should read now."""
    lines = [HEADER]
    for section, cls in sections():
        title = " ".join((cls.__doc__ or cls.__name__).strip().split("\n\n")[0].split())
        lines += [f"## {cls.__name__.removesuffix('Settings')}", "",
                  f"{title} In the code: `settings.{section}`.", "",
                  "| variable | default | meaning |", "|---|---|---|"]
        for name, field in cls.model_fields.items():
            text = " ".join((field.description or "").split()).replace("|", "\\|")
            lines.append(f"| `WELLSPRING_{name.upper()}` | {_default(field)}{_choices(field)} "
                         f"| {text} |")
        lines.append("")
    return "\n".join(lines)
