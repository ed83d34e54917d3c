"""python -m training.ship --model artifacts/guide-shipped [--recipe training/configs/shipped.yaml] [--table var/eval-ship/table.md]

Ships a trained guide: its LoRA adapter (in half precision: a few MB), manifest and model card
go to models/guide/, which set-up merges onto the embedded base and the server serves by
default (`--model default`). The manifest keeps what the adapter was made from (base checksum,
catalogue hash, prompt layout, settings, duration, evaluation), so that a test fails when the
catalogue or the prompt layout moves on without it; `--table` adds a side-by-side evaluation
(written by `python -m training.evaluate --out DIR`) to the card.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from common.files import sha256_file
from common.settings import load_settings
from training.card import model_card
from training.config import TrainSettings
from weights.models import SHIPPED_DIR, SHIPPED_NAME
from weights.shipped import ADAPTER


def ship(model: Path, recipe: Path, table: str | None, target: Path = SHIPPED_DIR) -> dict:
    from safetensors.torch import load_file, save_file

    manifest = json.loads((model / "manifest.json").read_text())
    adapter = model / "adapter"
    target.mkdir(parents=True, exist_ok=True)
    weights = {k: v.half().contiguous() for k, v in load_file(adapter / ADAPTER).items()}
    save_file(weights, target / ADAPTER, metadata={"format": "pt"})
    shutil.copy(adapter / "adapter_config.json", target / "adapter_config.json")
    manifest.pop("exports", None)
    manifest.pop("gguf_parity", None)
    manifest.setdefault("languages", ["en"])  # trained on the catalogue's English pairs
    # where the recipe writes its guide, which a run may have moved with --out
    manifest.update(recipe_out=str(load_settings(TrainSettings, recipe).out))
    manifest.update(name=SHIPPED_NAME, recipe=str(recipe), adapter_sha256=sha256_file(target / ADAPTER),
                    shipped=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    if table:
        manifest["comparison"] = table
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    (target / "README.md").write_text(model_card(manifest))
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.ship", description=__doc__.split("\n\n")[1])
    parser.add_argument("--model", type=Path, required=True, help="a trained guide directory (python -m training --out)")
    parser.add_argument("--recipe", type=Path, default=Path("training/configs/shipped.yaml"), help="the config that trained it, named in the manifest")
    parser.add_argument("--table", type=Path, help="table.md from `python -m training.evaluate --out DIR`, for the card")
    args = parser.parse_args(argv)
    for needed in (args.model / "manifest.json", args.model / "adapter" / ADAPTER):
        if not needed.is_file():
            print(f"error: {needed} is missing: is {args.model} a finished training run?", file=sys.stderr)
            return 2
    manifest = ship(args.model, args.recipe, args.table.read_text() if args.table else None)
    print(f"shipped {args.model} to {SHIPPED_DIR} (adapter {manifest['adapter_sha256'][:16]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
