"""The question bank: visitors' questions that each catalogue fact is known to answer, from the
guide's training material (the questions of the hand-written replies, the written training
questions, the tuning half of the Greek, Turkish and Russian questions). Retrieval compares a question with them as well as with the facts: a
visitor asks "who brought it up?", not "a team excavated the ship and raised it", and a question
is nearer another question than the sentence that answers it. No question any evaluation asks
is in the bank (`knowledge.evaluated`). Pure."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from knowledge.catalogue import Catalogue
from knowledge.dataset import LANGUAGE_QUESTIONS_FILE, TRAINING_QUESTIONS_FILE, WHAT_IS, load_rows
from knowledge.evaluated import evaluation_questions
from knowledge.replies import load_replies


@dataclass(frozen=True)
class Known:
    exhibit_id: str
    kind: str  # "fact": the kind of passage it is known for
    index: int  # the fact's place in the exhibit's facts
    question: str


def question_bank(catalogue: Catalogue) -> list[Known]:
    """Every known question once, in a fixed order."""
    out = [Known(e.id, "summary", 0, q) for e in catalogue for q in WHAT_IS]
    for exhibit_id, replies in sorted(load_replies(catalogue).items()):
        out += [Known(exhibit_id, "fact", f.fact, p.q) for f in replies.facts for p in f.pairs]
    rows = load_rows(TRAINING_QUESTIONS_FILE) + load_rows(LANGUAGE_QUESTIONS_FILE, "tune")
    out += [Known(r["exhibit"], "fact", r["fact"], r["q"]) for r in rows if r["exhibit"] in catalogue]
    judged = set(evaluation_questions())
    return list(dict.fromkeys(k for k in out if k.question not in judged))  # Known is a frozen dataclass


def bank_hash(bank: list[Known]) -> str:
    text = "\n".join(f"{k.exhibit_id}\t{k.kind}\t{k.index}\t{k.question}" for k in bank)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
