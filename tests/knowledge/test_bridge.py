"""Questions in other languages put into English words learned from the catalogue's parallel text."""
import numpy as np
import pytest

from knowledge.bridge import Bridge, glossary, learn, stems


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


def test_the_glossary_reads_each_form_and_stem_and_names_a_bad_entry(tmp_path):
    forms = glossary("el")
    assert forms.english("ποιημα") == "poem" and forms.english("ποιηματα") == "poem"  # a stem: any ending
    assert forms.english("κομματια") == "piece" and forms.english("κομματα") == "party"  # the longest stem wins
    assert forms.english("σκοτωσω") == "kill" and forms.english("σκοτωσε") is None  # a form is only itself
    assert "how" in forms.asking and "poem" not in forms.asking
    bad = tmp_path / "glossary.yaml"
    bad.write_text("asking: {}\nwords:\n  poem: {el: [ποίημα σου]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'poem': el form 'ποίημα σου' is not one word"):
        glossary("el", bad)
    bad.write_text("asking: {}\nwords:\n  poem: {el: [στίχος]}\n  song: {el: [στίχος]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'song'.*already a form of 'poem'"):
        glossary("el", bad)
    bad.write_text("asking: {}\nwords:\n  poem: {fr: [poème]}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'poem': no language 'fr'"):
        glossary("el", bad)


def test_a_request_is_read_in_everyday_english_and_a_question_about_the_exhibits_is_not(retriever):
    greek = Bridge(retriever.catalogue, "el")
    assert greek.request("Γράψε μου ένα τραγούδι για τον καφέ.").split() == ["write", "me", "song"]
    turkish = Bridge(retriever.catalogue, "tr").request("Müdürün şifresi ne?")
    assert turkish.split() == ["director", "password"]
    # only words that ask, or the catalogue's words: nothing for the guard to judge
    assert greek.request("Ποιος έχτισε το κάστρο;") == ""
    assert Bridge(retriever.catalogue, "ru").request("Кто убил царя?") == ""  # "убил" is history, not a request
