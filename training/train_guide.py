"""python training/train_guide.py [--config training/configs/train.yaml] [--model base] [--quantize nf4|int8|none] [--out DIR]

Fine-tunes a small causal LM into the museum guide with QLoRA, offline: the knowledge dataset in
the model's own chat template (loss on the answers only), the transformers Trainer (cosine
schedule, gradient accumulation, checkpoints, --resume; runs unchanged under `accelerate launch`),
then merges the adapter into a full-precision copy of the base and writes a trained guide
directory: merged weights, adapter/, tokenizer and chat template, manifest.json, README.md, and
the before/after evaluation under eval/. Same as `python -m training`.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common.settings import SettingsError, add_flags, load_settings  # noqa: E402
from training.config import TrainSettings  # noqa: E402
from training.data import DatasetError  # noqa: E402
from training.run import RunError, run  # noqa: E402
from common.hub import ModelNotAvailable  # noqa: E402

log = logging.getLogger("training")
DEFAULT_CONFIG = Path(__file__).parent / "configs" / "train.yaml"


def parse_args(argv: list[str] | None) -> TrainSettings:
    """Every settings field is a flag (--lora-r, --quantize none, --overwrite/--no-overwrite)."""
    parser = argparse.ArgumentParser(prog="python training/train_guide.py", description=__doc__.split("\n\n")[1])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="YAML overrides of the defaults ('' for none)")
    add_flags(parser, TrainSettings)
    args = vars(parser.parse_args(argv))
    config = args.pop("config")
    use = config is not None and str(config) not in ("", ".")  # --config "" means defaults only
    if use and not Path(config).is_file():
        raise SettingsError(f"--config {config}: no such file")
    return load_settings(TrainSettings, config if use else None, args)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = parse_args(argv)
        manifest = run(settings)
    except (SettingsError, ModelNotAvailable, DatasetError, RunError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"trained guide written to {settings.out}")
    if manifest.get("evaluation"):
        print(manifest["evaluation"]["table"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
