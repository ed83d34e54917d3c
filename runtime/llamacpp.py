"""The llama.cpp backend: many answers decoded together in one llama.cpp context.

Each answer is a sequence of its own, in one shared store of KV cells ("unified"; "split" gives
each sequence cells of its own, so that its attention runs over its own tokens only: faster for
16 answers started together, slower through the server, where answers join midway and each
join copies a whole store). How prompts begin at the exhibits seen most recently stays
cached, each beginning in a sequence of its own: the persona-and-exhibit turn (the same for
every question there) and that turn followed by each of the exhibit's facts. A new question
copies the cells of the longest beginning it shares and computes only its own tail: any further
fact, the earlier question and the question.
Every step is one forward pass over the next token of every live answer plus a slice of any
newly joined prompt, so a visitor who asks while others are being answered starts at once
instead of waiting for their answers to end (continuous batching). While few answers are being
decoded, each also carries tokens guessed from its own prompt, and keeps those that greedy
decoding confirms (prompt lookup): the words are the same, and arrive in fewer steps.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Literal

import numpy as np

from runtime.backends import BackendUnavailable, gguf_for
from runtime.decoding import ChatEncoding, draft, next_delta, pick, spared_ids
from runtime.engine import Finish, GenRequest, Piece
from runtime.prefix import MIN_PREFIX, PrefixCache, common_prefix
from weights.models import resolve_lm

log = logging.getLogger(__name__)
PREFILL_SLICE = 128  # prompt tokens per step, so a long new prompt never stalls live answers for long
PREFIX_ROOM = 512  # context cells a prompt's beginning may take (persona, rules, exhibit, first fact: ~120 tokens)
# Cached beginnings share cells in the unified store (an exhibit's facts each add ~35 to its
# turn's ~80), so the context is sized for 4,096 cells of them beside the answers (about nine
# exhibits with a beginning per fact) and the cache holds many sequences. Nothing else bounds
# them: when a step finds no free cell, the least recently used beginnings go.
PREFIX_CELLS = 4096
PREFIXES = 96
MAX_SEQUENCES = 256  # llama.cpp's LLAMA_MAX_SEQ: answers and cached beginnings together
ANSWER_ROOM = 768  # context cells per answer beyond its cached beginning: its facts, question and words
# Guessed tokens: a step for one answer is bound by reading every weight, so a few more of its
# tokens cost less in the same step than in steps of their own (9 rows took about three times
# as long as one, and confirmed 4.5 tokens on average). While few answers are being decoded each
# carries up to DRAFT tokens guessed from its own prompt (decoding.draft) and keeps those greedy
# decoding confirms. Beyond SPECULATE_ROWS rows a step is bound by arithmetic instead, and a
# wrong guess would only slow the others.
DRAFT = 8
SPECULATE_ROWS = 16
# While a visitor has heard nothing yet, answers whose first words were sent less than HOLD
# seconds ago skip steps: their visitor is still hearing (or reading) a first sentence that takes
# seconds to speak, and on two cores every row of a step delays the silent visitor's first words.
HOLD = 1.5
KV = "unified"  # through the server (tools.bench, one run each) 16 visitors got 70.4 tokens/s with it, 53.7 split


@dataclass
class Seq:
    index: int  # the request's place among all requests of this generate() call
    request: GenRequest
    tokens: list[int]
    system: int  # prompt tokens that are the same for every question at this exhibit
    seq_id: int = -1
    n_past: int = 0  # tokens of this sequence already in the KV cache
    next: int | None = None  # the token to feed in the next step, once the prompt is in
    out: list[int] = field(default_factory=list)
    sent: str = ""
    done: bool = False


class LlamaCppEngine(ChatEncoding):
    """llama-cpp-python's low-level API: one context, `max_batch` answer sequences plus
    `prefixes` cached exhibit prefixes, greedy decoding with the transformers backend's
    repetition penalty so both backends give the same answers."""

    name = "llamacpp"
    joins = True  # generate() accepts requests that arrive while it runs

    def __init__(self, model: str = "default", threads: int | None = None, max_batch: int = 16,
                 prefixes: int = PREFIXES, repetition_penalty: float = 1.15, kv: Literal["split", "unified"] = KV):
        try:
            import llama_cpp
            from llama_cpp._internals import LlamaBatch, LlamaContext, LlamaModel
            from llama_cpp._logger import set_verbose
        except ImportError as exc:
            raise BackendUnavailable("llama-cpp-python is not installed (pip install -e '.[llamacpp]')") from exc
        from transformers import AutoTokenizer

        self.lib = llama_cpp
        set_verbose(log.isEnabledFor(logging.DEBUG))  # llama.cpp's own log is long; errors always show
        self.resolved = resolve_lm(model)
        self.model_label = self.resolved.label
        self.gguf = gguf_for(self.resolved)
        self.tokenizer = AutoTokenizer.from_pretrained(self.resolved.path)
        self.max_batch, self.repetition_penalty = max_batch, repetition_penalty
        self.model = LlamaModel(path_model=str(self.gguf), params=llama_cpp.llama_model_default_params(),
                                verbose=False)
        params = llama_cpp.llama_context_default_params()
        prefixes = prefixes if kv == "unified" else min(prefixes, 8)  # split: every sequence reserves its cells
        prefixes = max(1, min(prefixes, MAX_SEQUENCES - max_batch))
        params.n_seq_max = max_batch + prefixes
        # split: every sequence has cells of its own and attends to them alone; unified: one store
        # whose cells sequences share, but every token's attention runs over all of them
        self.kv = kv
        params.kv_unified = kv == "unified"
        params.n_ctx = (min(prefixes * PREFIX_ROOM, PREFIX_CELLS) + max_batch * ANSWER_ROOM if kv == "unified"
                        else params.n_seq_max * (PREFIX_ROOM + ANSWER_ROOM))
        params.n_batch = params.n_ubatch = 512
        # every core, for one answer's next token too: with llama.cpp's own thread pool (set-up
        # builds it without OpenMP) a worker thread decodes as fast as the main one, and the
        # event loop's handoffs cost it little (scripts/setup.sh)
        params.n_threads = params.n_threads_batch = self.n_threads = threads or os.cpu_count() or 1
        params.no_perf = True
        self.ctx = LlamaContext(model=self.model, params=params, verbose=False)
        self.n_ctx, self.n_batch = params.n_ctx, params.n_batch
        self.batch = LlamaBatch(n_tokens=self.n_batch, embd=0, n_seq_max=1, verbose=False)
        self.n_vocab = self.model.n_vocab()
        self.idle = list(range(max_batch - 1, -1, -1))
        self.cache = PrefixCache(range(max_batch, max_batch + prefixes))
        self.computed = 0  # prompt tokens run through the model (cached prefixes are not)
        self.spared = spared_ids(self.tokenizer)
        self.eos = {self.model.token_eos(), self.model.token_eot(), self.tokenizer.eos_token_id} - {None, -1}
        log.info("llama.cpp backend on %s: %d answers at once, %d cached prefixes, %d-token context",
                 self.gguf, max_batch, prefixes, self.n_ctx)

    def _template_ids(self, text: str) -> list[int]:
        return self.model.tokenize(text.encode(), add_bos=False, special=True)

    def plain_ids(self, text: str) -> list[int]:
        return self.model.tokenize(text.encode(), add_bos=False, special=False)

    def warm(self, messages: list[dict[str, str]]) -> None:
        """Compute and cache the prompt beginning `messages` make before anyone asks there,
        continuing the longest beginning already cached (an exhibit's facts share its turn). With
        a store per sequence, where a beginning holds cells of its own, only the system turn."""
        tokens = self.beginning_tokens(messages) if self.kv == "unified" else self.system_tokens(messages)
        if not self.cache.lacks(tokens, len(tokens)):
            return
        source, shared = self.cache.best(tokens)
        shared = shared if shared >= MIN_PREFIX else 0
        slot = self.cache.claim(tokens)
        if slot == source:  # a cache of one beginning, which this one continues
            self.ctx.kv_cache_seq_rm(slot, shared, -1)
        else:
            self.ctx.kv_cache_seq_rm(slot, -1, -1)
            if shared:
                self._copy(source, slot, shared)
        try:
            for start in range(shared, len(tokens), self.n_batch):
                rows = [(slot, t, start + j, False) for j, t in enumerate(tokens[start:start + self.n_batch])]
                self._decode(rows)
                self.computed += len(rows)
        except Exception:  # a beginning half computed must never be copied
            self.ctx.kv_cache_seq_rm(slot, -1, -1)
            self.cache.drop(slot)
            raise

    def generate(self, batch: list[GenRequest],
                 more: Callable[[int], list[GenRequest]] | None = None) -> Iterator[Piece]:
        """Pieces for `batch` and for whatever `more(room)` hands over while it runs."""
        seqs: list[Seq] = []
        try:
            self._admit(seqs, batch)
            while True:
                for s in seqs:  # one that can never fit fails alone, before it can crowd out the rest
                    room = PREFIX_ROOM + ANSWER_ROOM
                    if not s.done and s.seq_id < 0 and len(s.tokens) + s.request.max_new_tokens > room:
                        yield self._end(s, "error")
                waiting = sum(1 for s in seqs if not s.done and s.seq_id < 0)
                if more is not None and len(self.idle) > waiting:
                    self._admit(seqs, more(len(self.idle) - waiting))
                for s in seqs:
                    if not s.done and s.request.cancel.is_set() and s.seq_id < 0:
                        yield self._end(s, "cancelled")
                live = [s for s in seqs if not s.done]
                if not live:
                    return
                yield from self._step(live)
        finally:
            for s in seqs:
                if s.seq_id >= 0:
                    self._release(s)

    def _admit(self, seqs: list[Seq], requests: list[GenRequest]) -> None:
        for request in requests:
            tokens = self.encode(request.messages, request.prefix)
            system = common_prefix(self.system_tokens(request.messages), tokens)
            seqs.append(Seq(len(seqs), request, tokens, min(system, len(tokens) - 1)))

    def _start(self, s: Seq, live: list[Seq]) -> None:
        """Give `s` a sequence and the longest computed prefix of its prompt: from the cache, or
        from an answer under way whose prompt begins the same (visitors at one exhibit often
        get the same facts)."""
        s.seq_id = self.idle.pop()
        self.ctx.kv_cache_seq_rm(s.seq_id, -1, -1)
        source, shared = self.cache.best(s.tokens)
        for other in live:
            if other is not s and other.seq_id >= 0:
                n = min(common_prefix(other.tokens, s.tokens), other.n_past)
                if n > shared:
                    source, shared = other.seq_id, n
        shared = min(shared, len(s.tokens) - 1)  # the last prompt token is always computed: it gives the logits
        if shared > 0:
            self._copy(source, s.seq_id, shared)
        s.n_past = shared

    def _copy(self, source: int, target: int, length: int) -> None:
        """The first `length` cells of one sequence into another (emptied before). Sequences
        with cells of their own are copied whole, then cut: llama.cpp copies only whole ones."""
        if self.kv == "unified":
            self.ctx.kv_cache_seq_cp(source, target, 0, length)
            return
        self.ctx.kv_cache_seq_cp(source, target, -1, -1)
        self.ctx.kv_cache_seq_rm(target, length, -1)

    def _step(self, live: list[Seq]) -> Iterator[Piece]:
        rows, owners = [], []
        decoding = [s for s in live if s.next is not None and not held(s.request, live)]
        size = min(DRAFT, SPECULATE_ROWS // len(decoding) - 1) if decoding else 0
        for s in decoding:
            guess = draft(s.tokens + s.out, size) if size > 0 else []
            guess = guess[:max(0, s.request.max_new_tokens - len(s.out) - 1)]
            rows += [(s.seq_id, t, s.n_past + j, True) for j, t in enumerate([s.next] + guess)]
            owners.append((s, len(rows) - 1 - len(guess), 1, guess))
        budget = PREFILL_SLICE if rows else self.n_batch  # a whole batch of prompt when nothing is streaming
        for s in live:
            if s.next is not None or budget <= 0:
                continue
            if s.seq_id < 0:
                if not self.idle:
                    continue
                self._start(s, live)
            take = s.tokens[s.n_past:s.n_past + min(budget, self.n_batch - len(rows))]
            last = s.n_past + len(take) == len(s.tokens)
            rows += [(s.seq_id, t, s.n_past + j, last and j == len(take) - 1) for j, t in enumerate(take)]
            owners.append((s, len(rows) - 1 if last else -1, len(take), []))
            budget -= len(take)
            self.computed += len(take)
        if not rows:
            return
        self._decode(rows)
        for s, row, advanced, guess in owners:
            s.n_past += advanced
            if row >= 0:
                if s.next is None:
                    self._remember(s)
                yield self._advance(s, row)
                yield from self._confirm(s, row, guess)

    def _confirm(self, s: Seq, row: int, guess: list[int]) -> Iterator[Piece]:
        """Keep the guessed tokens that greedy decoding chose too, each with the logits of the
        row before it; drop the cells of the rest."""
        kept = 0
        while kept < len(guess) and not s.done and s.next == guess[kept]:
            kept += 1
            yield self._advance(s, row + kept)
        if guess and not s.done:
            s.n_past += kept
            self.ctx.kv_cache_seq_rm(s.seq_id, s.n_past, -1)

    def _remember(self, s: Seq) -> None:
        """Keep this prompt's exhibit prefix for the next question asked there."""
        if self.cache.lacks(s.tokens, s.system):
            slot = self.cache.claim(s.tokens[:s.system])
            self.ctx.kv_cache_seq_rm(slot, -1, -1)
            self._copy(s.seq_id, slot, s.system)

    def _advance(self, s: Seq, row: int) -> Piece:
        if s.request.cancel.is_set():
            return self._end(s, "cancelled")
        ptr = self.lib.llama_get_logits_ith(self.ctx.ctx, row)
        token = pick(np.ctypeslib.as_array(ptr, shape=(self.n_vocab,)), s.out, self.repetition_penalty, self.spared)
        finish: Finish | None = None
        if token in self.eos:
            finish = "stop"
        else:
            s.out.append(token)
            finish = "length" if len(s.out) >= s.request.max_new_tokens else None
        delta, s.sent = next_delta(self.model.detokenize(s.out).decode("utf-8", errors="replace"), s.sent)
        s.next = token
        return self._end(s, finish, delta) if finish else Piece(s.index, delta, None, len(s.tokens), len(s.out))

    def _end(self, s: Seq, finish: Finish, delta: str = "") -> Piece:
        s.done = True
        if s.seq_id >= 0:
            self._release(s)
        return Piece(s.index, delta, finish, len(s.tokens), len(s.out))

    def _release(self, s: Seq) -> None:
        self.ctx.kv_cache_seq_rm(s.seq_id, -1, -1)
        self.idle.append(s.seq_id)
        s.seq_id = -1

    def _decode(self, rows: list[tuple[int, int, int, bool]]) -> None:
        b = filled(self.batch, rows)
        code = self.lib.llama_decode(self.ctx.ctx, b)
        while code == 1:  # no room left in the KV cache: drop the least recently used prefix
            slot = self.cache.evict_oldest()
            if slot is None:
                break
            self.ctx.kv_cache_seq_rm(slot, -1, -1)
            code = self.lib.llama_decode(self.ctx.ctx, b)
        if code != 0:
            raise RuntimeError(f"llama_decode failed ({code}): {len(rows)} tokens do not fit the "
                               f"{self.n_ctx}-token context")


def held(request: GenRequest, live: list[Seq]) -> bool:
    """Whether an answer waits this step: its first words were heard moments ago and another
    answer's visitor has heard nothing yet. A cancelled one never waits: its next step ends it
    and frees its sequence."""
    return (request.heard is not None and not request.cancel.is_set() and time.monotonic() - request.heard < HOLD
            and any(s.request.heard is None for s in live))


def filled(batch, rows: list[tuple[int, int, int, bool]]):
    """A llama.cpp batch (llama-cpp-python's LlamaBatch) holding `rows`: (sequence, token,
    position, whether its logits are wanted), one sequence per token."""
    b = batch.batch
    b.n_tokens = len(rows)
    for j, (seq_id, token, pos, logits) in enumerate(rows):
        b.token[j], b.pos[j], b.n_seq_id[j], b.logits[j] = token, pos, 1, logits
        b.seq_id[j][0] = seq_id
    return b
