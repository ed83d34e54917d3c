"""The guide shipped with the project: a LoRA adapter (models/guide/) merged onto the embedded
base once, into a cached guide directory that every engine loads like any trained guide.

Merging is plain arithmetic on the weights (W + B A * alpha / r for every adapted projection),
so set-up needs neither peft nor a training run. The cached copy is stamped with the checksums
of the adapter and the base it was merged from, and made again when either changes. Where
llama.cpp is installed, the merged weights are also written as a GGUF file beside them.
"""
from __future__ import annotations

import json
import logging
import shutil
from importlib.util import find_spec
from pathlib import Path

from common.files import sha256_file
from weights.gguf_export import export_gguf, record_exports

log = logging.getLogger(__name__)
ADAPTER = "adapter_model.safetensors"
GGUF_KIND = "q8_0"  # the type the server prefers: fastest on a CPU with answers intact
GGUF_FILE = f"gguf/guide-{GGUF_KIND}.gguf"


class ShippedGuideError(RuntimeError):
    """The shipped adapter cannot be merged; the message says why and what to do."""


def merge_lora(weights: dict, adapter: dict, config: dict) -> dict:
    """Base weights with every LoRA pair of `adapter` added in (peft's key names)."""
    scale = config["lora_alpha"] / config["r"]
    merged = dict(weights)
    for key, a in adapter.items():
        if not key.endswith(".lora_A.weight"):
            continue
        module = key[: -len(".lora_A.weight")].removeprefix("base_model.model.")
        target = f"{module}.weight"
        if target not in merged:
            raise ShippedGuideError(f"the adapter changes {target}, which the base model does not have")
        b = adapter[key.replace(".lora_A.", ".lora_B.")]
        w = merged[target]
        merged[target] = (w.float() + (b.float() @ a.float()) * scale).to(w.dtype)
    return merged


def merge_into(base: Path, shipped: Path, target: Path, base_sha: str) -> None:
    """Write base + adapter as a guide directory at `target` (weights, tokenizer, manifest)."""
    from safetensors.torch import load_file, save_file

    manifest = json.loads((shipped / "manifest.json").read_text())
    expected = manifest.get("base_model", {}).get("sha256")
    if expected and base_sha != expected:
        raise ShippedGuideError(f"the shipped adapter was trained on another base (sha256 {expected[:16]}); "
                                "retrain it with `python -m training --config training/configs/shipped.yaml`")
    config = json.loads((shipped / "adapter_config.json").read_text())
    weights = merge_lora(load_file(base / "model.safetensors"), load_file(shipped / ADAPTER), config)
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(base, tmp, ignore=shutil.ignore_patterns("*.safetensors", "checksum.json"))
    save_file(weights, tmp / "model.safetensors", metadata={"format": "pt"})
    manifest["exports"] = []
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)


def add_gguf(target: Path, reference: Path) -> None:
    """The merged guide as a GGUF file, recorded in its manifest, for the llama.cpp engine."""
    record_exports(target, [export_gguf(target, target / GGUF_FILE, GGUF_KIND, reference, progress=False)])


def prepare(base: Path, shipped: Path, target: Path, reference: Path, base_sha: str | None = None) -> Path:
    """The merged guide at `target`, made once and verified on reuse; its GGUF where llama.cpp is
    installed. A changed adapter or base, or damaged weights, merge it again. `base_sha`: the
    base's weights checksum where the caller has just verified it, so it is not computed twice."""
    if not (shipped / ADAPTER).is_file():
        raise ShippedGuideError(f"no shipped adapter at {shipped / ADAPTER}; serve the bare model with "
                                "--model base, or train one with `python -m training --config training/configs/shipped.yaml`")
    wanted = {"adapter": sha256_file(shipped / ADAPTER), "manifest": sha256_file(shipped / "manifest.json"),
              "base": base_sha or sha256_file(base / "model.safetensors")}
    stamp = target / "checksum.json"
    recorded = json.loads(stamp.read_text()) if stamp.is_file() else {}
    weights = target / "model.safetensors"
    if {k: recorded.get(k) for k in wanted} != wanted or not weights.is_file() or sha256_file(weights) != recorded.get("sha256"):
        log.info("merging the shipped guide's adapter onto %s (once)", base.name)
        merge_into(base, shipped, target, wanted["base"])
        stamp.write_text(json.dumps({**wanted, "sha256": sha256_file(weights)}))
    if find_spec("llama_cpp") is not None and not (target / GGUF_FILE).is_file():
        log.info("writing the shipped guide as %s for llama.cpp (once)", GGUF_FILE)
        add_gguf(target, reference)
    return target
