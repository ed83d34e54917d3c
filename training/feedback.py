"""Preference data for the next guide, from two real sources in a guide store:

- the answer checks' rejections: the sentence the model wanted to say, which the checks refused,
  against the hand-written telling of the fact that should have been said (`knowledge/replies`,
  itself checked as served answers are), or the fact quoted where no telling passes; both after
  what the answer had already said, so the pair differs only where the model went wrong;
- ratings: answers to the same question at the same exhibit, the better-rated one chosen, an
  expert's rating weighing `EXPERT_WEIGHT` visitors'.

Every prompt is the one the model was really given (stored with the answer). Rows are
deduplicated, those whose question is close to an evaluation question are dropped, and the rest
are split by exhibit, so that no exhibit is both learned and judged on.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

from knowledge.catalogue import Catalogue, default_catalogue
from knowledge.prompting import phrase_messages, plain
from knowledge.evaluated import evaluation_questions
from knowledge.replies import load_replies, record, reply_problems
from store import read_rows
from store.criteria import CRITERIA

EXPERT_WEIGHT = 3.0  # an expert's rating of an answer counts as much as three visitors'
MARGIN = 1.0  # rated pairs: the chosen answer's weighted mean beats the other's by a whole point
NEAR = 0.8  # cosine to an evaluation question above which a row is left out
VALIDATION_SHARE = 0.15  # of exhibits whose rows are kept out of training to measure it


@dataclass(frozen=True)
class Preferences:
    train: list[dict]
    validation: list[dict]
    counts: dict
    data_hash: str


def tellings(catalogue: Catalogue) -> dict[str, str]:
    """Each English fact -> the guide's hand-written sentence telling it, where that sentence
    passes the served checks against the fact and its exhibit's record."""
    out = {}
    for exhibit_id, replies in load_replies(catalogue).items():
        exhibit = catalogue.get(exhibit_id)
        for fr in replies.facts:
            if fr.fact < len(exhibit.facts):
                fact = exhibit.facts[fr.fact]
                if not reply_problems(fr.say, [fact, record(exhibit)], ""):
                    out[fact] = fr.say
    return out


