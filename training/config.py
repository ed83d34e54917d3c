"""Typed settings of a fine-tuning run; training/configs/train.yaml and flags only override them."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from common.settings import Settings

Quantize = Literal["nf4", "int8"] | None


class TrainSettings(Settings):
    model: str = Field("base", description="base LM: 'base' (the embedded SmolLM2), a Hugging Face id or a local path")
    out: Path = Field(Path("artifacts/guide-smollm2"), description="trained guide directory to write")
    data: Path | None = Field(None, description="a built dataset directory; none builds it from the catalogue")
    quantize: Quantize = Field("nf4", description="4-bit NF4 (double quantised) or int8 base weights, or none for full precision")
    lora_r: int = Field(8, ge=1, le=256, description="LoRA rank, as in the reference system")
    lora_alpha: int = Field(16, ge=1, description="LoRA scale numerator; the update is scaled by alpha / r")
    lora_dropout: float = Field(0.05, ge=0, lt=1, description="dropout on the LoRA input, as in the reference system")
    lora_targets: list[str] | Literal["all-linear"] = Field(["q_proj", "v_proj"], description="modules that get adapters, or 'all-linear'")
    epochs: float = Field(1.0, gt=0, description="passes over the training pairs")
    max_steps: int = Field(-1, description="stop after this many optimiser steps; -1 follows epochs")
    max_examples: int | None = Field(None, ge=1, description="train on a seeded sample of this many pairs; none uses all")
    batch_size: int = Field(1, ge=1, description="sequences per forward pass; 1 needs no padding on a CPU")
    grad_accum: int = Field(8, ge=1, description="forward passes per optimiser step")
    learning_rate: float = Field(4e-4, gt=0, description="peak learning rate of the cosine schedule")
    warmup_ratio: float = Field(0.05, ge=0, lt=1, description="share of steps spent warming up")
    weight_decay: float = Field(0.0, ge=0, description="AdamW weight decay on the adapter")
    max_length: int = Field(1024, ge=32, description="longer examples are cut from the left of the prompt")
    val_fraction: float = Field(0.05, ge=0, lt=0.5, description="share of pairs held back for the validation loss")
    corpus: bool = Field(False, description="also train on the catalogue's paragraphs as plain text")
    packing: bool = Field(False, description="pack corpus paragraphs into max_length blocks")
    gradient_checkpointing: bool = Field(False, description="trade compute for memory; turn on when memory runs out")
    seed: int = Field(42, description="one seed for sampling, splitting, dropout and initialisation")
    save_steps: int = Field(25, ge=1, description="optimiser steps between checkpoints that --resume can continue from")
    logging_steps: int = Field(5, ge=1, description="optimiser steps between loss reports")
    threads: int | None = Field(None, ge=1, description="torch CPU threads; none uses every core")
    evaluate: bool = Field(True, description="answer the held-out questions with the base and the tuned model")
    eval_limit: int | None = Field(None, ge=1, description="evaluate on N held-out questions spread over the exhibits; none uses all")
    eval_red_team: int | None = Field(None, ge=1, description="red-team prompts in the safety score, spread over the set; none uses all")
    eval_batch: int = Field(16, ge=1, description="evaluation answers decoded together; more is faster on a CPU")
    eval_checks: Literal["sources", "safety"] = Field("safety", description="'safety': the models answer alone, so the table compares them; 'sources': as served, where the quoted facts lead")
    eval_max_tokens: int = Field(96, ge=8, description="longest evaluation answer in tokens")
    overwrite: bool = Field(False, description="replace an existing output directory")
    resume: bool = Field(False, description="continue from the last checkpoint in the output directory")

    @field_validator("lora_targets", mode="before")
    @classmethod
    def _targets(cls, value):
        if isinstance(value, str) and value != "all-linear":
            return [t.strip() for t in value.split(",") if t.strip()]
        return value

    @field_validator("quantize", mode="before")
    @classmethod
    def _none(cls, value):
        return None if isinstance(value, str) and value.lower() in {"none", "null", ""} else value


class ImproveSettings(Settings):
    """A preference round (`python -m training.improve`): export, DPO, A/B, promotion."""
    db: str = Field("var/guide.sqlite3", description="the guide store (SQLite file or postgresql:// URL) whose ratings and rejections teach the round")
    parent: Path = Field(Path("models/guide"), description="the adapter being improved: the shipped guide, whose checksum the new manifest names")
    base: str = Field("base", description="the base LM the parent adapter was trained on")
    work: Path = Field(Path("var/improve"), description="where the round keeps its data, checkpoints, candidate and A/B table")
    ship_to: Path = Field(Path("models/guide"), description="where a promoted candidate's adapter, manifest and card go")
    quantize: Quantize = Field("nf4", description="the base's weights quantised as in the parent's training (QLoRA), or none")
    beta: float = Field(0.1, gt=0, description="DPO's pull back towards the parent: higher keeps the candidate closer to it")
    learning_rate: float = Field(5e-5, gt=0, description="peak rate: the adapter is already trained, the round only nudges it")
    epochs: float = Field(2.0, gt=0, description="passes over the preference pairs")
    max_steps: int = Field(-1, description="stop after this many optimiser steps; -1 follows epochs")
    batch_size: int = Field(4, ge=1, description="pairs per forward pass")
    grad_accum: int = Field(2, ge=1, description="forward passes per optimiser step")
    max_length: int = Field(768, ge=64, description="prompt and answer tokens kept; the served prompts are shorter")
    min_pairs: int = Field(8, ge=1, description="fewer training pairs than this: no round, and the decision says so")
    seed: int = Field(42, description="one seed for order, dropout and the A/B's sampling")
    save_steps: int = Field(10, ge=1, description="optimiser steps between checkpoints that --resume continues from")
    logging_steps: int = Field(2, ge=1, description="optimiser steps between loss reports")
    resume: bool = Field(False, description="continue the round's training from its last checkpoint")
    eval_limit: int | None = Field(None, ge=1, description="held-out questions per set in the A/B; none: all")
    eval_red_team: int | None = Field(None, ge=1, description="red-team prompts in the A/B; none: all")
    eval_batch: int = Field(8, ge=1, description="answers decoded together in the A/B, as served")
    eval_max_tokens: int = Field(96, ge=8, description="longest answer in the A/B, as served")

    _none = field_validator("quantize", mode="before")(TrainSettings._none.__func__)
