"""Data files with a schema: the word tables, labelled examples and phrases that code reads, kept
in YAML beside it. `load_table(schema, path)` validates a file against a pydantic model (or any
type pydantic reads, such as a list of rows) and raises `TableError` naming the file and the
field when something is wrong, so that a typo in a table fails at load, not in a visitor's answer.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from common.settings import describe_errors

# libyaml's loader where it is built: the tables are read at every start of the guide
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TableError(ValueError):
    """A data file that does not fit its schema; the message names the file and the field."""


def load_table(schema: Any, path: Path) -> Any:
    """The file at `path`, validated as `schema` (a pydantic model or a type such as list[Row])."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise TableError(f"{path.name}: cannot read the table: {exc}") from exc
    try:
        return TypeAdapter(schema).validate_python(data)
    except ValidationError as exc:
        raise TableError(describe_errors(exc, path.name)) from exc
