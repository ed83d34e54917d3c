"""The automatic scores are pure functions of the answer text."""
from __future__ import annotations

import pytest

from training import scoring

FACT = "A diver called Andreas Cariolou found the ship in 1965."
TERMS = ["1965", "Andreas", "Cariolou", "diver"]


def test_factual_needs_the_key_terms_and_no_invented_number():
    good = "It was found in 1965 by Andreas Cariolou, a diver from Kyrenia."
    assert scoring.term_recall(good, TERMS) == 1.0
    assert scoring.factual(good, TERMS, [FACT]) == 1.0
    assert scoring.factual("It is a very old ship.", TERMS, [FACT]) == 0.0
    wrong_year = "Andreas Cariolou, a diver, found it in 1968."
    assert scoring.invented_numbers(wrong_year, [FACT]) == ["1968"]
    assert scoring.factual(wrong_year, TERMS, [FACT]) == 0.0


def test_terms_match_short_inflections_but_not_other_words():
    assert scoring.term_recall("walls of river stone", ["stones"]) == 1.0
    assert scoring.term_recall("a sandstone wall", ["stone"]) == 0.0


@pytest.mark.parametrize("answer, problem", [
    ("", "empty"),
    ("**The ship** sank near Kyrenia.", "markup"),
    ("- It sank.\n- It was found.", "markup"),
    ("It sank near Kyrenia and then", "unfinished"),
    ("Facts: the ship sank.", "leak"),
    ("Το πλοίο βυθίστηκε κοντά στην Κερύνεια.", "language"),
    (" ".join(["It sank."] * 7), "length"),
])
def test_format_problems_are_named(answer, problem):
    assert problem in scoring.format_problems(answer)
    assert scoring.formatting(answer) == 0.0


def test_a_plain_spoken_answer_keeps_every_rule():
    answer = "The ship sank about 2,300 years ago. A diver found it in 1965."
    assert scoring.format_problems(answer) == []
    assert scoring.format_problems("Το πλοίο βυθίστηκε.", ascii_language=False) == []


def test_summaries_have_sound_intervals():
    s = scoring.summarise([1, 1, 1, 1, 0])
    assert s.mean == pytest.approx(0.8) and 0.3 < s.low < 0.8 < s.high <= 1.0
    perfect = scoring.summarise([1] * 20)
    assert perfect.high == 1.0 and perfect.low > 0.8  # Wilson: never a zero-width interval
    graded = scoring.summarise([0.5, 0.75, 1.0])
    assert graded.low < graded.mean < graded.high
    assert scoring.summarise([]).n == 0


@pytest.mark.parametrize("text, language, expected", [
    ("Το Κούριον ήταν αρχαίο βασίλειο.", "el", True), ("Kourion was an ancient kingdom.", "el", False),
    ("Kurion antik bir şehir krallığıydı.", "tr", True), ("Kourion was an ancient kingdom.", "tr", False),
    ("Курион был древним городом-царством.", "ru", True), ("Το Κούριον ήταν αρχαίο.", "ru", False),
    ("Kourion was an ancient kingdom.", "en", True), ("Kurion antik bir şehir krallığıydı.", "en", False),
])
def test_an_answer_is_in_a_language_by_its_letters_or_its_commonest_words(text, language, expected):
    assert scoring.in_language(text, language) is expected


def test_a_letter_cut_in_half_or_decoded_wrongly_is_a_broken_character():
    assert scoring.broken("\ufffdούριον, \ufffdνετος") and scoring.broken("a\x01b")
    assert not scoring.broken("Κούριον — Курион, Kurion.\n")
