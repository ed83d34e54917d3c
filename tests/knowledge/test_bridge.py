"""Questions in other languages put into English words learned from the catalogue's parallel text."""
import numpy as np

from knowledge.bridge import Bridge, learn, stems


def test_the_table_learns_which_word_says_which_from_sentences_alone():
    # no sentence pairs one word with one word: only the repetitions across pairs tell
    pairs = [(["κοτα", "μαυρη"], ["black", "hen"]), (["κοτα", "ασπρη"], ["white", "hen"]),
             (["γατα", "μαυρη"], ["black", "cat"]), (["γατα", "μικρη"], ["small", "cat"])]
    table = learn(pairs)
    assert table["κοτα"][0][1] == "hen" and table["μαυρη"][0][1] == "black" and table["γατα"][0][1] == "cat"
    assert table["κοτα"][0][0] > 0.5


def test_inflections_and_accents_meet_and_question_words_are_left_out():
    assert stems("Ποιος πολιόρκησε την Αμαθούντα;", "el") == stems("πολιορκησε Αμαθουντας", "el")
    assert stems("Какой корабль?", "ru") == ["кораб"]  # "какой" is a question word, its breve folded


def test_a_question_in_greek_or_russian_comes_out_in_the_catalogues_english_words(retriever):
    greek = Bridge(retriever.catalogue, "el").english("Ποιος πολιόρκησε την Αμαθούντα;").split()
    assert "besieged" in greek and "amathus" in greek
    russian = Bridge(retriever.catalogue, "ru").english("Сколько бастионов у стен?").split()
    assert russian == ["bastions", "walls"]
    assert Bridge(retriever.catalogue, "tr").english("xyzzy qwerty") == ""  # words it never saw: nothing


def test_the_retrieval_vector_mixes_in_the_english_words_only_for_other_languages(retriever):
    english = "How many bastions do the walls have?"
    assert np.array_equal(retriever.question_vector(english, "en"), retriever.encode([english])[0])
    russian = "Сколько бастионов у стен?"
    alone, bridged = retriever.encode([russian])[0], retriever.question_vector(russian, "ru")
    target = retriever.encode(["bastions walls"])[0]
    assert not np.allclose(alone, bridged) and bridged @ target > alone @ target


def test_each_language_is_learned_once_and_reused(retriever, monkeypatch):
    table = retriever.bridge("ru")
    monkeypatch.setattr("knowledge.retrieval.Bridge", lambda *a: (_ for _ in ()).throw(AssertionError("learned again")))
    assert retriever.bridge("ru") is table
    retriever.question_vector("Сколько бастионов у стен?", "ru")  # uses the table already learned
