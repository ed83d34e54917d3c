"""Texts asked for at the same moment are encoded in one batch (`knowledge.together`)."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from knowledge.together import Together


def slow_lengths(calls: list[list[str]]):
    def encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        time.sleep(0.05)  # long enough that the other callers arrive while it runs
        if "fail" in texts:
            raise ValueError("cannot encode 'fail'")
        return np.array([[len(t), i] for i, t in enumerate(texts)], dtype=np.float32)
    return encode


def test_callers_who_arrive_together_share_batches_and_each_gets_its_own_rows():
    calls: list[list[str]] = []
    together = Together(slow_lengths(calls))
    texts = [["a" * n, "b" * (n + 10)] for n in range(1, 9)]
    results: dict[int, np.ndarray] = {}
    start = threading.Barrier(len(texts))

    def ask(i: int) -> None:
        start.wait()
        results[i] = together(texts[i])
    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert [results[i][:, 0].tolist() for i in range(len(texts))] == [[n, n + 10] for n in range(1, 9)]
    assert together.batches == len(calls) < len(texts)  # a crowd shares encodings
    assert sorted(t for call in calls for t in call) == sorted(t for pair in texts for t in pair)


def test_a_lone_caller_is_encoded_at_once_and_a_failure_reaches_every_caller_of_its_batch():
    calls: list[list[str]] = []
    together = Together(slow_lengths(calls))
    assert together(["one"]).tolist() == [[3.0, 0.0]] and calls == [["one"]]
    errors: list[BaseException] = []

    def ask(texts: list[str]) -> None:
        try:
            together(texts)
        except ValueError as exc:
            errors.append(exc)
    first = threading.Thread(target=ask, args=(["x"],))
    first.start()
    time.sleep(0.01)  # these two wait for the first and are encoded together
    late = [threading.Thread(target=ask, args=(t,)) for t in (["fail"], ["y"])]
    for t in late:
        t.start()
    for t in [first, *late]:
        t.join(5)
    assert len(errors) == 2 and all("fail" in str(e) for e in errors)
    with pytest.raises(ValueError):
        together(["fail"])
    assert together(["after"]).shape == (1, 2)  # a failed batch leaves it working
