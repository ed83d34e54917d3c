"""One fine-tuning run from settings to a trained guide directory (called by train_guide.py)."""
from __future__ import annotations

import json
import logging
import resource
import shutil
import subprocess
import time
from pathlib import Path
from typing import Sequence

import torch

from common.files import project_root, sha256_file
from training.card import model_card
from training.config import TrainSettings
from training.data import (
    Collator,
    encode_pair,
    encode_text,
    ensure_dataset,
    load_pairs,
    sample,
    split,
)
from training.evaluate import RETRIEVER, EvalOptions, evaluate_models, markdown_table
from training.safety import markdown as safety_table
from weights.models import ResolvedModel, resolve_lm

log = logging.getLogger("training")


class RunError(RuntimeError):
    """A run that cannot start or finish; the message says what to change."""


def prepare_out(s: TrainSettings) -> Path:
    """Refuse to clobber a directory unless asked; --resume needs its checkpoints."""
    out = Path(s.out)
    checkpoints = out / "checkpoints"
    if s.resume:
        if not any(checkpoints.glob("checkpoint-*")):
            raise RunError(f"--resume: no checkpoint under {checkpoints}; start without --resume")
        return out
    if out.exists() and any(out.iterdir()):
        if not s.overwrite:
            raise RunError(f"{out} exists and is not empty: pass --overwrite to replace it, "
                           "--resume to continue its run, or choose another --out")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    return out


def examples_for(s: TrainSettings, tokenizer, data_dir: Path) -> tuple[list, list]:
    """(train, validation) examples: chat pairs, plus the corpus when asked."""
    pairs = sample(load_pairs(data_dir / "train.jsonl"), s.max_examples, s.seed)
    encoded = [encode_pair(tokenizer, row["messages"], s.max_length) for row in pairs]
    train, val = split(encoded, s.val_fraction, s.seed)
    if s.corpus:
        text = (data_dir / "corpus.txt").read_text(encoding="utf-8").split("\n\n")
        train += encode_text(tokenizer, text, s.max_length, s.packing)
    return train, val


def load_tokenizer(path: Path):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def code_version() -> str:
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=project_root(),
                              capture_output=True, text=True, timeout=5).stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def weights_sha256(path: Path) -> str | None:
    """The base's weights checksum, so that an adapter is never merged onto another base."""
    weights = path / "model.safetensors"
    return sha256_file(weights) if weights.is_file() else None


def peak_memory() -> dict:
    out = {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if torch.cuda.is_available():
        out["peak_gpu_mb"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return out


def train_adapter(s: TrainSettings, resolved: ResolvedModel, tokenizer, train, val, out: Path,
                  callbacks: Sequence = ()) -> dict:
    """Train the LoRA adapter and save it to out/adapter; returns the training figures."""
    from transformers import set_seed

    from training import lora
    from training.trainer import OOM_HINT, GuideTrainer, arguments, is_oom

    if s.threads:
        torch.set_num_threads(s.threads)
    set_seed(s.seed)  # the adapter's initialisation too, so that two runs of one seed agree
    model = lora.add_lora(lora.load_base(resolved.path, s.quantize, s.gradient_checkpointing),
                          s.lora_r, s.lora_alpha, s.lora_dropout, s.lora_targets)
    trainable, total = lora.trainable_parameters(model)
    log.info("LoRA: %d trainable of %d parameters; %d training and %d validation examples",
             trainable, total, len(train), len(val))
    trainer = GuideTrainer(model=model, args=arguments(s, out / "checkpoints", bool(val)),
                           train_dataset=train, eval_dataset=val or None,
                           data_collator=Collator(tokenizer.pad_token_id), callbacks=list(callbacks))
    try:
        result = trainer.train(resume_from_checkpoint=True if s.resume else None)
    except (RuntimeError, MemoryError) as exc:
        if is_oom(exc):
            raise RunError(OOM_HINT) from exc
        raise
    metrics = trainer.evaluate() if val else {}
    trainer.model.save_pretrained(out / "adapter")
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    return {"train_loss": round(result.training_loss, 4), "first_logged_loss": losses[0] if losses else None,
            "last_logged_loss": losses[-1] if losses else None, "eval_loss": metrics.get("eval_loss"),
            "steps": trainer.state.global_step, "tokens_seen": int(trainer.state.num_input_tokens_seen),
            "tokens_per_s": round(trainer.tokens_per_second(), 1),
            "trainable_parameters": trainable, "total_parameters": total}


def write_model(resolved: ResolvedModel, tokenizer, out: Path) -> None:
    """Merged full-precision weights, tokenizer and chat template, beside the adapter."""
    from training.lora import merged

    model = merged(resolved.path, out / "adapter")
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)


def run(s: TrainSettings, callbacks: Sequence = ()) -> dict:
    """Train, merge, evaluate and describe; the manifest is written last, so a directory with
    one is always complete."""
    started = time.time()
    resolved = resolve_lm(s.model)
    out = prepare_out(s)
    data_dir = ensure_dataset(s.data, out)
    tokenizer = load_tokenizer(resolved.path)
    train, val = examples_for(s, tokenizer, data_dir)
    figures = train_adapter(s, resolved, tokenizer, train, val, out, callbacks)
    write_model(resolved, tokenizer, out)
    manifest = {
        "kind": "heritage-guide", "base_model": {"ref": resolved.ref, "label": resolved.label,
                                                 "source": resolved.source, "sha256": weights_sha256(resolved.path)},
        "data": json.loads((data_dir / "manifest.json").read_text()) if (data_dir / "manifest.json").exists() else {},
        "settings": s.model_dump(mode="json"), "training": figures, "memory": peak_memory(),
        "train_seconds": round(time.time() - started, 1), "code_version": code_version(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "languages": ["en"],  # the catalogue's training pairs are English; other languages are served from its translations
    }
    if s.evaluate:
        base = resolved.ref if resolved.source != "embedded" else "base"
        options = EvalOptions(limit=s.eval_limit, red_team_limit=s.eval_red_team,
                              max_tokens=s.eval_max_tokens, eval_file=data_dir / "eval.jsonl",
                              batch=s.eval_batch, checks=s.eval_checks)
        results = evaluate_models([RETRIEVER, base, str(out)], out / "eval", options)
        manifest["evaluation"] = {"table": markdown_table(results), "safety_table": safety_table(results),
                                  "summary": {r["model"]: r["summary"] for r in results}}
    manifest["duration_seconds"] = round(time.time() - started, 1)
    (out / "README.md").write_text(model_card(manifest))
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest
