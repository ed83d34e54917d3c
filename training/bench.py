"""python -m training.bench [--model base] [--steps 6] [--modes nf4,int8,none]

Training throughput and peak memory of the real fine-tuning pipeline for each quantisation, in
one run: each mode trains `--steps` optimiser steps in its own process (so that peak memory is
its own) on the same data, and the table gives tokens/s, the ratio to full precision and peak
memory (RSS on the CPU, allocated memory on a GPU).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def one(mode: str, model: str, steps: int, data: Path, out: Path) -> dict:
    cmd = [sys.executable, "-m", "training", "--config", "", "--model", model, "--quantize", mode,
           "--data", str(data), "--out", str(out), "--max-steps", str(steps), "--grad-accum", "4",
           "--no-evaluate", "--val-fraction", "0", "--save-steps", "1000", "--overwrite"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    manifest = json.loads((out / "manifest.json").read_text())
    t, mem = manifest["training"], manifest["memory"]
    return {"mode": mode, "tokens_per_s": t["tokens_per_s"], "tokens": t["tokens_seen"],
            "peak_rss_mb": mem["peak_rss_mb"], "peak_gpu_mb": mem.get("peak_gpu_mb")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.bench", description=__doc__.split("\n\n")[1])
    parser.add_argument("--model", default="base")
    parser.add_argument("--steps", type=int, default=6, help="optimiser steps per mode (4 sequences each)")
    parser.add_argument("--modes", default="nf4,int8,none")
    args = parser.parse_args(argv)
    from knowledge.dataset import build_dataset
    from knowledge.retrieval import Retriever

    with tempfile.TemporaryDirectory() as tmp:
        retriever = Retriever()
        data = Path(tmp) / "data"
        build_dataset(retriever, data)
        rows = [one(m.strip(), args.model, args.steps, data, Path(tmp) / m.strip()) for m in args.modes.split(",")]
    base = next((r["tokens_per_s"] for r in rows if r["mode"] == "none"), None)
    print(f"training throughput, {args.model}, {args.steps} steps x 4 sequences per mode")
    print("| quantize | tokens/s | vs none | peak RSS MB | peak GPU MB |")
    print("|---|---|---|---|---|")
    for r in rows:
        ratio = f"{r['tokens_per_s'] / base:.2f}" if base else "-"
        print(f"| {r['mode']} | {r['tokens_per_s']:.1f} | {ratio} | {r['peak_rss_mb']:.0f} | {r['peak_gpu_mb'] or '-'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
