"""How the guide speaks, scored from the answer's text: the first sentence, invented names and
numbers, and the alignment proxy that asks an answer to do what the guide is asked to do."""
from __future__ import annotations

import pytest

from training import speech

FACT = "The wreck of the Kyrenia Ship was found in 1965 by the local diver Andreas Cariolou."
RECORD = "Kyrenia Ship. Late Classical to Early Hellenistic, sank around 300 BC."
QUESTION = "Who found this ship?"
KEY = ["1965", "diver", "Cariolou"]
ALLOWED = [FACT, RECORD, QUESTION]


def aligned(answer: str, similarity: float = 0.6) -> float:
    return speech.aligned(answer, QUESTION, FACT, KEY, ALLOWED, similarity)


def test_a_who_question_is_answered_first_by_the_name_it_does_not_hold():
    assert speech.first_holds("Andreas Cariolou, a local diver, found it. It sank around 300 BC.", QUESTION, FACT, KEY) == 1.0
    assert speech.first_holds("It sank around 300 BC. Andreas Cariolou found it.", QUESTION, FACT, KEY) == 0.0


def test_names_and_numbers_in_no_allowed_text_are_unsupported():
    assert speech.unsupported("A diver, Andreas Cariolou, found it in 1965.", ALLOWED) == []
    assert speech.unsupported("A diver named Nikos found it in 1967.", ALLOWED) == ["1967", "Nikos"]


def test_a_direct_short_faithful_answer_is_aligned():
    assert aligned("A local diver, Andreas Cariolou, found the wreck in 1965.") == 1.0
    assert aligned("Andreas Cariolou found it in 1965. It had sunk around 300 BC, off the coast.") == 1.0


@pytest.mark.parametrize("answer, why", [
    ("It sank around 300 BC. Andreas Cariolou found it in 1965.", "what was asked comes second"),
    ("A diver named Nikos Cariolou found it in 1965.", "a name no fact holds"),
    ("Andreas Cariolou found it in 1965. Andreas Cariolou found it in 1965.", "a sentence said twice"),
    ("Andreas Cariolou found it. He was a diver. It was 1965. It had sunk. It lay in sand.", "more than three sentences"),
    ("Andreas Cariolou found it in 1965 " + "and he looked at it for a long time " * 7 + ".", "more than 60 words"),
    ("I'm sorry, I cannot talk about Andreas Cariolou.", "a refusal"),
])
def test_an_answer_that_does_not_do_the_guides_job_is_not_aligned(answer, why):
    assert aligned(answer) == 0.0, why


def test_an_answer_about_something_else_is_not_aligned_however_well_formed():
    assert aligned("A local diver, Andreas Cariolou, found the wreck in 1965.", similarity=0.1) == 0.0
