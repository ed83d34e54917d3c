import collections
import json
import re

import pytest

from knowledge.dataset import (
    ASKED,
    PARAPHRASED_FILE,
    TRAINING_QUESTIONS_FILE,
    build,
    load_questions,
    load_rows,
    normalise,
    training_questions,
    write,
)
from knowledge.schema import count_sentences


@pytest.fixture(scope="module")
def data(retriever):
    return build(retriever=retriever)


def test_no_evaluation_question_is_in_training(data):
    train = {normalise(r["messages"][-2]["content"]) for r in data["train"]}
    held_out = {normalise(r["question"]) for r in data["eval"]}
    assert len(held_out) >= 90 and not train & held_out


def test_at_least_15_pairs_per_exhibit_of_every_kind(data):
    per = collections.Counter(r["exhibit"] for r in data["train"])
    assert min(per.values()) >= 15
    kinds = collections.Counter(r["kind"] for r in data["train"])
    assert {"what_is", "fact", "unknown", "unsafe", "follow_up"} <= set(kinds)


def test_answers_follow_the_formatting_rules(data):
    for record in data["train"]:
        answer = record["messages"][-1]["content"]
        assert 1 <= count_sentences(answer) <= 4, answer
        assert not re.search(r"[*#`<>]|^\s*-", answer), answer


def test_fact_answers_are_grounded_in_the_prompt(data):
    for record in data["train"]:
        if record["kind"] == "fact":
            first = record["messages"][-1]["content"].split(". ")[0]
            assert first in record["messages"][0]["content"]


def test_written_training_questions_are_asked_of_the_fact_that_answers_them(data, retriever):
    written = load_questions(TRAINING_QUESTIONS_FILE, retriever.catalogue)
    asked = {r["messages"][-2]["content"]: r for r in data["train"] if r["kind"] == ASKED}
    assert len(written) >= 200 and set(asked) == {q.question for q in written}
    for q in written:
        fact = retriever.catalogue.get(q.exhibit).facts[q.fact]
        record = asked[q.question]
        assert record["exhibit"] == q.exhibit
        assert f"- {fact}" in record["messages"][0]["content"], "the answering fact is among those shown"
        assert record["messages"][-1]["content"].startswith(fact)


def test_written_training_questions_stay_out_of_what_the_guard_learns(retriever):
    written = {q.question for q in load_questions(TRAINING_QUESTIONS_FILE, retriever.catalogue)}
    assert not written & {q for _, _, q in training_questions(retriever.catalogue)}


def test_no_written_training_question_is_close_to_an_evaluation_question(retriever):
    """Near-copies of the held-out or the differently phrased questions would measure recall of
    the wording, not how the guide generalises."""
    written = [q.question for q in load_questions(TRAINING_QUESTIONS_FILE, retriever.catalogue)]
    evaluated = [q.question for q in load_questions(catalogue=retriever.catalogue)]
    evaluated += [r["q"] for r in load_rows(PARAPHRASED_FILE)]
    closest = (retriever.encode(written) @ retriever.encode(evaluated).T).max(axis=1)
    near = [q for q, s in zip(written, closest) if s >= 0.8]
    assert not near, near


def test_builder_output_is_stable(data, retriever, tmp_path):
    first = write(data, tmp_path / "a", "h")
    second = write(build(retriever=retriever), tmp_path / "b", "h")
    assert first["data_hash"] == second["data_hash"]
    rows = [json.loads(line) for line in (tmp_path / "a" / "eval.jsonl").read_text().splitlines()]
    assert all(r["key_terms"] for r in rows)
