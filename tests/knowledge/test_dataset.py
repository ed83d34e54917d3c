import collections
import json
import re

import pytest

from knowledge.dataset import build, normalise, write
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


def test_builder_output_is_stable(data, retriever, tmp_path):
    first = write(data, tmp_path / "a", "h")
    second = write(build(retriever=retriever), tmp_path / "b", "h")
    assert first["data_hash"] == second["data_hash"]
    rows = [json.loads(line) for line in (tmp_path / "a" / "eval.jsonl").read_text().splitlines()]
    assert all(r["key_terms"] for r in rows)
