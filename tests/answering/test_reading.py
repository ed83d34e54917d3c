"""A question is read once: its language detected once and the question encoded once, whatever
the pipeline then does with it; the reading's parts and the word table it uses."""
import sys

import pytest

import knowledge.language
from answering.dialogue import Dialogue
from answering.pipeline import build_pipeline
from common.tables import TableError, load_table
from knowledge.language import Table
from knowledge.reading import joined, read


@pytest.fixture(scope="module")
def pipeline(retriever):
    return build_pipeline(retriever)


@pytest.fixture
def calls(monkeypatch, retriever):
    """The texts given to the language detector and the batches given to the sentence encoder,
    however a module holds the detector and whichever path (retriever, guard) reaches the encoder."""
    seen = {"detected": [], "encoded": [], "meant": []}
    detector, encode, mean = knowledge.language.language, retriever.encoder.encode, retriever.multilingual.queries

    def detect(text):
        seen["detected"].append(text)
        return detector(text)

    def encoded(texts, **options):
        seen["encoded"].append(list(texts))
        return encode(texts, **options)

    for module in [m for name, m in sys.modules.items() if name.split(".")[0] in ("answering", "knowledge")]:
        for name, value in list(vars(module).items()):
            if value is detector:
                monkeypatch.setattr(module, name, detect)
    def meant(texts):
        seen["meant"].append(list(texts))
        return mean(texts)

    monkeypatch.setattr(retriever.encoder, "encode", encoded)
    monkeypatch.setattr(retriever.multilingual, "queries", meant)
    return seen


def test_a_reading_holds_the_language_the_folded_words_and_the_content_words():
    greek = read("Ποιος έχτισε το κάστρο;", "en")
    assert (greek.written, greek.reply, greek.folded) == ("el", "el", "ποιοσ εχτισε το καστρο")
    assert greek.words == ("ποιοσ", "εχτισε", "το", "καστρο") and greek.content == ("εχτισε", "καστρο")
    english = read("Who built the tower?", "tr")
    assert (english.written, english.reply, english.content, english.vector) == ("en", "en", ("built", "tower"), None)
    named = read("Kourion 1934", "tr")  # nothing shows a language: answered in the session's
    assert (named.written, named.reply, named.content) == ("en", "tr", ("kourion", "1934"))
    follow = joined("Ποιος έχτισε το κάστρο;", read("And when?", "el"))
    assert (follow.text, follow.written, follow.reply) == ("Ποιος έχτισε το κάστρο; And when?", "el", "en")


def test_the_stop_words_are_one_table_of_four_languages_checked_when_read(tmp_path):
    table = tmp_path / "words.yaml"
    table.write_text("en: {stop: [on, the]}\nel: {stop: [το]}\ntr: {stop: [bu]}\nru: {stop: [и]}\n")
    with pytest.raises(TableError, match="words.yaml"):  # YAML reads a bare `on` as true
        load_table(Table, table)
    table.write_text('en: {stop: ["on", the]}\nel: {stop: [το]}\ntr: {stop: [bu]}\n')
    with pytest.raises(TableError, match="ru"):
        load_table(Table, table)


@pytest.mark.parametrize("question, exhibit, session, mode", [
    ("Who built the tower?", "kolossi-castle", "en", "grounded"),
    ("Ποιος έχτισε το κάστρο;", "kolossi-castle", "el", "catalogue"),
])
def test_one_question_is_detected_once_and_encoded_once(pipeline, retriever, calls, question, exhibit, session, mode):
    plan = pipeline.plan(question, exhibit, language=session)
    assert plan.mode == mode
    assert calls["detected"] == [question]
    assert [batch for batch in calls["encoded"] if question in batch] == [[question]]
    # a Greek question answered from the catalogue is ranked by its English words too: another
    # text, encoded once; an English one is encoded alone
    english = [retriever.bridge(session).english(question)] if session != "en" else []
    assert calls["encoded"] == [[question]] + [[e] for e in english if e]
    assert calls["meant"] == [[question]]  # the multilingual encoder reads the question itself, once


def test_a_follow_up_read_with_the_question_before_it_is_encoded_once(pipeline, calls):
    dialogue = Dialogue()
    asked = "When was the tower built?"
    pipeline.heard(dialogue, pipeline.plan(asked, "kolossi-castle", dialogue=dialogue), asked, "kolossi-castle")
    for seen in calls.values():
        seen.clear()
    plan = pipeline.plan("By whom?", "kolossi-castle", dialogue=dialogue)  # the guard and retrieval both read the two
    assert plan.mode == "grounded"
    assert calls["detected"] == ["By whom?", f"{asked} By whom?"]
    assert calls["encoded"] == [["By whom?"], [f"{asked} By whom?"]]
    assert calls["meant"] == [["By whom?"], [f"{asked} By whom?"]]


def test_a_batch_is_encoded_in_one_go_and_each_question_detected_once(pipeline, calls):
    questions = ["Who built the tower?", "Ποιος έχτισε το κάστρο;", "Hello!"]
    plans = pipeline.plans(questions, ["kolossi-castle"] * 3, ["en", "en", "en"])
    assert [p.mode for p in plans] == ["grounded", "catalogue", "courtesy"]
    assert calls["detected"] == questions
    assert calls["encoded"][0] == questions and all(questions[1] not in batch for batch in calls["encoded"][1:])
