"""Checks that every settings field is read from its old environment variable into its
section (#35), shared by the core's settings test and the service's."""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import annotated_types
import pytest
from pydantic import BaseModel, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

# fields whose values are checked beyond their type: a valid value other than the default
SPECIAL: dict[str, tuple[str, Any]] = {
    "database_url": ("sqlite:////tmp/elsewhere.db", "sqlite:////tmp/elsewhere.db"),
    "oidc_issuer": ("https://id.example.org", "https://id.example.org"),
    "oidc_redirect_url": ("https://experts.example.org/signin/callback",
                          "https://experts.example.org/signin/callback"),
    "public_url": ("https://experts.example.org", "https://experts.example.org"),
    "oidc_scopes": ("openid email", "openid email"),
    "trusted_proxies": ('["127.0.0.1"]', ["127.0.0.1"]),
}


def _bounds(field: FieldInfo) -> tuple[float, float]:
    low, high = float("-inf"), float("inf")
    for m in field.metadata:
        if isinstance(m, annotated_types.Ge | annotated_types.Gt):
            low = float(m.ge if isinstance(m, annotated_types.Ge) else m.gt)  # type: ignore[arg-type]
        if isinstance(m, annotated_types.Le | annotated_types.Lt):
            high = float(m.le if isinstance(m, annotated_types.Le) else m.lt)  # type: ignore[arg-type]
    return low, high


def env_value(name: str, field: FieldInfo) -> tuple[str, Any]:
    """An environment string for this field, other than its default, and the value it means."""
    if name in SPECIAL:
        return SPECIAL[name]
    annotation, default = field.annotation, field.default
    if typing.get_origin(annotation) is typing.Literal:
        choice = next(a for a in typing.get_args(annotation) if a != default)
        return str(choice), choice
    if annotation is bool:
        return str(not default).lower(), not default
    if annotation in (int, float):
        low, high = _bounds(field)
        step = 1 if annotation is int else 0.5
        value = default + step if default + step < high else default - step
        assert low < value < high or low <= value <= high, name
        return str(value), value
    if annotation is str:
        return f"some-{name}", f"some-{name}"
    if annotation in (Path, Path | None):
        return "/tmp/elsewhere", Path("/tmp/elsewhere")
    if annotation == list[str]:
        return '["a", "b"]', ["a", "b"]
    if annotation == SecretStr | None:
        return "s3cret", "s3cret"
    raise AssertionError(f"no test value for {name}: {annotation}")


def section_fields(model: type[BaseModel]) -> list[tuple[str, str, FieldInfo]]:
    """(section, field, info) for every field of every section."""
    out = []
    for section, info in model.model_fields.items():
        cls = info.annotation
        assert isinstance(cls, type) and issubclass(cls, BaseSettings), section
        out += [(section, name, field) for name, field in cls.model_fields.items()]
    return out


def check_every_env_name(model: type[BaseModel], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every field set by its old environment variable lands in its section; none lands in
    another section (each name belongs to one section only)."""
    fields = section_fields(model)
    names = [name for _, name, _ in fields]
    assert len(names) == len(set(names)), "a field name in two sections"
    assert not set(names) & set(model.model_fields), "a field named like a section"
    expected = {}
    for section, name, field in fields:
        text, value = env_value(name, field)
        monkeypatch.setenv(f"WELLSPRING_{name.upper()}", text)
        expected[section, name] = value
    settings = model()
    for (section, name), value in expected.items():
        got = getattr(getattr(settings, section), name)
        if isinstance(got, SecretStr):
            got = got.get_secret_value()
        assert got == value, f"WELLSPRING_{name.upper()} -> settings.{section}.{name}: {got!r}"
        assert got != model.model_fields[section].annotation.model_fields[name].default  # type: ignore[union-attr]
