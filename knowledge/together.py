"""Texts asked for at the same moment, encoded in one batch.

Visitors who ask together each need their question encoded; the sentence encoder takes sixteen
short questions in one batch in about a quarter of the time it takes them one by one (0.05 s
against 0.21 s on two cores). Callers who arrive while an encoding runs wait for it, then are
encoded together in the next one, so a lone caller waits for nothing and a crowd shares batches.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np


@dataclass
class _Entry:
    texts: list[str]
    done: threading.Event = field(default_factory=threading.Event)
    vectors: np.ndarray | None = None
    error: BaseException | None = None


class Together:
    """`encode` (texts -> one row per text, never called twice at once) shared by threads."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray]):
        self._encode = encode
        self._cond = threading.Condition()
        self._queue: list[_Entry] = []
        self._busy = False
        self.batches = 0  # encodings run: fewer than callers when callers came together

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        entry = _Entry(list(texts))
        with self._cond:
            self._queue.append(entry)
            while self._busy and not entry.done.is_set():
                self._cond.wait()
            if entry.done.is_set():
                return self._result(entry)
            batch, self._queue, self._busy = self._queue, [], True
        try:
            vectors = self._encode([t for e in batch for t in e.texts])
            start = 0
            for e in batch:
                e.vectors, start = vectors[start:start + len(e.texts)], start + len(e.texts)
        except Exception as exc:  # every caller of the batch hears of it, none waits forever
            for e in batch:
                e.error = exc
        finally:
            with self._cond:
                self.batches += 1
                for e in batch:
                    if e.vectors is None and e.error is None:  # interrupted, not failed
                        e.error = RuntimeError("the encoding was interrupted")
                    e.done.set()
                self._busy = False
                self._cond.notify_all()
        return self._result(entry, leader=True)

    @staticmethod
    def _result(entry: _Entry, leader: bool = False) -> np.ndarray:
        if entry.error is not None:  # one exception object is raised in one thread only
            if leader:
                raise entry.error
            raise RuntimeError(f"encoding failed: {entry.error}") from entry.error
        return entry.vectors
