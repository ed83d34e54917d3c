"""Load and validate the exhibit catalogue (one YAML file per exhibit in knowledge/exhibits)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from knowledge.schema import Exhibit

EXHIBITS_DIR = Path(__file__).parent / "exhibits"


class CatalogueError(ValueError):
    """The catalogue does not validate; the message names each file, field and expectation."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Catalogue:
    exhibits: tuple[Exhibit, ...]
    content_hash: str  # changes whenever any exhibit's content changes
    # changes whenever the English records change: what the guide is trained on and prompted with
    # (translations are served word for word and never reach the model)
    source_hash: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {e.id: e for e in self.exhibits})

    def __len__(self) -> int:
        return len(self.exhibits)

    def __iter__(self):
        return iter(self.exhibits)

    def __contains__(self, exhibit_id: object) -> bool:
        return exhibit_id in self._by_id

    def get(self, exhibit_id: str) -> Exhibit:
        try:
            return self._by_id[exhibit_id]
        except KeyError:
            raise KeyError(f"unknown exhibit id {exhibit_id!r}") from None

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.exhibits]

    @property
    def version(self) -> str:
        return self.content_hash[:12]


def _load_file(path: Path) -> tuple[Exhibit | None, list[str]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        return None, [f"{path.name}: not valid YAML: {exc}"]
    if not isinstance(data, dict):
        return None, [f"{path.name}: expected a mapping of exhibit fields at the top level"]
    try:
        exhibit = Exhibit.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            if not field:  # a check across fields names its own: "translations.el.facts.3: is empty"
                for item in err["msg"].removeprefix("Value error, ").split("; "):
                    inner, _, text = item.partition(": ")
                    problems.append(f"{path.name}: field '{inner}': {text}")
                continue
            problems.append(f"{path.name}: field '{field}': {err['msg']}")
        return None, problems
    if exhibit.id != path.stem:
        return exhibit, [f"{path.name}: field 'id': expected {path.stem!r} to match the file name"]
    return exhibit, []


def load_catalogue(directory: Path | str = EXHIBITS_DIR) -> Catalogue:
    """Every exhibit, validated; raises CatalogueError listing all problems at once."""
    directory = Path(directory)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise CatalogueError([f"{directory}: no exhibit files (*.yaml) found"])
    exhibits, problems, seen = [], [], {}
    for path in files:
        exhibit, errs = _load_file(path)
        problems += errs
        if exhibit is None:
            continue
        if exhibit.id in seen:
            problems.append(f"{path.name}: field 'id': duplicate id {exhibit.id!r}, "
                            f"already used by {seen[exhibit.id]}")
        seen[exhibit.id] = path.name
        exhibits.append(exhibit)
    for exhibit in exhibits:
        for rel in exhibit.related:
            if rel not in seen:
                problems.append(f"{exhibit.id}.yaml: field 'related': no exhibit with id {rel!r}")
    if problems:
        raise CatalogueError(problems)
    return Catalogue(tuple(exhibits), _content_hash(exhibits), _content_hash(exhibits, exclude={"translations"}))


def _content_hash(exhibits: list[Exhibit], exclude: set[str] | None = None) -> str:
    payload = json.dumps([e.model_dump(exclude=exclude) for e in exhibits], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


@lru_cache(maxsize=4)
def default_catalogue() -> Catalogue:
    return load_catalogue(EXHIBITS_DIR)
