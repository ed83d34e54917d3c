"""The served path on the tuning questions (`training.tuning`), quoted: no model needed."""
from __future__ import annotations

from training.tuning import main


def test_the_tuning_questions_are_answered_and_measured_on_the_served_path(capsys):
    assert main(["--model", "quote", "--limit", "12"]) == 0
    printed = dict(line.split(None, 1) for line in capsys.readouterr().out.splitlines())
    assert printed["questions"] == "12" and int(printed["grounded"]) >= 9
    assert float(printed["factual"]) >= 75  # quoting the chosen facts answers most of its own tuning set
    assert float(printed["own_words"]) <= 10 and printed["model_sentences_spoken"] == "0"  # quoted, never phrased
    assert float(printed["first_sentence"]) >= 75
