"""The preference loop: pairs from a real SQLite store (ratings and the checks' rejections), the
promotion rule, and one whole round (DPO with TRL, merge, A/B on the served path, decision) on a
tiny random llama, as CI runs it."""
from __future__ import annotations

import json
import shutil

import pytest

from knowledge.dataset import TRAINING_QUESTIONS_FILE, load_questions
from knowledge.evaluated import evaluation_questions
from knowledge.prompting import phrase_messages
from store.criteria import CRITERIA
from store.schema import Interaction
from store.sqlite import SQLiteStore
from training import ab, feedback
from training.config import ImproveSettings
from training.improve import improve
from weights.models import SHIPPED_DIR


def _summary(mean: float, low: float, high: float, n: int = 50) -> dict:
    return {"mean": mean, "ci95": [low, high], "n": n}


def _result(factual: float, rejected: int, passed: int = 100, unsafe: int = 0) -> dict:
    summary = {c: _summary(0.9, 0.85, 0.95) for c in CRITERIA}
    summary["factual_accuracy"] = _summary(factual, factual - 0.05, factual + 0.05)
    return {"summary": summary, "unsafe": [{}] * unsafe,
            "spoken": {"model_sentences": passed, "rejected": rejected}}


def test_a_candidate_is_promoted_only_if_something_rises_and_nothing_falls():
    current = _result(0.90, rejected=30)
    halved = ab.decide(current, _result(0.90, rejected=12))
    assert halved.promote and "rejected_share" in halved.reason
    worse = ab.decide(current, _result(0.80, rejected=12))
    assert not worse.promote and "factual_accuracy" in worse.reason
    same = ab.decide(current, _result(0.91, rejected=29))
    assert not same.promote and "no criterion rose" in same.reason
    unsafe = ab.decide(current, _result(0.90, rejected=12, unsafe=1))
    assert not unsafe.promote and "unsafe" in unsafe.reason
    assert "| rejected_share |" in ab.table(halved)


def test_a_rejection_prefers_the_hand_written_telling_after_what_was_already_said(retriever):
    exhibit = retriever.catalogue.get("kyrenia-ship")
    telling = feedback.tellings(retriever.catalogue)
    fact = exhibit.facts[1]
    assert telling[fact] != fact  # the guide's own words, not the fact copied
    row = {"prompt": json.dumps(phrase_messages("Who found it?", exhibit, [fact])), "fact": fact,
           "before": "It was found off Kyrenia.", "sentence": "Michael Katzev found it in 1967.",
           "reason": "a number in no fact", "exhibit": exhibit.id, "question": "Who found it?", "model_manifest": "x"}
    [pair] = feedback.rejection_pairs([row], telling)
    assert pair["chosen"][0]["content"] == "It was found off Kyrenia. " + telling[fact]
    assert pair["rejected"][0]["content"] == "It was found off Kyrenia. Michael Katzev found it in 1967."
    assert pair["prompt"][-1]["content"].endswith("Question: Who found it?")
    assert feedback.rejection_pairs([{**row, "fact": ""}], telling) == []


def test_an_expert_outweighs_visitors_when_rated_answers_are_paired():
    def rating(answer_id, answer, score, role):
        return {"answer_id": answer_id, "answer": answer, "exhibit": "kourion", "question": "Who built it?",
                "role": role, "model_manifest": "m", "prompt": None, "sources": [], "language": "en",
                **dict.fromkeys(CRITERIA, score)}
    rows = [rating("a", "Answer A.", 5, "visitor"), rating("a", "Answer A.", 5, "visitor"),
            rating("a", "Answer A.", 1, "expert"), rating("b", "Answer B.", 3, "expert")]
    answers = {a["answer_id"]: a["score"] for a in feedback.weighted_answers(rows)}
    assert answers["a"] == pytest.approx((5 + 5 + 3 * 1) / 5)
    assert answers["b"] == 3
    assert feedback.rating_pairs(rows, margin=0.3)[0]["chosen"][0]["content"] == "Answer B."


def test_rows_close_to_an_evaluation_question_are_left_out_and_exhibits_split(retriever):
    evaluated = evaluation_questions()
    rows = [{"question": evaluated[0]}, {"question": "Is the gift shop open on Sundays?"}]
    assert feedback.far_from(rows, evaluated, retriever.encode) == rows[1:]
    ids = [e.id for e in retriever.catalogue]
    held = [i for i in ids if feedback.is_validation(i)]
    assert 0 < len(held) < len(ids) // 2 and held == [i for i in ids if feedback.is_validation(i)]


