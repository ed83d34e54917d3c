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
def data():
    return build()


def asked(record: dict) -> str:
    """The visitor's question of a training record: the last line of its user turn."""
    return record["messages"][-2]["content"].splitlines()[-1].removeprefix("Question: ")


def test_no_evaluation_question_is_in_training(data):
    train = {normalise(asked(r)) for r in data["train"]}
    held_out = {normalise(r["question"]) for r in data["eval"]}
    assert len(held_out) >= 90 and not train & held_out


def test_at_least_15_pairs_per_exhibit_of_every_kind(data):
    per = collections.Counter(r["exhibit"] for r in data["train"])
    assert min(per.values()) >= 15 and len(per) == 30
    kinds = collections.Counter(r["kind"] for r in data["train"])
    assert {"what_is", "fact", "two_facts", "unknown", "unsafe", "follow_up"} <= set(kinds)


def test_answers_follow_the_formatting_rules(data):
    for record in data["train"]:
        answer = record["messages"][-1]["content"]
        assert 1 <= count_sentences(answer) <= 4, answer
        assert not re.search(r"[*#`<>]|^\s*-", answer), answer


def test_replies_phrase_only_the_facts_in_their_prompt_and_never_copy_them(data):
    """Each reply passes the served checks against the facts its prompt shows, and is written
    in the guide's words: no sentence of it is a fact copied out."""
    from knowledge.support import Support, split_sentences, verbatim

    for record in data["train"]:
        if record["kind"] not in ("fact", "two_facts", "follow_up", "asked"):
            continue
        facts = [line[2:] for line in record["messages"][1]["content"].splitlines() if line.startswith("- ")]
        context = record["messages"][0]["content"].splitlines()[-1] + " " + asked(record)
        support = Support([f"{fact} {context}" for fact in facts])
        for sentence in split_sentences(record["messages"][-1]["content"]):
            assert support.problem(sentence) is None, (record["id"], sentence)
            assert not verbatim(sentence, facts), (record["id"], sentence)


def test_every_fact_of_every_exhibit_has_hand_written_replies(retriever):
    from knowledge.replies import load_replies, problems

    replies = load_replies(retriever.catalogue)
    assert set(replies) == set(retriever.catalogue.ids)
    assert problems(replies, retriever.catalogue) == []


def test_written_training_questions_are_asked_of_the_fact_that_answers_them(data, retriever):
    written = load_questions(TRAINING_QUESTIONS_FILE, retriever.catalogue)
    records = {asked(r): r for r in data["train"] if r["kind"] == ASKED}
    assert len(written) >= 200 and set(records) == {q.question for q in written}
    for q in written:
        fact = retriever.catalogue.get(q.exhibit).facts[q.fact]
        record = records[q.question]
        assert record["exhibit"] == q.exhibit
        assert f"- {fact}" in record["messages"][1]["content"], "the answering fact is the one shown"


def test_written_training_questions_stay_out_of_what_the_guard_learns(retriever):
    written = {q.question for q in load_questions(TRAINING_QUESTIONS_FILE, retriever.catalogue)}
    assert not written & {q for _, _, q in training_questions(retriever.catalogue)}


def test_no_written_training_question_is_close_to_an_evaluation_question(retriever):
    """Near-copies of the held-out or the differently phrased questions would measure recall of
    the wording, not how the guide generalises."""
    from knowledge.replies import load_replies

    written = [q.question for q in load_questions(TRAINING_QUESTIONS_FILE, retriever.catalogue)]
    replies = load_replies(retriever.catalogue).values()
    written += [p.q for r in replies for f in r.facts for p in f.pairs] + [u.q for r in replies for u in r.follow_ups]
    evaluated = [q.question for q in load_questions(catalogue=retriever.catalogue)]
    evaluated += [r["q"] for r in load_rows(PARAPHRASED_FILE)]
    closest = (retriever.encode(written) @ retriever.encode(evaluated).T).max(axis=1)
    near = [q for q, s in zip(written, closest) if s >= 0.8]
    assert not near, near


def test_builder_output_is_stable(data, retriever, tmp_path):
    first = write(data, tmp_path / "a", "h")
    second = write(build(retriever.catalogue), tmp_path / "b", "h")
    assert first["data_hash"] == second["data_hash"]
    rows = [json.loads(line) for line in (tmp_path / "a" / "eval.jsonl").read_text().splitlines()]
    assert all(r["key_terms"] for r in rows)
