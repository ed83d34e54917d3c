"""A bounded, fair queue in front of one engine, drained by one worker thread.

Requests wait in per-session lanes; each batch takes the oldest request of each session in
turn (round robin), so one chatty visitor cannot starve the others. When the queue is full,
`submit` raises `Busy` at once instead of letting the visitor wait without end. Events cross
back into asyncio only through `loop.call_soon_threadsafe`.

Engines that can take requests while they run (`joins`) are handed new requests between
steps, so a visitor who asks during someone else's answer starts at once. When nothing is
queued, the worker computes how prompts begin at exhibits that visitors have just reached
(`warm`), one beginning at a time, so their questions there start from a warm cache and a
question asked meanwhile waits for one beginning at most.

An answer's first piece and its last cross at once; the pieces between are joined and cross at
most every `handoff` seconds. Each crossing wakes the event loop, which on two cores takes a
core from llama.cpp's threads while they decode.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Callable

from runtime.engine import Engine, GenRequest, Piece

log = logging.getLogger(__name__)


class Busy(RuntimeError):
    """The queue is full; the client should try again shortly."""


@dataclass
class Job:
    session: str
    request: GenRequest
    on_piece: Callable[[Piece], None]  # called on the event loop
    loop: asyncio.AbstractEventLoop


class Scheduler:
    def __init__(self, engine: Engine, max_queue: int = 32, handoff: float = 0.0):
        self.engine = engine
        self.max_queue = max_queue
        self.handoff = handoff
        self._lanes: OrderedDict[str, deque[Job]] = OrderedDict()
        self._warm: OrderedDict[str, list[list[dict[str, str]]]] = OrderedDict()
        self._cond = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="generation", daemon=True)
        self._thread.start()

    @property
    def depth(self) -> int:
        with self._cond:
            return self._waiting()

    def _waiting(self) -> int:
        """Jobs still wanted: a cancelled one (its visitor stopped it or left) holds no place."""
        return sum(not job.request.cancel.is_set() for lane in self._lanes.values() for job in lane)

    def submit(self, job: Job) -> None:
        with self._cond:
            if self._stopping:
                raise Busy("the guide is shutting down")
            if self._waiting() >= self.max_queue:
                raise Busy(f"all {self.max_queue} places in the answer queue are taken")
            self._lanes.setdefault(job.session, deque()).append(job)
            self._cond.notify()

    def warm(self, key: str, beginnings: list[list[dict[str, str]]]) -> None:
        """Ask the engine to compute these prompt beginnings when it has nothing else to do."""
        if not beginnings:
            return
        with self._cond:
            self._warm.pop(key, None)
            self._warm[key] = list(beginnings)
            while len(self._warm) > 8:  # only the latest few exhibits matter
                self._warm.popitem(last=False)
            self._cond.notify()

    def _next_beginning(self) -> list[dict[str, str]] | None:
        """The next prompt beginning to compute, of the exhibit reached last: a tour that has
        moved on needs the old exhibit least (called holding the lock; no entry is ever empty)."""
        if not self._warm:
            return None
        key, beginnings = next(reversed(self._warm.items()))
        if len(beginnings) == 1:
            del self._warm[key]
        return beginnings.pop(0)

    def _take_batch(self, room: int | None = None) -> list[Job]:
        batch: list[Job] = []
        while self._lanes and len(batch) < (self.engine.max_batch if room is None else room):
            session, lane = next(iter(self._lanes.items()))
            job = lane.popleft()
            if job.request.cancel.is_set():  # never reaches the engine
                job.loop.call_soon_threadsafe(job.on_piece, Piece(0, "", "cancelled"))
            else:
                batch.append(job)
            self._lanes.move_to_end(session)  # round robin: this session goes to the back
            if not lane:
                del self._lanes[session]
        return batch

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._lanes and not self._warm and not self._stopping:
                    self._cond.wait()
                if self._stopping and not self._lanes:
                    return
                batch = self._take_batch()
                warm = None if batch else self._next_beginning()
            if warm is not None:
                self._prepare(warm)
            elif batch:
                self._generate(batch)

    def _prepare(self, messages: list[dict[str, str]]) -> None:
        try:
            self.engine.warm(messages)
        except Exception:  # a failed warm-up only costs the first answer some time
            log.exception("warming a prompt prefix failed")

    def _more(self, batch: list[Job]) -> Callable[[int], list[GenRequest]]:
        def more(room: int) -> list[GenRequest]:
            with self._cond:
                new = [] if self._stopping else self._take_batch(room)
            batch.extend(new)
            return [j.request for j in new]
        return more

    def _generate(self, batch: list[Job]) -> None:
        finished, held, sent = set(), {}, {}
        requests = [j.request for j in batch]
        try:
            pieces = self.engine.generate(requests, self._more(batch) if self.engine.joins else None)
            for piece in pieces:
                i, now = piece.index, time.monotonic()
                piece = joined(held.pop(i), piece) if i in held else piece
                if piece.finish or i not in sent or now - sent[i] >= self.handoff:
                    sent[i] = now
                    batch[i].loop.call_soon_threadsafe(batch[i].on_piece, piece)
                else:
                    held[i] = piece
                if piece.finish:
                    finished.add(i)
        except Exception:  # a failing batch must end every request in it, not hang them
            log.exception("generation failed")
        for i, job in enumerate(batch):
            if i not in finished:
                job.loop.call_soon_threadsafe(job.on_piece, Piece(i, "", "error"))

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel everything queued or running and let the worker finish."""
        with self._cond:
            self._stopping = True
            for lane in self._lanes.values():
                for job in lane:  # never started: end them here without a prefill
                    job.loop.call_soon_threadsafe(job.on_piece, Piece(0, "", "cancelled"))
            self._lanes.clear()
            self._cond.notify_all()
        self._thread.join(timeout)


def joined(earlier: Piece, later: Piece) -> Piece:
    """Two pieces of one answer as one: their text, and the later one's ending and counts."""
    return Piece(later.index, earlier.text + later.text, later.finish, later.prompt_tokens, later.generated_tokens)
