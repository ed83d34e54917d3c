"""Building the service: it says when its learned parts are not the ones set-up fitted."""
import logging

from answering.fitted import Fitted
from guide.app import learned_parts_problems


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
