import numpy as np
import pytest

from knowledge.catalogue import default_catalogue
from knowledge.dataset import load_questions
from knowledge.retrieval import Retriever


@pytest.mark.parametrize("exhibit", ["kolossi-castle", "enkomi", "lefkara-lace", "salamis"])
def test_vague_questions_favour_the_exhibit_in_view(retriever, exhibit):
    for question in ("Who built this?", "How old is it?", "What am I looking at?"):
        assert retriever.rank_exhibits(question, exhibit)[0] == exhibit
        assert retriever.fact_hits(question, exhibit)[0].exhibit_id == exhibit


def test_a_named_other_exhibit_is_still_found(retriever):
    hits = retriever.retrieve("Where are the mosaics?", exhibit_in_view="kolossi-castle", k=3)
    assert hits[0].exhibit_id == "house-of-dionysus"
    assert hits[0].score >= hits[-1].score
    assert retriever.rank_exhibits("Tell me about the Idol of Pomos", "kition")[0] == "idol-of-pomos"


def test_recall_at_3_on_labelled_visitor_questions(retriever):
    questions = load_questions()
    assert len(questions) >= 90
    hits = sum(q.exhibit in retriever.rank_exhibits(q.question)[:3] for q in questions)
    assert hits / len(questions) >= 0.95


class NoEncoding:
    def encode(self, texts, **_):
        raise AssertionError("the cached index should have been used")


def test_index_is_cached_and_rebuilt_only_when_content_changes(tmp_path, monkeypatch, retriever):
    monkeypatch.setenv("HERITAGE_GUIDE_CACHE", str(tmp_path))
    built = Retriever(encoder=retriever.encoder)
    cached = Retriever(encoder=NoEncoding())  # same catalogue hash: loads from disk
    assert np.array_equal(built.vectors, cached.vectors)
    catalogue = default_catalogue()
    changed = type(catalogue)(catalogue.exhibits, "0" * 64)
    with pytest.raises(AssertionError, match="cached index"):
        Retriever(changed, encoder=NoEncoding())  # a new content hash must encode again


def test_grounded_prompt_carries_exhibit_facts_language_and_recent_turns(retriever):
    from knowledge.prompting import Turn
    from knowledge.retrieval import grounded_prompt

    history = [Turn(f"question {i}?", f"answer {i}.") for i in range(5)]
    hits, messages = grounded_prompt(retriever, "And when was it built?", "kolossi-castle",
                                     history, language="el", turns=2)
    system = messages[0]["content"]
    assert "Exhibit in view: Kolossi Castle" in system and "in Greek" in system
    assert all(h.passage.text in system for h in hits) and hits[0].exhibit_id == "kolossi-castle"
    said = [m["content"] for m in messages[1:]]
    assert said == ["question 3?", "answer 3.", "question 4?", "answer 4.", "And when was it built?"]


def test_grounded_prompt_reuses_a_given_question_embedding(retriever, monkeypatch):
    from knowledge.retrieval import grounded_prompt

    question = "Who found this ship?"
    hits, messages = grounded_prompt(retriever, question, "kyrenia-ship")
    vector = retriever.encode([question])[0]
    calls = []
    monkeypatch.setattr(retriever, "encode", lambda texts: calls.append(texts) or vector[None, :])
    again, same = grounded_prompt(retriever, question, "kyrenia-ship", vector=vector)
    assert calls == [] and same == messages and [h.passage for h in again] == [h.passage for h in hits]


@pytest.mark.parametrize("question, language, exhibit, fact", [
    ("Πόσους θεατές χωρούσε το ρωμαϊκό θέατρο;", "el", "kourion", 3),
    ("Tiyatroda kaç seyirci otururdu?", "tr", "kourion", 3),
    ("Сколько зрителей вмещал театр?", "ru", "kourion", 3),
])
def test_a_question_in_greek_turkish_or_russian_finds_the_fact_by_the_words_it_shares(retriever, question,
                                                                                     language, exhibit, fact):
    best = retriever.fact_hits(question, exhibit, k=1, language=language)[0]
    assert (best.exhibit_id, best.passage.index) == (exhibit, fact)
    assert retriever.lexical(question, language).max() > 0 and not retriever.lexical(question, "en").any()


def test_a_questions_word_scores_are_computed_once_for_its_facts_and_summary(retriever, monkeypatch):
    from knowledge.lexical import LexicalIndex

    calls, real = [], LexicalIndex.scores
    monkeypatch.setattr(LexicalIndex, "scores", lambda index, text: calls.append(text) or real(index, text))
    question = "Πότε βυθίστηκε το πλοίο της Κερύνειας; (μία φορά)"
    retriever.fact_hits(question, "kyrenia-ship", language="el")
    retriever.summary_score("kyrenia-ship", retriever.encode([question])[0], question, "el")
    assert calls == [question]
    assert not retriever.lexical(question, "el").flags.writeable  # shared: no caller may change it
