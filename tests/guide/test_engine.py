import threading

import pytest

from guide.engine import GenRequest, TransformersEngine
from guide.service import DeltaCleaner


@pytest.fixture(scope="module")
def engine(tiny_llama):
    return TransformersEngine(str(tiny_llama), max_batch=4, repetition_penalty=1.0)


def run(engine, requests):
    texts, finishes = [""] * len(requests), [None] * len(requests)
    for piece in engine.generate(requests):
        assert finishes[piece.index] is None, "a request got pieces after it finished"
        texts[piece.index] += piece.text
        finishes[piece.index] = piece.finish
    return texts, finishes


def msgs(q):
    return [{"role": "system", "content": "You are a guide."}, {"role": "user", "content": q}]


def test_batched_decoding_matches_one_at_a_time(engine):
    questions = ["Who built Kolossi?", "A much longer question about the Kyrenia ship and its cargo?"]
    alone = [run(engine, [GenRequest(msgs(q), 12)])[0][0] for q in questions]
    together, finishes = run(engine, [GenRequest(msgs(q), 12) for q in questions])
    assert together == alone
    assert finishes == ["length", "length"]


def test_cancel_stops_within_two_tokens(engine):
    cancel = threading.Event()
    request, other = GenRequest(msgs("Hello"), 200, cancel), GenRequest(msgs("Hi"), 30)
    produced = {}
    for piece in engine.generate([request, other]):
        if piece.index == 0 and piece.generated_tokens == 5:
            cancel.set()
        if piece.finish:
            produced[piece.index] = (piece.finish, piece.generated_tokens)
    assert produced[0][0] == "cancelled" and produced[0][1] <= 7
    assert produced[1] == ("length", 30)  # the other request was not disturbed


def test_delta_cleaner_strips_markup_and_releases_whole_words():
    cleaner = DeltaCleaner()
    out = "".join(cleaner.feed(t) for t in ["## The **Kyr", "enia** Ship", "\n- sank ", "`near` <b>Kyrenia</b>."])
    out += cleaner.flush()
    assert out == "The Kyrenia Ship sank near Kyrenia."
    assert DeltaCleaner().feed("unfinished") == ""
