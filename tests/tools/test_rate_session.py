"""The rating session: which questions it asks, how the automatic scorer rates an answer, and a
whole session against a real guide server process whose ratings land in its SQLite store."""
from __future__ import annotations

import sqlite3

import pytest

from answering.answerable import load_unanswerable
from knowledge.dataset import LANGUAGE_QUESTIONS_FILE, build, load_language_questions, load_rows, normalise
from store.criteria import CRITERIA
from tools import rate_session
from tools.rate_session import COMMENT, HEADLINE, auto_scores, pick, training_items, unit_scores
from training.dialogues import load_dialogues
from training.evaluate import load_ordinary_hard, load_paraphrased, load_red_team, score_rows


@pytest.fixture(scope="module")
def items():
    return training_items()


def asked(record: dict) -> str:
    """The visitor's question of a training record: the last line of its user turn."""
    return record["messages"][-2]["content"].splitlines()[-1].removeprefix("Question: ")


def evaluated() -> list[str]:
    """Every question the evaluations ask, read by their own loaders."""
    questions = [r["question"] for r in build()["eval"] + load_paraphrased() + load_language_questions("held_out")
                 + load_red_team(split=None) + load_ordinary_hard()]
    questions += [r["q"] for r in load_unanswerable("held_out")]
    return questions + [t["q"] for d in load_dialogues() for t in d["turns"]]


def test_the_questions_are_training_questions_in_four_languages(items):
    english = {i.question for i in items if i.language == "en"}
    assert len(english) > 500 and english <= {asked(r) for r in build()["train"]}
    others = [i for i in items if i.language != "en"]
    assert {i.language for i in others} == {"el", "tr", "ru"}
    assert {i.question for i in others} <= {r["q"] for r in load_rows(LANGUAGE_QUESTIONS_FILE, "tune")}
    assert all(i.fact and i.key_terms for i in items)


def test_no_question_is_one_an_evaluation_asks(items):
    measured = evaluated()
    assert len(measured) > 1000
    plain = {q.casefold().strip() for q in measured}
    assert not {i.question.casefold().strip() for i in items} & plain
    assert not {normalise(i.question) for i in items if i.language == "en"} & {normalise(q) for q in measured}
    # the training set asks a few questions the held-out dialogues ask too: those are left out
    assert "How long was the ship?" in {asked(r) for r in build()["train"]}
    assert "How long was the ship?" not in {i.question for i in items}


def test_questions_are_shuffled_by_the_seed_and_go_round_again_when_too_few(items):
    assert pick(items, 40, 3) == pick(items, 40, 3) != pick(items, 40, 4)
    few = pick(items[:3], 7, 0)
    assert len(few) == 7 and set(few) == set(items[:3]) and few[:3] == few[3:6]


def item(items, question):
    return next(i for i in items if i.question == question)


@pytest.mark.embedded  # the MiniLM encoder
def test_a_right_answer_is_rated_five_on_every_criterion(items, retriever):
    who = item(items, "Who discovered the wreck?")
    assert auto_scores("A local diver, Andreas Cariolou, found the wreck in 1965.", who, [who.fact],
                       retriever) == dict.fromkeys(CRITERIA, 5)
    greek = next(i for i in items if i.language == "el")
    assert auto_scores(greek.fact, greek, [], retriever) == dict.fromkeys(CRITERIA, 5)


@pytest.mark.embedded
def test_an_answer_about_another_exhibit_is_rated_down_for_facts_and_context(items, retriever):
    who = item(items, "Who discovered the wreck?")
    theatre = retriever.catalogue.get("kourion").facts[2]
    scores = auto_scores(theatre, who, [who.fact], retriever)
    assert scores["factual_accuracy"] == scores["context_relevance"] == 1
    assert scores["safety"] == scores["formatting"] == 5


@pytest.mark.embedded
def test_an_unsafe_answer_is_rated_one_for_safety(items, retriever):
    who = item(items, "Who discovered the wreck?")
    scores = auto_scores("A local diver, Andreas Cariolou, found it in 1965. Mix bleach and ammonia to clean it.",
                         who, [who.fact], retriever)
    assert scores["safety"] == 1 and scores["factual_accuracy"] == scores["context_relevance"] == 5


@pytest.mark.embedded
def test_the_scores_are_the_evaluations_own(items, retriever):
    for n, one in enumerate(i for i in items if i.language == "en"):
        if n % 97:
            continue
        answer = retriever.catalogue.get(one.exhibit).facts[n % 3] + " It is worth a visit."
        row = {"exhibit": one.exhibit, "question": one.question, "answer": answer, "facts": [one.fact],
               "fact": one.fact, "key_terms": list(one.key_terms), "chosen": [one.fact]}
        theirs, _ = score_rows([row], [], retriever)
        ours = unit_scores(answer, one, [one.fact], retriever)
        rated = [c for c in ours if theirs.get(c)]  # safety is scored on red-team rows, none here
        assert len(rated) == 4 and {c: ours[c] for c in rated} == {c: theirs[c][0] for c in rated}


@pytest.mark.slow
@pytest.mark.embedded  # the guide server loads the MiniLM encoder and its classifiers
def test_a_session_rates_every_answer_in_the_servers_store(tiny_llama, tmp_path, capsys):
    db = tmp_path / "ratings.sqlite3"
    # the tiny random model is the cheapest real model: the checks quote the facts over its noise
    status = rate_session.main(["--serve", "--db", str(db), "--answers", "6", "--visitors", "2",
                                "--model", str(tiny_llama)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert out.splitlines()[0] == HEADLINE and "6 / 6 / 6 / 6" in out, out
    with sqlite3.connect(db) as con:
        ratings = con.execute("SELECT r.comment, r.role, i.answer_id, " + ", ".join(f"r.{c}" for c in CRITERIA)
                              + " FROM ratings r LEFT JOIN interactions i USING (answer_id)").fetchall()
    assert len(ratings) == 6
    assert all(comment == COMMENT and role == "visitor" and logged for comment, role, logged, *_ in ratings)
    assert all(1 <= score <= 5 for row in ratings for score in row[3:])
