"""What the answer pipeline's learned parts (the guard, the answerability classifier) were fitted
on, and the manifest that `python -m answering fit` writes beside them: for each, the key of its
examples and settings, how many examples of each kind it learnt from, and its file's checksum.
A server fits a part at start only where its kept weights are missing, and warns wherever its
parts are not the ones the manifest names. Pure, but for reading a manifest and checksumming the
files it names."""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "classifiers.json"


@dataclass(frozen=True)
class Fitted:
    name: str  # "guard" or "answerable"
    key: str  # the hash of what it learnt from and how: a new example gives a new key
    path: Path | None  # where its weights are kept (None: not kept)
    examples: int
    kinds: dict[str, int]  # examples per label
    now: bool  # fitted by this process, not read from `path`

    @classmethod
    def of(cls, name: str, key: str, path: Path | None, labels: list[str]) -> "Fitted":
        """A part about to be read from `path`, or fitted where nothing is kept there."""
        return cls(name, key, path, len(labels), dict(Counter(labels)), path is None or not path.is_file())


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(path: Path) -> dict | None:
    """The manifest at `path`, None where there is none; ValueError where it is no manifest."""
    if not path.is_file():
        return None
    recorded = json.loads(path.read_text())
    if not isinstance(recorded, dict) or not all(isinstance(e, dict) and {"key", "file", "sha256"} <= e.keys()
                                                 for e in recorded.get("parts", {}).values()):
        raise ValueError(f"{path} is not a manifest of fitted parts")
    return recorded


def manifest(parts: list[Fitted], encoder: str, catalogue: str, when: str) -> dict:
    """The manifest of fitted parts, each with the checksum of its kept file."""
    return {"encoder": encoder, "catalogue": catalogue, "fitted": when,
            "parts": {p.name: {"key": p.key, "file": p.path.name if p.path else None,
                               "sha256": checksum(p.path) if p.path and p.path.is_file() else None,
                               "examples": p.examples, "kinds": dict(sorted(p.kinds.items()))} for p in parts}}


def stale(recorded: dict | None, parts: list[Fitted]) -> list[str]:
    """Why a manifest does not describe the parts as they are now: a part missing from it, fitted
    on other examples or settings, or whose file is gone or changed. Empty when it does."""
    if recorded is None:
        return ["no manifest: run `python -m answering fit`"]
    problems = []
    for part in parts:
        entry = recorded.get("parts", {}).get(part.name)
        if entry is None:
            problems.append(f"{part.name}: not in the manifest")
        elif entry["key"] != part.key:
            problems.append(f"{part.name}: fitted on other examples or settings ({entry['key']}, now {part.key})")
        elif part.path is None or entry["file"] != part.path.name:
            problems.append(f"{part.name}: fitted for another encoder or place ({entry['file']})")
        elif not part.path.is_file():
            problems.append(f"{part.name}: its file is missing")
        elif checksum(part.path) != entry["sha256"]:
            problems.append(f"{part.name}: {part.path.name} changed since it was fitted")
    return problems
