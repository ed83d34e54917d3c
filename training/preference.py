"""A preference round's training: DPO through TRL, with QLoRA, on top of the parent adapter.

The parent adapter (the shipped guide) is loaded trainable onto the base, quantised as it was
trained; TRL keeps a frozen copy of it as the reference, so the candidate moves away from the
parent only as far as the pairs ask (`beta`). The first fine-tune keeps its own trainer
(`training.trainer`), whose loss on the answer's tail alone saves work; a preference round needs
both completions' log-probabilities under the policy and the reference, which is what
`DPOTrainer` computes. Checkpoints let `--resume` continue an interrupted round.

The result is a candidate guide like the shipped one: `adapter/` (adapter, config, manifest) and
`guide/` (the adapter merged onto the base, with its GGUF file where llama.cpp is installed),
which every engine, the evaluation and `training.ship` read.
"""
from __future__ import annotations

import logging
import time
from importlib.util import find_spec
from pathlib import Path

import torch
from datasets import Dataset
from peft import PeftModel
from transformers import AutoTokenizer
from transformers.trainer_utils import get_last_checkpoint
from trl import DPOConfig, DPOTrainer

from common.files import sha256_file
from training.config import ImproveSettings
from training.lora import load_base
from weights.models import BASE_REFS, embedded_gguf_path, resolve_lm
from weights.shipped import ADAPTER, add_gguf, merge_into

log = logging.getLogger(__name__)
FIELDS = ("prompt", "chosen", "rejected")  # what DPO reads of a row; the rest documents it


def dpo_arguments(s: ImproveSettings, checkpoints: Path, has_validation: bool) -> DPOConfig:
    gpu = torch.cuda.is_available()
    return DPOConfig(
        output_dir=str(checkpoints), beta=s.beta, learning_rate=s.learning_rate, num_train_epochs=s.epochs,
        max_steps=s.max_steps, per_device_train_batch_size=s.batch_size, per_device_eval_batch_size=s.batch_size,
        gradient_accumulation_steps=s.grad_accum, max_length=s.max_length, lr_scheduler_type="cosine",
        warmup_steps=0.1, seed=s.seed, data_seed=s.seed, logging_steps=s.logging_steps, save_strategy="steps",
        save_steps=s.save_steps, save_total_limit=2, eval_strategy="epoch" if has_validation else "no",
        report_to="none", use_cpu=not gpu, bf16=False, fp16=False, dataloader_num_workers=0,
        disable_tqdm=False, gradient_checkpointing=False,
    )


def rows_of(pairs: list[dict]) -> Dataset:
    return Dataset.from_list([{k: p[k] for k in FIELDS} for p in pairs])


def train_candidate(s: ImproveSettings, train: list[dict], validation: list[dict], out: Path) -> dict:
    """Train the candidate adapter into `out/adapter/`; the trainer's figures."""
    base = resolve_lm(s.base).path
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = PeftModel.from_pretrained(load_base(base, s.quantize, False), str(s.parent), is_trainable=True)
    checkpoints = out / "checkpoints"
    trainer = DPOTrainer(model=model, args=dpo_arguments(s, checkpoints, bool(validation)),
                         train_dataset=rows_of(train), eval_dataset=rows_of(validation) if validation else None,
                         processing_class=tokenizer)
    resume = get_last_checkpoint(str(checkpoints)) if s.resume and checkpoints.is_dir() else None
    started = time.perf_counter()
    result = trainer.train(resume_from_checkpoint=resume)
    metrics = trainer.evaluate() if validation else {}
    adapter = out / "adapter"
    model.save_pretrained(str(adapter), selected_adapters=["default"])
    history = [h for h in trainer.state.log_history if "loss" in h]
    return {"steps": trainer.state.global_step, "train_loss": round(result.training_loss, 4),
            "first_reward_accuracy": history[0].get("rewards/accuracies") if history else None,
            "last_reward_accuracy": history[-1].get("rewards/accuracies") if history else None,
            "validation_reward_accuracy": metrics.get("eval_rewards/accuracies"),
            "validation_margin": metrics.get("eval_rewards/margins"),
            "seconds": round(time.perf_counter() - started, 1), "resumed_from": resume}


def guide_directory(adapter: Path, base_ref: str, target: Path) -> Path:
    """`adapter` (a directory like models/guide/: adapter, config, manifest) merged onto the base
    at `target`, with a GGUF file for llama.cpp where it is installed: a guide every engine serves."""
    base = resolve_lm(base_ref).path
    merge_into(base, adapter, target, sha256_file(base / "model.safetensors"))
    if find_spec("llama_cpp") is not None and base_ref.lower() in BASE_REFS:
        add_gguf(target, embedded_gguf_path())
    return target


def adapter_sha(directory: Path) -> str:
    return sha256_file(directory / ADAPTER)
