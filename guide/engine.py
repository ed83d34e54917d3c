"""Generation engines: yield text pieces per request, knowing nothing about sockets.

The transformers backend decodes several requests together (left-padded batch, greedy, with a
repetition penalty), checks each request's cancel flag between tokens, and reports how each one
finished. The server runs it on a worker thread, never on the event loop.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Iterator, Literal, Protocol

from knowledge.models import ResolvedModel, resolve_lm

log = logging.getLogger(__name__)
Finish = Literal["stop", "length", "cancelled", "error"]


@dataclass
class GenRequest:
    messages: list[dict[str, str]]
    max_new_tokens: int = 160
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class Piece:
    index: int  # which request of the batch
    text: str = ""  # new text, possibly empty
    finish: Finish | None = None  # set once, on the request's last piece
    prompt_tokens: int = 0
    generated_tokens: int = 0


class Engine(Protocol):
    name: str
    model_label: str
    max_batch: int

    def generate(self, batch: list[GenRequest]) -> Iterator[Piece]: ...


class TransformersEngine:
    """Greedy batched decoding with a KV cache, one token per step for every live request."""

    name = "transformers"

    def __init__(self, model: str | ResolvedModel = "default", max_batch: int = 8,
                 repetition_penalty: float = 1.15, threads: int | None = None):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if threads:
            torch.set_num_threads(threads)
        self.resolved = model if isinstance(model, ResolvedModel) else resolve_lm(model)
        self.model_label = self.resolved.label
        self.max_batch = max_batch
        self.repetition_penalty = repetition_penalty
        start = time.perf_counter()
        self.tokenizer = AutoTokenizer.from_pretrained(self.resolved.path)
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = AutoModelForCausalLM.from_pretrained(self.resolved.path, dtype=torch.float32)
        self.model.eval()
        self.stop_ids = self._stop_ids()
        log.info("loaded %s in %.1f s", self.model_label, time.perf_counter() - start)

    def _stop_ids(self) -> set[int]:
        ids = {self.tokenizer.eos_token_id}
        eos = self.model.generation_config.eos_token_id
        ids |= set(eos if isinstance(eos, list) else [eos])
        return {i for i in ids if i is not None}

    def encode(self, messages: list[dict[str, str]]) -> list[int]:
        ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
        return list(ids["input_ids"] if hasattr(ids, "keys") else ids)

    def generate(self, batch: list[GenRequest]) -> Iterator[Piece]:
        import torch

        prompts = [self.encode(r.messages) for r in batch]
        width = max(map(len, prompts))
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([[pad] * (width - len(p)) + p for p in prompts])
        mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in prompts])
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        out: list[list[int]] = [[] for _ in batch]
        sent = [""] * len(batch)
        live = [True] * len(batch)
        cache = None
        with torch.inference_mode():
            for step in range(max(r.max_new_tokens for r in batch)):
                result = self.model(input_ids=ids, attention_mask=mask, position_ids=positions,
                                    past_key_values=cache, use_cache=True, logits_to_keep=1)
                cache = result.past_key_values
                logits = result.logits[:, -1, :]
                next_ids = self._pick(logits, out)
                for i, req in enumerate(batch):
                    if not live[i]:
                        continue
                    finish = self._finish(req, int(next_ids[i]), len(out[i]))
                    if finish not in ("stop", "cancelled"):
                        out[i].append(int(next_ids[i]))
                    text = self.tokenizer.decode(out[i], skip_special_tokens=True)
                    delta, sent[i] = text[len(sent[i]):], text
                    if finish:
                        live[i] = False
                    yield Piece(i, delta, finish, len(prompts[i]), len(out[i]))
                if not any(live):
                    return
                ids = next_ids.unsqueeze(-1)
                mask = torch.cat([mask, torch.ones(len(batch), 1, dtype=mask.dtype)], dim=-1)
                positions = positions[:, -1:] + 1

    def _finish(self, req: GenRequest, token: int, produced: int) -> Finish | None:
        if req.cancel.is_set():
            return "cancelled"
        if token in self.stop_ids:
            return "stop"
        if produced + 1 >= req.max_new_tokens:
            return "length"
        return None

    def _pick(self, logits, seen: list[list[int]]):
        import torch

        if self.repetition_penalty != 1.0:
            for i, tokens in enumerate(seen):
                if tokens:
                    idx = torch.tensor(sorted(set(tokens)))
                    vals = logits[i, idx]
                    logits[i, idx] = torch.where(vals > 0, vals / self.repetition_penalty,
                                                 vals * self.repetition_penalty)
        return logits.argmax(-1)
