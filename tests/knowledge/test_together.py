"""Texts asked for at the same moment are encoded in one batch (`knowledge.together`)."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from knowledge.together import Together


class Gated:
    """An encoder that holds its first call until `release` is set, so that other callers
    arrive while it runs whatever the machine's load; it fails on the text 'fail'."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.release = threading.Event()

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        if len(self.calls) == 1:
            assert self.release.wait(10)
        if "fail" in texts:
            raise ValueError("cannot encode 'fail'")
        return np.array([[len(t), i] for i, t in enumerate(texts)], dtype=np.float32)


def queued(together: Together, n: int) -> None:
    """Wait until `n` callers wait behind the running encoding."""
    deadline = time.monotonic() + 10
    while len(together._queue) < n and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(together._queue) == n


def started(target, args) -> threading.Thread:
    thread = threading.Thread(target=target, args=args)
    thread.start()
    return thread


def test_callers_who_arrive_during_an_encoding_share_the_next_batch_and_each_gets_its_own_rows():
    encoder = Gated()
    together = Together(encoder)
    texts = [["a" * n, "b" * (n + 10)] for n in range(1, 9)]
    results: dict[int, np.ndarray] = {}

    def ask(i: int) -> None:
        results[i] = together(texts[i])
    first = started(ask, (0,))
    while not encoder.calls:
        time.sleep(0.005)
    rest = [started(ask, (i,)) for i in range(1, len(texts))]
    queued(together, len(rest))
    encoder.release.set()
    for t in [first, *rest]:
        t.join(10)
    assert [results[i][:, 0].tolist() for i in range(len(texts))] == [[n, n + 10] for n in range(1, 9)]
    assert together.batches == len(encoder.calls) == 2  # the first alone, then the seven together
    assert len(encoder.calls[1]) == 14


def test_a_lone_caller_is_encoded_at_once_and_a_failure_reaches_every_caller_of_its_batch():
    encoder = Gated()
    together = Together(encoder)
    errors: list[BaseException] = []

    def ask(texts: list[str]) -> None:
        try:
            together(texts)
        except (ValueError, RuntimeError) as exc:
            errors.append(exc)
    first = started(ask, (["x"],))
    while not encoder.calls:
        time.sleep(0.005)
    late = [started(ask, (t,)) for t in (["fail"], ["y"])]
    queued(together, 2)
    encoder.release.set()
    for t in [first, *late]:
        t.join(10)
    assert not first.is_alive() and len(errors) == 2
    assert all("fail" in str(e) for e in errors)  # the leader's own error, and the other's wrapped one
    with pytest.raises(ValueError):
        together(["fail"])
    assert together(["after"]).tolist() == [[5.0, 0.0]]  # a failed batch leaves it working


def test_the_retrievers_encoder_is_shared_by_visitors_who_ask_together(retriever):
    """Sixteen questions encoded on sixteen threads at once, as the server plans them: fewer
    encodings than questions, and each question gets its own vector, as if encoded alone."""
    questions = [f"Who found the ship, question {n}?" for n in range(16)]
    alone = retriever.encode(questions)
    before, results = retriever._together.batches, {}
    start = threading.Barrier(len(questions))

    def ask(n: int) -> None:
        start.wait()
        results[n] = retriever.encode([questions[n]])[0]
    threads = [started(ask, (n,)) for n in range(len(questions))]
    for t in threads:
        t.join(30)
    assert retriever._together.batches - before < len(questions)
    assert all(np.allclose(results[n], alone[n], atol=1e-4) for n in range(len(questions)))
