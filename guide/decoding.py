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


def next_delta(text: str, sent: str) -> tuple[str, str]:
    """(new text to send, text sent so far) given everything decoded so far. A character whose
    bytes are split between tokens is held back until it is whole, so every delta is valid
    UTF-8 on its own."""
    whole = text.rstrip(INCOMPLETE)
    if not whole.startswith(sent):  # a decoder may re-segment the tail; never resend
        return "", sent
    return whole[len(sent):], whole
