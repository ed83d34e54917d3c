"""Which cached prompt beginnings an engine holds: pure bookkeeping shared by the llama.cpp
backend (each beginning is a sequence in its KV cache) and the transformers backend (each is a
copy of the model's KV cache). A new prompt starts from the cached beginning it shares most
tokens with; the least recently used beginning is dropped first."""
from __future__ import annotations

from collections import OrderedDict
from typing import Sequence

import numpy as np

MIN_PREFIX = 16  # shorter shared beginnings are not worth a cache entry


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    if n == 0:
        return 0
    diff = np.flatnonzero(np.asarray(a[:n]) != np.asarray(b[:n]))
    return int(diff[0]) if diff.size else n


class PrefixCache:
    """Which cache sequence holds which token prefix; least recently used goes first."""

    def __init__(self, slots: Sequence[int]):
        self.free = list(slots)
        self.held: OrderedDict[int, tuple[int, ...]] = OrderedDict()

    def best(self, tokens: Sequence[int]) -> tuple[int | None, int]:
        """The slot sharing the longest prefix with `tokens`, and that length."""
        slot, length = None, 0
        for candidate, prefix in self.held.items():
            n = common_prefix(prefix, tokens)
            if n > length:
                slot, length = candidate, n
        if slot is not None:
            self.held.move_to_end(slot)
        return slot, length

    def claim(self, tokens: Sequence[int]) -> int:
        """A slot to hold `tokens`: a free one, else the one used longest ago (its old contents
        are overwritten from position 0 by the caller)."""
        slot = self.free.pop() if self.free else self.held.popitem(last=False)[0]
        self.held[slot] = tuple(tokens)
        return slot

    def lacks(self, tokens: Sequence[int], length: int) -> bool:
        """Whether the first `length` tokens are worth caching and no entry holds them yet."""
        return length >= MIN_PREFIX and self.best(tokens)[1] < length

    def drop(self, slot: int) -> None:
        """Forget what a slot holds (its cells were not all computed)."""
        if self.held.pop(slot, None) is not None:
            self.free.append(slot)

    def evict_oldest(self) -> int | None:
        if not self.held:
            return None
        slot = self.held.popitem(last=False)[0]
        self.free.append(slot)
        return slot
