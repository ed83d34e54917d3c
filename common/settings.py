"""Typed settings with defaults in code and optional YAML overrides.

Every concern declares one pydantic model whose fields carry a one-line reason as their
description. `load_settings(Model, path, overrides)` reads a YAML file (which may only override
defaults) and raises `SettingsError` naming the file and the field when something is wrong.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

T = TypeVar("T", bound=BaseModel)


class Settings(BaseModel):
    """Base for settings: unknown keys are errors, so a typo never silently keeps a default."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, protected_namespaces=())


class SettingsError(ValueError):
    """A settings file or flag that does not fit its model; the message names the field."""


def describe_errors(exc: ValidationError, where: str) -> str:
    lines = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        lines.append(f"{where}: field '{field}': {err['msg']}")
    return "\n".join(lines)


def load_settings(model: type[T], path: str | Path | None = None,
                  overrides: dict[str, Any] | None = None, section: str | None = None) -> T:
    """Defaults from `model`, then the YAML file at `path`, then explicit `overrides`."""
    data: dict[str, Any] = {}
    where = "settings"
    if path:
        where = str(path)
        try:
            loaded = yaml.safe_load(Path(path).read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise SettingsError(f"{where}: cannot read settings: {exc}") from exc
        if section:
            loaded = loaded.get(section, {}) if isinstance(loaded, dict) else loaded
        if not isinstance(loaded, dict):
            raise SettingsError(f"{where}: expected a mapping of field: value at the top level")
        data.update(loaded)
    data.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc, where)) from exc


def add_flags(parser, model: type[BaseModel]) -> None:
    """Every field of `model` as a flag (--lora-r, --quantize none, --resume/--no-resume)."""
    for name, field in model.model_fields.items():
        flag = "--" + name.replace("_", "-")
        if field.annotation is bool:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=None, help=field.description)
        else:
            parser.add_argument(flag, default=None, help=field.description)