def joined(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def rejection_pairs(rows: Sequence[dict], telling: dict[str, str]) -> list[dict]:
    """One DPO row per rejected sentence that has a fact to prefer."""
    pairs = []
    for r in rows:
        if not r["prompt"] or not r["fact"]:
            continue
        better = telling.get(r["fact"], r["fact"])
        pairs.append({"prompt": prompt_messages(r),
                      "chosen": [{"role": "assistant", "content": joined(r["before"], better)}],
                      "rejected": [{"role": "assistant", "content": joined(r["before"], r["sentence"])}],
                      "exhibit": r["exhibit"], "question": r["question"], "source": "rejection",
                      "reason": r["reason"], "guide": r["model_manifest"]})
    return pairs


def load_rejections(db: str | Path) -> list[dict]:
    return read_rows(db, "SELECT r.before, r.sentence, r.reason, r.fact, i.exhibit, i.question, i.prompt, "
                         "i.model_manifest FROM rejections r JOIN interactions i USING (answer_id) "
                         "ORDER BY i.created_at, r.position")


def weighted_answers(rows: Sequence[dict]) -> list[dict]:
    """One entry per rated answer: its ratings' mean over the criteria, weighted by role."""
    per: dict[str, dict] = {}
    for r in rows:
        entry = per.setdefault(r["answer_id"], {**r, "total": 0.0, "weight": 0.0})
        weight = EXPERT_WEIGHT if r.get("role") == "expert" else 1.0
        overall = r["overall"] if "overall" in r else sum(r[c] for c in CRITERIA) / len(CRITERIA)
        entry["total"] += weight * overall
        entry["weight"] += weight
    return [{**e, "score": e["total"] / e["weight"]} for e in per.values()]


def rating_pairs(rows: Sequence[dict], margin: float = MARGIN) -> list[dict]:
    """Answers to the same question at the same exhibit, the better-rated one chosen."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for a in weighted_answers(rows):
        groups[(a["exhibit"], " ".join(a["question"].lower().split()))].append(a)
    pairs = []
    for group in groups.values():
        group.sort(key=lambda a: -a["score"])
        for i, better in enumerate(group):
            pairs += [{"prompt": prompt_messages(worse),
                       "chosen": [{"role": "assistant", "content": plain(better["answer"])}],
                       "rejected": [{"role": "assistant", "content": plain(worse["answer"])}],
                       "exhibit": better["exhibit"], "question": better["question"], "source": "rating",
                       "reason": f"rated {better['score']:.1f} against {worse['score']:.1f}",
                       "guide": worse["model_manifest"]}
                      for worse in group[i + 1:]
                      if better["score"] - worse["score"] >= margin and better["answer"] != worse["answer"]]
    return pairs


@lru_cache(maxsize=1)
def _catalogue() -> Catalogue:
    return default_catalogue()  # read once, not once per exported row


def prompt_messages(row: dict) -> list[dict]:
    """The prompt the model was given, as stored with the answer (a JSON string or the decoded
    list), its text made safe to leave the guide. For an answer logged before prompts were
    stored: the phrasing prompt rebuilt from its question, exhibit, logged facts and language
    (without the earlier question a follow-up was given, which was not logged)."""
    stored = row.get("prompt")
    if isinstance(stored, str):
        stored = json.loads(stored)
    if stored:
        return [{**m, "content": plain(m["content"])} for m in stored]
    catalogue = _catalogue()
    exhibit = catalogue.get(row["exhibit"]) if row["exhibit"] in catalogue else None
    return phrase_messages(plain(row["question"]), exhibit, [s["fact"] for s in row["sources"]], None,
                           row.get("language") or "en")


def dedupe(rows: Sequence[dict]) -> list[dict]:
    seen, out = set(), []
    for r in rows:
        key = row_key(r)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def row_key(row: dict) -> str:
    text = json.dumps([row["prompt"], row["chosen"], row["rejected"]], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def far_from(rows: list[dict], evaluated: Sequence[str], encode: Callable, near: float = NEAR) -> list[dict]:
    """The rows whose question is below `near` cosine to every evaluation question."""
    if not rows or not evaluated:
        return list(rows)
    closest = (encode([r["question"] for r in rows]) @ encode(list(evaluated)).T).max(axis=1)
    return [r for r, s in zip(rows, closest) if s < near]


def is_validation(exhibit: str | None, share: float = VALIDATION_SHARE) -> bool:
    """A fixed split by exhibit: the same exhibit always falls on the same side."""
    digest = hashlib.sha256((exhibit or "").encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2 ** 32 < share


def preferences(db: str | Path, catalogue: Catalogue, encode: Callable, ratings: list[dict] | None = None) -> Preferences:
    """Both sources' pairs from the store at `db`, deduplicated, filtered and split."""
    from_rejections = rejection_pairs(load_rejections(db), tellings(catalogue))
    from_ratings = rating_pairs(ratings or [])
    found = dedupe(from_rejections + from_ratings)
    kept = far_from(found, evaluation_questions(), encode)
    train = [r for r in kept if not is_validation(r["exhibit"])]
    validation = [r for r in kept if is_validation(r["exhibit"])]
    counts = {"rejections": len(from_rejections), "ratings": len(from_ratings), "unique": len(found),
              "near_evaluation": len(found) - len(kept), "train": len(train), "validation": len(validation),
              "by_source": {s: sum(r["source"] == s for r in train) for s in ("rejection", "rating")}}
    digest = hashlib.sha256("".join(sorted(row_key(r) for r in kept)).encode()).hexdigest()
    return Preferences(train, validation, counts, digest)


def write(prefs: Preferences, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("train", prefs.train), ("validation", prefs.validation)):
        (out / f"{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    (out / "counts.json").write_text(json.dumps({**prefs.counts, "data_hash": prefs.data_hash}, indent=1) + "\n")
