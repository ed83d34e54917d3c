"""What every engine shares about turning logits and token ids into streamed text: the greedy
choice with a repetition penalty, which tokens that penalty spares, and text deltas that only
ever carry whole characters. Pure functions over numpy arrays and strings."""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

# Tokens that are digits: a year such as 1965 or 1571 repeats its own digits and those of
# earlier numbers, and penalising them made numbers vanish from answers. Punctuation stays
# penalised, or a model may run on in dots.
SPARED = re.compile(r"^\s?\d+$")
INCOMPLETE = "\ufffd"  # what a decoder yields for the first bytes of a character cut between tokens


def spared_ids(tokenizer) -> np.ndarray:
    """Ids of the tokenizer's vocabulary entries that the repetition penalty must not touch."""
    texts = tokenizer.batch_decode([[i] for i in range(len(tokenizer))])
    return np.array([i for i, text in enumerate(texts) if SPARED.match(text)], dtype=np.int64)


def penalise(logits: np.ndarray, seen: Sequence[int], penalty: float, spared: np.ndarray) -> np.ndarray:
    """The transformers-style repetition penalty over tokens already generated, digits and
    punctuation excepted; returns a new array."""
    if penalty == 1.0 or not len(seen):
        return logits
    idx = np.setdiff1d(np.fromiter(set(seen), dtype=np.int64), spared, assume_unique=True)
    out = logits.copy()
    vals = out[..., idx]
    out[..., idx] = np.where(vals > 0, vals / penalty, vals * penalty)
    return out


def pick(logits: np.ndarray, seen: Sequence[int], penalty: float, spared: np.ndarray) -> int:
    """Greedy choice after the repetition penalty."""
    return int(np.argmax(penalise(logits, seen, penalty, spared)))


def draft(tokens: Sequence[int], size: int, longest: int = 3, shortest: int = 2) -> list[int]:
    """Up to `size` tokens likely to come next, read off the text so far: what followed the
    latest earlier occurrence of its last `longest` tokens (down to `shortest`). A guide's
    answer repeats the wording of the facts in its prompt, so one forward pass over the next
    token and such a guess often confirms several tokens of greedy decoding at once."""
    tokens = list(tokens)
    for n in range(longest, shortest - 1, -1):
        tail = tokens[-n:]
        for start in range(len(tokens) - n - 1, -1, -1):
            if tokens[start:start + n] == tail:
                return tokens[start + n:start + n + size]
    return []


def next_delta(text: str, sent: str) -> tuple[str, str]:
    """(new text to send, text sent so far) given everything decoded so far. A character whose
    bytes are split between tokens is held back until it is whole, so every delta is valid
    UTF-8 on its own."""
    whole = text.rstrip(INCOMPLETE)
    if not whole.startswith(sent):  # a decoder may re-segment the tail; never resend
        return "", sent
    return whole[len(sent):], whole


def encode_chat(render, template_ids, plain_ids, messages: list[dict[str, str]], generation: bool = True) -> list[int]:
    """Token ids of a chat prompt in which only the chat template may produce control tokens:
    every message's text (a visitor's question, the history, the facts) is tokenised as plain
    text, so '<|im_end|>' typed by a visitor stays characters. `render(messages, generation)`
    is the template as text, `template_ids` tokenises template text (control tokens allowed),
    `plain_ids` tokenises message text (never control tokens)."""
    marks = [f"\x00{i}\x00" for i in range(len(messages))]
    text = render([{**m, "content": mark} for m, mark in zip(messages, marks)], generation)
    ids: list[int] = []
    for i, mark in enumerate(marks):
        before, _, text = text.partition(mark)
        ids += template_ids(before) if before else []
        ids += plain_ids(messages[i]["content"]) if messages[i]["content"] else []
    return ids + (template_ids(text) if text else [])


class ChatEncoding:
    """Prompt encoding shared by the engines; each supplies `tokenizer` (for the chat template)
    and its own `_template_ids` and `plain_ids`."""

    tokenizer = None
    resolved = None  # the engine's ResolvedModel

    @property
    def manifest_hash(self) -> str | None:
        return self.resolved.manifest_hash

    @property
    def languages(self) -> tuple[str, ...]:
        return self.resolved.languages

    def _render(self, messages: list[dict[str, str]], generation: bool) -> str:
        return self.tokenizer.apply_chat_template(messages, add_generation_prompt=generation, tokenize=False)

    def _template_ids(self, text: str) -> list[int]:
        raise NotImplementedError

    def plain_ids(self, text: str) -> list[int]:
        raise NotImplementedError

    def encode(self, messages: list[dict[str, str]], prefix: str = "") -> list[int]:
        """The prompt for `messages`, then `prefix` (the answer's spoken beginning), as plain text."""
        ids = encode_chat(self._render, self._template_ids, self.plain_ids, messages)
        return ids + (self.plain_ids(prefix) if prefix else [])

    def beginning_tokens(self, messages: list[dict[str, str]]) -> list[int]:
        """The tokens these messages make as the beginning of a longer prompt (no answer turn)."""
        return encode_chat(self._render, self._template_ids, self.plain_ids, messages, generation=False)

    def system_tokens(self, messages: list[dict[str, str]]) -> list[int]:
        """The system turn's tokens: the beginning shared by every question at an exhibit."""
        if not messages or messages[0]["role"] != "system":
            return []
        return self.beginning_tokens(messages[:1])
