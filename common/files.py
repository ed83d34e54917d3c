"""Files on disk shared by every package: the cache directory, atomic writes and checksums."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    """Where converted models and indexes live; HERITAGE_GUIDE_CACHE overrides it."""
    path = Path(os.environ.get("HERITAGE_GUIDE_CACHE") or project_root() / ".cache")
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """`write` fills a temporary file beside `path`, which then replaces `path` in one step, so
    a process reading the cache (or killed while writing it) never sees half a file."""
    tmp = path.with_name(f"{path.stem}.tmp{path.suffix}")
    write(tmp)
    tmp.replace(path)


def sha256_file(path: Path) -> str:
    """The file's sha256, read in blocks: model weights are hundreds of MB."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
