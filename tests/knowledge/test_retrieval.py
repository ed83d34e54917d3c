import numpy as np
import pytest

from knowledge.catalogue import default_catalogue
from knowledge.dataset import load_questions
from knowledge.retrieval import RetrievalSettings, Retriever


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
    english = RetrievalSettings(meaning_weight=0, bank_weight=0)  # the multilingual cache has its own test
    built = Retriever(settings=english, encoder=retriever.encoder)
    cached = Retriever(settings=english, encoder=NoEncoding())  # same catalogue hash: loads from disk
    assert np.array_equal(built.vectors, cached.vectors)
    catalogue = default_catalogue()
    changed = type(catalogue)(catalogue.exhibits, "0" * 64)
    with pytest.raises(AssertionError, match="cached index"):
        Retriever(changed, english, encoder=NoEncoding())  # a new content hash must encode again


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


def test_a_questions_word_scores_are_computed_once_however_often_it_is_asked(retriever, monkeypatch):
    from knowledge.lexical import LexicalIndex

    calls, real = [], LexicalIndex.scores
    monkeypatch.setattr(LexicalIndex, "scores", lambda index, text: calls.append(text) or real(index, text))
    question = "Πότε βυθίστηκε το πλοίο της Κερύνειας; (μία φορά)"
    retriever.fact_hits(question, "kyrenia-ship", language="el")  # asked again, as by a second visitor
    retriever.summary_in(retriever.exhibit_scores(question, "kyrenia-ship", retriever.encode([question])[0], "el"),
                         "kyrenia-ship")
    assert calls == [question]
    assert not retriever.lexical(question, "el").flags.writeable  # shared: no caller may change it


def test_the_question_bank_holds_no_question_any_evaluation_asks_and_each_names_a_passage(retriever):
    from knowledge.bank import question_bank
    from knowledge.evaluated import evaluation_questions

    bank = question_bank(retriever.catalogue)
    assert len(bank) > 500
    assert not {k.question for k in bank} & set(evaluation_questions())
    places = {(p.exhibit_id, p.kind, p.index) for p in retriever.passages}
    assert all((k.exhibit_id, k.kind, k.index) in places for k in bank)
    assert len(retriever.meanings["bank"]) == len(bank) == len(retriever.meanings["bank_of"])


@pytest.mark.parametrize("question, language, exhibit, fact", [
    ("Ποιος ανακάλυψε το ναυάγιο;", "el", "kyrenia-ship", 1),  # who discovered the wreck?
    ("Gemi ne taşıyordu?", "tr", "kyrenia-ship", 4),  # what was the ship carrying?
    ("Кто построил эту башню?", "ru", "kolossi-castle", 1),  # who built this tower?
])
def test_the_multilingual_encoder_orders_an_exhibits_facts_for_a_question_in_any_language(
        retriever, question, language, exhibit, fact):
    from knowledge.reading import read

    reading = retriever.encoded(read(question, language))
    assert reading.meaning is not None and reading.meaning.shape == (384,)
    hits = retriever.fact_hits(question, exhibit, vector=retriever.bridged(reading), language=language,
                               meaning=reading.meaning)
    assert (hits[0].exhibit_id, hits[0].passage.index) == (exhibit, fact)


def test_the_multilingual_encoder_reorders_an_exhibits_facts_and_summary_but_never_lifts_one_exhibit_over_another(retriever):
    from knowledge.reading import read

    reading = retriever.encoded(read("Who found the wreck?", "en"))
    english = retriever.exhibit_scores(reading.text, "kolossi-castle", reading.vector, "en", reading.meaning)
    alone = Retriever(retriever.catalogue, RetrievalSettings(meaning_weight=0, bank_weight=0), retriever.encoder)
    before = alone.exhibit_scores(reading.text, "kolossi-castle", reading.vector, "en")
    kinds = np.array([p.kind for p in retriever.passages])
    assert np.allclose(english[kinds == "paragraph"], before[kinds == "paragraph"])
    for exhibit_id in retriever.catalogue.ids:  # each exhibit's best passage keeps the best one's score
        mine = [n for n, p in enumerate(retriever.passages) if p.exhibit_id == exhibit_id and p.kind != "paragraph"]
        assert max(english[mine]) == pytest.approx(max(before[mine]), abs=1e-5)
    ship = [n for n, p in enumerate(retriever.passages) if p.exhibit_id == "kyrenia-ship" and p.kind == "fact"]
    assert retriever.passages[ship[int(np.argmax(english[ship]))]].index == 1  # the finding, by the multilingual reading


class NoMeanings:
    def __init__(self, threads: int = 1):
        self.threads = threads

    def passages(self, texts):
        raise AssertionError("the cached multilingual vectors should have been used")

    queries = passages


def test_the_multilingual_vectors_are_cached(tmp_path, monkeypatch, retriever):
    import knowledge.retrieval as retrieval

    monkeypatch.setenv("HERITAGE_GUIDE_CACHE", str(tmp_path))
    built = Retriever(encoder=retriever.encoder)
    monkeypatch.setattr(retrieval, "Multilingual", NoMeanings)
    cached = Retriever(encoder=retriever.encoder)
    assert all(np.array_equal(built.meanings[k], cached.meanings[k]) for k in built.meanings)
