"""Building the service: it says when its learned parts are not the ones set-up fitted, and it
answers one question before it is ready."""
import logging
from types import SimpleNamespace

import pytest

from answering.fitted import Fitted
from guide.app import learned_parts_problems, rehearse


def test_a_server_says_when_its_learned_parts_are_not_the_fitted_ones(tmp_path, monkeypatch, caplog):
    weights = tmp_path / "answerable-k1.npz"
    weights.write_bytes(b"weights")

    class Part:
        fitted = Fitted("answerable", "k1", weights, 3, {"answerable": 3}, now=True)

    class Pipeline:
        guard, answerable = None, Part()

    monkeypatch.setenv("HERITAGE_GUIDE_CACHE", str(tmp_path))  # a cache that set-up never filled
    with caplog.at_level(logging.WARNING, logger="guide.app"):
        assert learned_parts_problems(Pipeline()) == ["no manifest: run `python -m answering fit`"]
    assert "python -m answering fit" in caplog.text and "fitted at this start: answerable" in caplog.text
    (tmp_path / "classifiers.json").write_text("[]")  # not a manifest: said, and the server goes on
    assert learned_parts_problems(Pipeline())[0].endswith("is not a manifest of fitted parts")


class Asked:
    """A pipeline and an engine that note what they were asked."""

    def __init__(self, name: str, fails: bool = False):
        self.name, self.fails, self.planned, self.generated = name, fails, [], []

    def plan(self, question, exhibit_id):
        self.planned.append((question, exhibit_id))
        return SimpleNamespace(model=True, messages=[{"role": "user", "content": question}])

    def generate(self, batch):
        if self.fails:
            raise RuntimeError("no memory for the compute buffers")
        self.generated += batch
        yield from ()


@pytest.mark.parametrize("name, generates", [("llamacpp", True), ("transformers", True), ("openai", False)])
def test_the_server_rehearses_a_first_answer_waking_a_local_model_only(name, generates):
    both = Asked(name)
    rehearse(both, both, "kyrenia-ship")
    assert both.planned == [("What is this?", "kyrenia-ship")]  # the encoders and classifiers, always
    assert [r.max_new_tokens for r in both.generated] == ([2] if generates else [])


def test_a_rehearsal_that_fails_is_logged_and_never_stops_the_start(caplog):
    both = Asked("llamacpp", fails=True)
    with caplog.at_level(logging.ERROR, logger="guide.app"):
        rehearse(both, both, "kyrenia-ship")
    assert "rehearsing a first answer failed" in caplog.text
