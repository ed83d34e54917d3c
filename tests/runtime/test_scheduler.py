"""The scheduler's handoff of an answer's pieces to the event loop, on a scripted engine: the
timing of the pieces is the point, and a real model would not hold it still."""
import asyncio
import time

import pytest

from runtime.engine import GenRequest, Piece
from runtime.scheduler import Job, Scheduler


class Scripted:
    """Yields one answer's pieces as fast as it can: what a quick engine does between handoffs."""
    name, joins, max_batch = "scripted", False, 1

    def generate(self, requests, more=None):
        for text in "abcd":
            yield Piece(0, text)
        yield Piece(0, "e", "stop", prompt_tokens=7, generated_tokens=5)

    def warm(self, messages):
        pass


def handed(handoff: float) -> list[Piece]:
    async def ask():
        loop, pieces, done = asyncio.get_running_loop(), [], asyncio.Event()

        def on_piece(piece):
            pieces.append(piece)
            if piece.finish:
                done.set()
        scheduler = Scheduler(Scripted(), handoff=handoff)
        scheduler.submit(Job("s", GenRequest([{"role": "user", "content": "?"}], 5), on_piece, loop))
        await asyncio.wait_for(done.wait(), 10)
        scheduler.stop()
        return pieces
    return asyncio.run(ask())


@pytest.mark.parametrize("handoff", [0.0, 10.0])
def test_the_first_and_last_pieces_cross_at_once_and_those_between_are_joined(handoff):
    pieces = handed(handoff)
    assert "".join(p.text for p in pieces) == "abcde" and pieces[0].text == "a"
    assert pieces[-1].finish == "stop" and (pieces[-1].prompt_tokens, pieces[-1].generated_tokens) == (7, 5)
    # every piece at once without a handoff; the first, then the rest joined, with a long one
    assert [p.text for p in pieces] == (["a", "b", "c", "d", "e"] if handoff == 0 else ["a", "bcde"])


class Warming(Scripted):
    """Records each beginning it is asked to compute, and whether a question was waiting then."""

    def __init__(self):
        self.warmed, self.generated = [], []

    def warm(self, messages):
        self.warmed.append(messages[-1]["content"])
        time.sleep(0.05)  # long enough for a question to arrive while beginnings remain

    def generate(self, requests, more=None):
        self.generated.append(len(self.warmed))
        yield from super().generate(requests, more)


def test_beginnings_are_computed_one_at_a_time_so_a_question_waits_for_one_at_most():
    async def run():
        loop, done, engine = asyncio.get_running_loop(), asyncio.Event(), Warming()
        scheduler = Scheduler(engine)
        scheduler.warm("a/en", [[{"role": "user", "content": str(i)}] for i in range(40)])
        scheduler.warm("b/en", [])  # nothing to compute: no entry
        while not engine.warmed:
            await asyncio.sleep(0.005)
        scheduler.submit(Job("s", GenRequest([{"role": "user", "content": "?"}], 5),
                             lambda piece: piece.finish and done.set(), loop))
        await asyncio.wait_for(done.wait(), 10)
        while len(engine.warmed) < 40:  # the rest once the question is answered
            await asyncio.sleep(0.01)
        scheduler.stop()
        return engine
    engine = asyncio.run(run())
    assert engine.generated[0] <= 2  # the one under way when it came, and perhaps one just begun
    assert engine.warmed == [str(i) for i in range(40)]  # in order, none lost


def test_the_exhibit_reached_last_is_warmed_first():
    async def run():
        engine = Warming()
        scheduler = Scheduler(engine)
        scheduler.warm("old/en", [[{"role": "user", "content": f"old{i}"}] for i in range(5)])
        scheduler.warm("new/en", [[{"role": "user", "content": f"new{i}"}] for i in range(5)])
        while len(engine.warmed) < 10:
            await asyncio.sleep(0.01)
        scheduler.stop()
        return engine.warmed
    warmed = asyncio.run(run())
    first_new = warmed.index("new0")
    assert first_new <= 1 and warmed[first_new:first_new + 5] == [f"new{i}" for i in range(5)]