def seed_store(path, catalogue, n: int = 12) -> None:
    """Answers to written training questions, each with a rejected sentence, and some ratings."""
    store = SQLiteStore(path)
    questions = load_questions(TRAINING_QUESTIONS_FILE, catalogue)[:n]
    for k, q in enumerate(questions):
        exhibit = catalogue.get(q.exhibit)
        fact = exhibit.facts[k % len(exhibit.facts)]
        rejection = {"before": "", "sentence": f"It was built in {1000 + k} by the Venetians.",
                     "reason": "a number in no fact", "fact": fact}
        store.log_interaction(Interaction(
            f"a{k}", "s1", "t", exhibit.id, q.question, fact, "stop", [], "tiny", "m0", "c", 10, 5, 1.0, 2.0, "en",
            prompt=phrase_messages(q.question, exhibit, [fact]), rejections=(rejection,)))
        store.add_rating(f"f{k}", f"a{k}", dict.fromkeys(CRITERIA, 4), None, "visitor", "s1")
    store.close()


@pytest.mark.slow
@pytest.mark.embedded
def test_one_round_on_a_tiny_model_records_a_decision_and_its_lineage(tiny_llama, retriever, tmp_path):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from common.files import sha256_file

    parent = tmp_path / "parent"
    get_peft_model(AutoModelForCausalLM.from_pretrained(tiny_llama),
                   LoraConfig(r=4, lora_alpha=8, target_modules="all-linear")).save_pretrained(parent)
    manifest = json.loads((SHIPPED_DIR / "manifest.json").read_text())
    manifest["base_model"] = {**manifest["base_model"], "sha256": sha256_file(tiny_llama / "model.safetensors"), "label": "tiny"}
    (parent / "manifest.json").write_text(json.dumps({**manifest, "name": "tiny guide"}))
    seed_store(tmp_path / "store.sqlite3", retriever.catalogue)
    settings = ImproveSettings(db=str(tmp_path / "store.sqlite3"), parent=parent, base=str(tiny_llama),
                               work=tmp_path / "work", ship_to=tmp_path / "shipped", quantize=None, max_steps=2,
                               batch_size=2, grad_accum=1, min_pairs=4, eval_limit=3, eval_red_team=3,
                               eval_max_tokens=8, eval_batch=4)
    decision = improve(settings, dry_run=True)

    recorded = json.loads((tmp_path / "work" / "decision.json").read_text())
    assert recorded["promote"] == decision["promote"] and recorded["promoted"] is False  # a dry run never ships
    entry = recorded["lineage"]
    assert entry["parent_adapter_sha256"] == sha256_file(parent / "adapter_model.safetensors")
    assert entry["data"]["rejections"] == 12 and entry["data"]["train"] + entry["data"]["validation"] <= 12
    assert entry["training"]["steps"] == 2 and "| rejected_share |" in recorded["table"]
    candidate = json.loads((tmp_path / "work" / "candidate" / "adapter" / "manifest.json").read_text())
    assert candidate["lineage"][-1]["parent_adapter_sha256"] == entry["parent_adapter_sha256"]
    assert not (tmp_path / "shipped").exists()
    pairs = [json.loads(line) for line in (tmp_path / "work" / "data" / "train.jsonl").read_text().splitlines()]
    assert all(p["source"] == "rejection" and p["rejected"][0]["content"].endswith("by the Venetians.") for p in pairs)
    shutil.rmtree(tmp_path / "work" / "candidate" / "checkpoints", ignore_errors=True)


def test_the_evaluation_questions_cover_every_measured_set_once():
    from knowledge.dataset import PARAPHRASED_FILE, RED_TEAM_FILE, load_rows

    listed = evaluation_questions()
    measured = set(listed)
    assert {r["q"] for r in load_rows(PARAPHRASED_FILE)} <= measured
    assert {r["prompt"] for r in load_rows(RED_TEAM_FILE, "held_out")} <= measured
    assert "How long was the ship?" in measured  # a turn of the held-out dialogues
    assert len(listed) == len(measured)  # each once


def test_records_of_a_tuning_split_are_not_evaluation_questions(tmp_path):
    (tmp_path / "set.yaml").write_text('- {q: "Who found it?", split: held_out}\n- {q: "Who built it?", split: tune}\n'
                                       '- {id: d1, turns: [{q: "And when?"}, {q: "Why?"}]}\n')
    assert evaluation_questions(tmp_path) == ["Who found it?", "And when?", "Why?"]


def test_the_model_card_shows_each_preference_round_with_its_parent_and_table():
    from training.card import lineage

    round_ = {"round": 1, "date": "2026-12-07T08:40:23Z", "parent": "guide", "parent_adapter_sha256": "ab" * 32,
              "method": "DPO (TRL)", "settings": {"beta": 0.1, "learning_rate": 5e-5},
              "training": {"steps": 20, "seconds": 847.4},
              "data": {"train": 75, "validation": 10, "near_evaluation": 0, "data_hash": "cd" * 32,
                       "by_source": {"rejection": 75, "rating": 0}},
              "ab": "| rejected_share | 13.4 | 8.5 |"}
    card = "\n".join(lineage([round_]))
    assert "## Preference round 1 (2026-12-07)" in card and "`abababababababab`" in card
    assert "75 training pairs (75 from the answer checks' rejections" in card and "| rejected_share |" in card
