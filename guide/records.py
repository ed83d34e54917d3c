"""What the guide writes to its store, kept whatever the store does: an answer whose row cannot
be written now is held (up to a bound) and written first on the next call that succeeds; a
rating that cannot be written is refused in words, never acknowledged; whether the store
answered last time is what `/readyz` reports. The store is called from worker threads."""
from __future__ import annotations

import logging
import threading
from collections import deque

from store.schema import FeedbackConflict, Interaction, UnknownAnswer

log = logging.getLogger(__name__)


class StoreUnavailable(RuntimeError):
    """The store did not take a write; nothing was acknowledged."""


class Records:
    def __init__(self, store, keep: int = 10_000):
        self.store = store
        self.unlogged: deque[Interaction] = deque(maxlen=keep)  # answers waiting for the store
        self.lost = 0  # answers dropped because more than `keep` were waiting
        self.healthy = True
        self._lock = threading.Lock()

    def log(self, row: Interaction) -> None:
        """Writes the answer's row, after any still waiting; on failure it waits too."""
        with self._lock:
            if len(self.unlogged) == self.unlogged.maxlen:
                self.lost += 1
            self.unlogged.append(row)
            self._flush()

    def rate(self, feedback_id: str, answer_id: str, scores: dict[str, int], comment: str | None,
             role: str, session_id: str | None = None) -> bool:
        """True for a new rating, False for a repeat; StoreUnavailable when it was not written."""
        with self._lock:
            self._flush()  # the rated answer may be one of those waiting
            try:
                new = self.store.add_rating(feedback_id, answer_id, scores, comment, role, session_id)
            except (UnknownAnswer, FeedbackConflict):
                raise
            except Exception as exc:
                self._failed("a rating", exc)
                raise StoreUnavailable(str(exc)) from None
            self.healthy = True
            return new

    def _flush(self) -> None:
        while self.unlogged:
            try:
                self.store.log_interaction(self.unlogged[0])
            except Exception as exc:
                self._failed(f"{len(self.unlogged)} answers", exc)
                return
            self.unlogged.popleft()
            self.healthy = True

    def _failed(self, what: str, exc: Exception) -> None:
        if self.healthy:  # logged once per outage, not once per call
            log.error("the store did not take %s: %s", what, exc)
        self.healthy = False
