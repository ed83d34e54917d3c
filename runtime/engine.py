"""Generation engines: yield text pieces per request, knowing nothing about sockets.

The transformers backend decodes several requests together (left-padded batch, greedy, with a
repetition penalty), checks each request's cancel flag between tokens, and reports how each one
finished. A lone request starts from a cached copy of the model's KV cache for the longest
prompt beginning it shares with recent ones (persona, rules, exhibit), so only its own part is
computed. The server runs it on a worker thread, never on the event loop.
"""
from __future__ import annotations

import copy
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Literal, Protocol

import numpy as np

from runtime.decoding import ChatEncoding, next_delta, penalise, spared_ids
from runtime.prefix import MIN_PREFIX, PrefixCache, common_prefix
from weights.models import ResolvedModel, resolve_lm

log = logging.getLogger(__name__)
Finish = Literal["stop", "length", "cancelled", "error"]


@dataclass
class GenRequest:
    messages: list[dict[str, str]]
    max_new_tokens: int = 160
    cancel: threading.Event = field(default_factory=threading.Event)
    prefix: str = ""  # the answer's beginning, already spoken; the model continues after it
    heard: float | None = None  # when (time.monotonic) its visitor got the first words: set by who serves it


@dataclass(frozen=True)
class Piece:
    index: int  # which request of the batch
    text: str = ""  # new text, possibly empty
    finish: Finish | None = None  # set once, on the request's last piece
    prompt_tokens: int = 0
    generated_tokens: int = 0


class Engine(Protocol):
    """What the server, its scheduler and the evaluation ask of an engine, and all they ask."""

    name: str  # "transformers", "llamacpp" or "openai"
    model_label: str  # the model's name in the welcome message and the logs
    max_batch: int  # answers decoded together
    joins: bool  # whether generate() takes, through `more`, requests that arrive while it runs
    manifest_hash: str | None  # the served guide's manifest, recorded with every answer; none without one
    languages: tuple[str, ...]  # the languages the model writes (others are answered from the catalogue)

    def generate(self, batch: list[GenRequest],
                 more: Callable[[int], list[GenRequest]] | None = None) -> Iterator[Piece]: ...

    def warm(self, messages: list[dict[str, str]]) -> None:
        """Compute the prompt beginning these messages make (or its system turn), if the engine
        keeps such things."""


def _kept(cache, length: int):
    """A copy of a model's KV cache holding only its first `length` tokens."""
    kept = copy.deepcopy(cache)
    drop = kept.get_seq_length() - length
    if drop > 0:
        kept.crop(-drop)  # transformers 5 takes the number of tokens to remove, negated
    return kept


class TransformersEngine(ChatEncoding):
    """Greedy batched decoding with a KV cache, one token per step for every live request."""

    name = "transformers"
    joins = False

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
        self.spared = spared_ids(self.tokenizer)
        self.prefixes, self._kv = PrefixCache(range(8)), {}  # slot -> the model's cache for that beginning
        self.computed = 0  # prompt tokens run through the model (cached beginnings are not)
        log.info("loaded %s in %.1f s", self.model_label, time.perf_counter() - start)

    def _stop_ids(self) -> set[int]:
        ids = {self.tokenizer.eos_token_id}
        eos = self.model.generation_config.eos_token_id
        ids |= set(eos if isinstance(eos, list) else [eos])
        return {i for i in ids if i is not None}

    def _template_ids(self, text: str) -> list[int]:
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def plain_ids(self, text: str) -> list[int]:
        return self.tokenizer(text, add_special_tokens=False, split_special_tokens=True)["input_ids"]

    def _reuse(self, prompt: list[int]):
        """A private copy of the cache for the longest cached beginning of `prompt`, and its length."""
        slot, shared = self.prefixes.best(prompt)
        shared = min(shared, len(prompt) - 1)  # the last prompt token is always computed: it gives the logits
        if slot is None or shared < MIN_PREFIX:
            return None, 0
        return _kept(self._kv[slot], shared), shared

    def _remember(self, messages: list[dict[str, str]], tokens: list[int], cache) -> None:
        """Keep the cache of this prompt's beginning (everything before the question's turn)."""
        system = common_prefix(self.system_tokens(messages), tokens)
        if not self.prefixes.lacks(tokens, system):
            return
        slot = self.prefixes.claim(tokens[:system])
        self._kv[slot] = _kept(cache, system)

    def warm(self, messages: list[dict[str, str]]) -> None:
        """Compute and cache the system turn of `messages` before anyone asks there: this engine
        keeps a few beginnings, one per exhibit, so an exhibit's fact beginnings are left out."""
        import torch

        system = self.system_tokens(messages)
        if not self.prefixes.lacks(system, len(system)):
            return
        with torch.inference_mode():
            out = self.model(input_ids=torch.tensor([system]), use_cache=True, logits_to_keep=1)
        slot = self.prefixes.claim(system)
        self._kv[slot] = out.past_key_values
        self.computed += len(system)

    def _inputs(self, prompts: list[list[int]], start: int):
        """Left-padded ids of what is not cached yet, the attention mask over the cached
        beginning and them, and their positions."""
        import torch

        tails = [p[start:] for p in prompts]
        width = max(map(len, tails))
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([[pad] * (width - len(t)) + t for t in tails])
        mask = torch.tensor([[1] * start + [0] * (width - len(t)) + [1] * len(t) for t in tails])
        positions = (mask.cumsum(-1) - 1).clamp(min=0)[:, -width:]
        self.computed += sum(map(len, tails))
        return ids, mask, positions

    def generate(self, batch: list[GenRequest],
                 more: Callable[[int], list[GenRequest]] | None = None) -> Iterator[Piece]:
        """Pieces for `batch`; requests arriving meanwhile wait for the next call (`joins` is False)."""
        import torch

        prompts = [self.encode(r.messages, r.prefix) for r in batch]
        cache, start = self._reuse(prompts[0]) if len(batch) == 1 else (None, 0)
        ids, mask, positions = self._inputs(prompts, start)
        out: list[list[int]] = [[] for _ in batch]
        sent = [""] * len(batch)
        live = [True] * len(batch)
        with torch.inference_mode():
            for step in range(max(r.max_new_tokens for r in batch)):
                result = self.model(input_ids=ids, attention_mask=mask, position_ids=positions,
                                    past_key_values=cache, use_cache=True, logits_to_keep=1)
                cache = result.past_key_values
                if step == 0 and len(batch) == 1:
                    self._remember(batch[0].messages, prompts[0], cache)
                next_ids = self._pick(result.logits[:, -1, :], out)
                for i, req in enumerate(batch):
                    if not live[i]:
                        continue
                    finish = self._finish(req, int(next_ids[i]), len(out[i]))
                    if finish not in ("stop", "cancelled"):
                        out[i].append(int(next_ids[i]))
                    delta, sent[i] = next_delta(self.tokenizer.decode(out[i], skip_special_tokens=True), sent[i])
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

        rows = logits.float().numpy()
        return torch.tensor([int(np.argmax(penalise(rows[i], tokens, self.repetition_penalty, self.spared)))
                             for i, tokens in enumerate(seen)])
