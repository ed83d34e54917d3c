"""python -m answering fit

Fits the answer pipeline's learned parts ahead of serving (the guard and the answerability
classifier, on the default settings and retrieval encoder, which the server uses unless its
configuration overrides them) where their examples or settings
changed, keeps them in the cache beside the retrieval index, and writes the manifest that names
what each learnt from (`answering.fitted`). Set-up runs it, so a server reads them and never
fits them at its first start.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from answering.answerable import for_retriever as answerable_for
from answering.fitted import MANIFEST, Fitted, manifest, read_manifest
from answering.guard import GuardSettings
from answering.guard import for_retriever as guard_for
from common.files import cache_dir, write_atomically
from knowledge.retrieval import Retriever


def fitted_parts(retriever: Retriever) -> list[Fitted]:
    """The guard and the answerability classifier on the served settings, read from the cache or
    fitted (and kept) now."""
    return [guard_for(retriever, GuardSettings()).fitted, answerable_for(retriever).fitted]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m answering", description=__doc__.split("\n\n")[1])
    parser.add_argument("command", choices=["fit"])
    parser.add_argument("--manifest", type=Path, default=None, help=f"where to write it (default: the cache's {MANIFEST})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    path = args.manifest or cache_dir() / MANIFEST
    retriever = Retriever()
    parts = fitted_parts(retriever)
    written = manifest(parts, retriever.settings.embedder, retriever.catalogue.content_hash,
                       time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    previous = read_manifest(path)
    if previous is not None and previous["parts"] == written["parts"]:
        written["fitted"] = previous["fitted"]  # nothing changed: the manifest keeps its date
    write_atomically(path, lambda tmp: tmp.write_text(json.dumps(written, indent=1) + "\n"))
    for part in parts:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(part.kinds.items()))
        print(f"{part.name}: {'fitted now' if part.now else 'up to date'}, key {part.key}, "
              f"{part.examples} examples ({kinds})")
    print(f"manifest: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
