"""Training examples from the knowledge dataset, tokenised with the model's own chat template.

Chat pairs carry labels on the assistant's answer only; the optional paragraph corpus is plain
causal-LM text, optionally packed into blocks. Batches are left-padded with explicit position
ids, so that every labelled token sits at the end of its row and the loss needs the LM head only
over the last few positions.
"""
from __future__ import annotations

import json
import logging
import random
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
IGNORE = -100


class DatasetError(ValueError):
    """A dataset file or record that cannot be trained on; the message names both."""


@dataclass(frozen=True)
class Example:
    input_ids: list[int]
    labels: list[int]


def ensure_dataset(data: Path | None, workdir: Path) -> Path:
    """The dataset directory to train on: the given one, or one built from the catalogue."""
    if data is not None:
        if not (Path(data) / "train.jsonl").is_file():
            raise DatasetError(f"{data}: no train.jsonl (build one with `python -m knowledge build-dataset --out {data}`)")
        return Path(data)
    from knowledge.dataset import build_dataset
    from knowledge.retrieval import Retriever

    out = workdir / "data"
    build_dataset(Retriever(), out)
    return out


def load_pairs(path: Path) -> list[dict]:
    """Chat records from a JSONL file; an empty file or a malformed record is an error naming it."""
    rows = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}: record {n}: not JSON ({exc.msg})") from exc
        messages = row.get("messages") if isinstance(row, dict) else None
        if not (isinstance(messages, list) and messages and all(
                isinstance(m, dict) and isinstance(m.get("content"), str) and m.get("role") in
                {"system", "user", "assistant"} for m in messages)):
            raise DatasetError(f"{path}: record {n}: field 'messages' must be a list of "
                               "{role: system|user|assistant, content: text}")
        if messages[-1]["role"] != "assistant" or not messages[-1]["content"].strip():
            raise DatasetError(f"{path}: record {n}: the last message must be a non-empty assistant answer")
        rows.append(row)
    if not rows:
        raise DatasetError(f"{path}: no training records")
    return rows


def _ids(encoded) -> list[int]:
    return list(encoded["input_ids"] if hasattr(encoded, "keys") else encoded)


def encode_pair(tokenizer, messages: list[dict], max_length: int) -> Example:
    """Prompt tokens unlabelled, answer tokens labelled; an over-long prompt loses its oldest tokens."""
    prompt = _ids(tokenizer.apply_chat_template(messages[:-1], add_generation_prompt=True, tokenize=True))
    full = _ids(tokenizer.apply_chat_template(messages, tokenize=True))
    if full[: len(prompt)] != prompt:
        raise DatasetError("the chat template renders the prompt differently with and without the answer")
    answer = full[len(prompt):]
    prompt = prompt[-max(1, max_length - len(answer)):]
    ids = (prompt + answer)[-max_length:]
    return Example(ids, [IGNORE] * (len(ids) - len(answer)) + answer[-len(ids):])


def encode_text(tokenizer, texts: list[str], max_length: int, packing: bool) -> list[Example]:
    """Plain paragraphs for causal-LM training, each ending with EOS; packed into blocks if asked."""
    eos = [tokenizer.eos_token_id] if tokenizer.eos_token_id is not None else []
    pieces = [_ids(tokenizer(t, add_special_tokens=False)) + eos for t in texts if t.strip()]
    if not packing:
        return [Example(p[:max_length], p[:max_length]) for p in pieces]
    stream = [t for p in pieces for t in p]
    blocks = [stream[i:i + max_length] for i in range(0, len(stream), max_length)]
    return [Example(b, b) for b in blocks if len(b) > 1]


def split(examples: list, fraction: float, seed: int) -> tuple[list, list]:
    """A seeded validation split; at least one example each way when there are two or more."""
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    n_val = min(len(examples) - 1, max(1, round(len(examples) * fraction))) if fraction and len(examples) > 1 else 0
    val = {i for i in order[:n_val]}
    return ([e for i, e in enumerate(examples) if i not in val], [e for i, e in enumerate(examples) if i in val])


def sample(rows: list, limit: int | None, seed: int) -> list:
    """A seeded sample of at most `limit` rows, in their original order."""
    if limit is None or limit >= len(rows):
        return rows
    keep = set(random.Random(seed).sample(range(len(rows)), limit))
    return [r for i, r in enumerate(rows) if i in keep]


class Collator:
    """Left-pads a batch and adds position ids and `keep`, the labelled tail length plus one."""

    def __init__(self, pad_id: int):
        self.pad_id = pad_id

    def __call__(self, batch: list[Example]) -> dict:
        import torch

        width = max(len(e.input_ids) for e in batch)
        ids, mask, labels, pos = [], [], [], []
        for e in batch:
            pad = width - len(e.input_ids)
            ids.append([self.pad_id] * pad + e.input_ids)
            mask.append([0] * pad + [1] * len(e.input_ids))
            labels.append([IGNORE] * pad + e.labels)
            pos.append([0] * pad + list(range(len(e.input_ids))))
        first = min(next((i for i, t in enumerate(row) if t != IGNORE), width) for row in labels)
        return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask),
                "position_ids": torch.tensor(pos), "labels": torch.tensor(labels),
                "keep": torch.tensor(max(2, min(width, width - first + 1)))}
