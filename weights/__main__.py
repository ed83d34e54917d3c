"""python -m weights

Prepare and verify the embedded models once: the base language model converted from its GGUF,
the shipped guide merged onto it (and exported to GGUF where llama.cpp is installed), and the
sentence encoder's directory.
"""
from __future__ import annotations

import argparse
import logging
import sys

from weights.models import prepare_embedded_lm, prepare_shipped_guide, resolve_embedder
from weights.shipped import ShippedGuideError


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m weights", description=__doc__.split("\n\n")[1]).parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    print(f"base language model: {prepare_embedded_lm()} (checksum verified)")
    try:
        print(f"shipped guide: {prepare_shipped_guide()} (merged, checksum verified)")
    except ShippedGuideError as exc:
        # the server then says the same and serves what it can; set-up goes on
        print(f"shipped guide: not available ({exc})", file=sys.stderr)
    print(f"sentence encoder: {resolve_embedder('default')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
