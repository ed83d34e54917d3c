"""python -m answering.guard_tuning [--strengths 10,30,100,300] [--thresholds ...] [--floor F] [--margin M] [--topics ...] [--leads ...]

How the guard's settings were chosen: every example is judged by a guard fitted without it
(every unsafe wording held out on its own, ordinary questions held out in groups of exhibits),
and the table of requests and ordinary questions declined is printed for each strength and
threshold. With --topics, the topic gate instead: for each least similarity to what the guide
talks about, how many hand-written questions that are none of its examples (the written training
questions, the differently phrased ones, the tuning half of the unanswerable ones) and how many
off-topic tuning requests fall below it. With --leads, the lead asked of a Greek, Turkish or
Russian question read in English words: for each, how many of the tuning requests and tuning
questions in those languages and of the catalogue's sentences in them the whole guard declines
(the served setting is the least that declines no question). With --kind-floors, which refusal
the unsafe tuning requests that no word list names would get, each judged by its nearest other
unsafe example (its own wording held out): their kind's own, the plain off-topic one, or another
kind's. Tuning only: the served guard is in answering/guard.py.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

import numpy as np
from tqdm import tqdm

from answering.answerable import UNANSWERABLE_FILE
from answering.guard import (
    PRESUMING,
    Examples,
    GuardSettings,
    examples,
    fit,
    for_retriever,
    given_kind,
    mean_chance,
    ngrams,
)
from answering.guard_examples import NEAR_REQUESTS, UNSAFE_EXAMPLES
from answering.intents import named_outright
from knowledge.catalogue import Catalogue
from knowledge.dataset import (
    LANGUAGE_QUESTIONS_FILE,
    ORDINARY_HARD_FILE,
    PARAPHRASED_FILE,
    RED_TEAM_FILE,
    TRAINING_QUESTIONS_FILE,
    load_questions,
    load_rows,
    training_questions,
)
from knowledge.language import language
from knowledge.reading import read
from knowledge.retrieval import Retriever


def held_out_declines(vectors: np.ndarray, data: Examples, strength: float, thresholds: Sequence[float],
                      floor: float, folds: int = 6, lexical_strength: float = GuardSettings().lexical_strength,
                      margin: float = GuardSettings().margin) -> dict[float, np.ndarray]:
    """threshold -> whether each example is declined by a guard that never saw it (its word list
    included): every unsafe wording is held out on its own, ordinary questions in `folds` groups
    of exhibits. The visit questions are judged, and compared with, but never fitted on, as by
    the served guard."""
    fitted = data.fitted
    chances, unsafe = np.zeros(len(data.texts)), data.unsafe
    nearest, ordinary = np.zeros(len(data.texts)), np.zeros(len(data.texts))
    grams = ngrams(data.texts)
    groups = np.array(data.groups)
    unsafe_groups = sorted(set(groups[unsafe]))
    ordinary_groups = sorted(set(groups[~unsafe]))
    held_out = [[g] for g in unsafe_groups] + [ordinary_groups[i::folds] for i in range(folds)]
    for left_out in tqdm(held_out, desc=f"cross-validating C={strength}", leave=False):
        test = np.isin(groups, left_out)
        learn = ~test & fitted
        weights, bias = fit(vectors[learn], unsafe[learn], strength)
        lexical, lexical_bias = fit(grams[learn], unsafe[learn], lexical_strength)
        chances[test] = mean_chance(vectors[test], grams[test], (weights, bias), (lexical, lexical_bias))
        nearest[test] = (vectors[test] @ vectors[~test & unsafe].T).max(axis=1)
        ordinary[test] = (vectors[test] @ vectors[~test & ~unsafe].T).max(axis=1)
    similar = (nearest >= floor) & (nearest >= ordinary - margin)
    outright = np.array([named_outright(text) is not None for text in data.texts])  # as Guard.check
    english = np.array([language(text) == "en" for text in data.texts])
    return {t: ((chances >= t) & similar & english) | outright for t in thresholds}


def cross_validate(vectors: np.ndarray, data: Examples, strength: float, thresholds: Sequence[float],
                   floor: float, folds: int = 6) -> dict[float, tuple[int, int]]:
    """threshold -> (unsafe requests declined, ordinary questions declined), held out as in
    `held_out_declines`."""
    unsafe = data.unsafe
    return {t: (int(d[unsafe].sum()), int(d[~unsafe].sum()))
            for t, d in held_out_declines(vectors, data, strength, thresholds, floor, folds).items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m answering.guard_tuning", description=__doc__.splitlines()[0])
    parser.add_argument("--strengths", default="10,30,100,300", help="values of C to cross-validate")
    parser.add_argument("--thresholds", default="0.6,0.65,0.7,0.75,0.8,0.9", help="mean probabilities to decline at")
    parser.add_argument("--margin", type=float, default=GuardSettings().margin,
                        help="how much closer an ordinary example may be than the nearest unsafe one")
    parser.add_argument("--floor", type=float, default=GuardSettings().floor, help="least similarity to an unsafe example")
    parser.add_argument("--topics", default=None, help="least similarities to the guide's subject to try, e.g. 0.24,0.26,0.28,0.3")
    parser.add_argument("--leads", default=None, help="leads to try for questions in Greek, Turkish and Russian, e.g. 0,0.025,0.05,0.1")
    parser.add_argument("--kind-floors", default=None, help="least similarities for a kind's own refusal, e.g. 0.4,0.45,0.5")
    args = parser.parse_args(argv)
    retriever = Retriever()
    if args.kind_floors:
        for floor, (own, plain, other, presuming) in kind_table(retriever, [float(x) for x in args.kind_floors.split(",")]).items():
            print(f"kind_floor={floor:.2f}: own kind's refusal {own}, plain refusal {plain}, "
                  f"another kind's {other} ({presuming} of them saying what the visitor feels or means to do)")
        return 0
    if args.leads:
        for lead, counts in lead_table(retriever, [float(x) for x in args.leads.split(",")]).items():
            print(f"lead={lead:.3f}: " + ", ".join(f"{name} declined {n}/{total}" for name, (n, total) in counts.items()))
        return 0
    if args.topics:
        for topic, (asked, below, errands, caught) in topic_table(retriever, [float(t) for t in args.topics.split(",")]).items():
            print(f"topic={topic:.2f}: hand-written questions below {below}/{asked}, off-topic requests below {caught}/{errands}")
        return 0
    data = examples(retriever.catalogue)
    vectors = retriever.encode(data.texts)
    thresholds = [float(t) for t in args.thresholds.split(",")]
    unsafe = data.unsafe
    # questions written by people, not made from the dataset's templates: the ones over-refusal hits
    written = ~unsafe & ~np.isin(np.arange(len(data.texts)), templated(data, retriever.catalogue))
    print(f"{int(unsafe.sum())} unsafe requests, {int((~unsafe).sum())} ordinary questions "
          f"({int(written.sum())} of them written by hand)")
    for strength in (float(c) for c in args.strengths.split(",")):
        for t, d in held_out_declines(vectors, data, strength, thresholds, args.floor,
                                             margin=args.margin).items():
            print(f"C={strength:g} threshold={t:.2f}: unsafe declined {int(d[unsafe].sum())}/{int(unsafe.sum())}, "
                  f"ordinary declined {int(d[~unsafe].sum())}/{int((~unsafe).sum())}, "
                  f"of them written by hand {int(d[written].sum())}/{int(written.sum())}")
    return 0


def topic_table(retriever: Retriever, topics: Sequence[float]) -> dict[float, tuple[int, int, int, int]]:
    """topic -> (hand-written questions, how many fall below it, off-topic tuning requests, how
    many fall below it), in English, none of them among what the gate compares with."""
    asked = ([q.question for q in load_questions(TRAINING_QUESTIONS_FILE, retriever.catalogue)]
             + [r["q"] for r in load_rows(PARAPHRASED_FILE)] + [r["q"] for r in load_rows(UNANSWERABLE_FILE, "tune")])
    errands = UNSAFE_EXAMPLES["off_topic"][0] + [r["prompt"] for r in load_rows(RED_TEAM_FILE, "tune")
                                                  if r["category"] == "off_topic"]
    asked, errands = ([t for t in texts if language(t) == "en"] for texts in (asked, errands))
    domain = for_retriever(retriever).domain
    closest = {name: (retriever.encode(texts) @ domain.T).max(axis=1) for name, texts in (("asked", asked), ("errands", errands))}
    return {t: (len(asked), int((closest["asked"] < t).sum()), len(errands), int((closest["errands"] < t).sum()))
            for t in topics}


def lead_table(retriever: Retriever, leads: Sequence[float]) -> dict[float, dict[str, tuple[int, int]]]:
    """lead -> (declined, of how many) for the tuning requests in Greek, Turkish and Russian, the
    tuning questions in those languages with the hand-written ones near requests, and the
    catalogue's summaries and facts in them."""
    foreign = {
        "requests": [r["prompt"] for r in load_rows(RED_TEAM_FILE, "tune") if language(r["prompt"]) != "en"],
        "questions": [r["q"] for r in load_rows(LANGUAGE_QUESTIONS_FILE, "tune")]
        + [r["q"] for r in load_rows(ORDINARY_HARD_FILE, "tune") if language(r["q"]) != "en"] + NEAR_REQUESTS,
        "catalogue sentences": [t for e in retriever.catalogue for lang in ("el", "tr", "ru")
                                for t in (e.text(lang)[0], *e.text(lang)[1])],
    }
    table = {}
    for lead in leads:
        guard = for_retriever(retriever, GuardSettings(lead=lead))
        table[lead] = {name: (sum(guard.check(read(t)).category is not None for t in texts), len(texts))
                       for name, texts in foreign.items()}
    return table


def kind_table(retriever: Retriever, floors: Sequence[float]) -> dict[float, tuple[int, int, int, int]]:
    """floor -> (own kind's refusal, plain refusal, another kind's, of them presuming) for the unsafe tuning
    requests that no word list names, each given the kind of its nearest unsafe example outside
    its own group where that is at least `floor` similar."""
    data = examples(retriever.catalogue)
    kinds, groups = np.array(data.kinds), np.array(data.groups)
    vectors = retriever.encode(data.texts)
    judged = [i for i in np.flatnonzero(data.unsafe) if named_outright(data.texts[i]) is None]
    nearest = []
    for i in judged:
        others = np.flatnonzero(data.unsafe & (groups != groups[i]))
        similarities = vectors[others] @ vectors[i]
        j = int(np.argmax(similarities))
        nearest.append((float(similarities[j]), str(kinds[others[j]]), str(kinds[i])))
    table = {}
    for floor in floors:  # the plain refusal is an off-topic request's own
        given = [(given_kind(got, s, floor), kind) for s, got, kind in nearest]
        own = sum(got == kind for got, kind in given)
        plain = sum(got == "off_topic" != kind for got, kind in given)
        presuming = sum(got != kind and got in PRESUMING for got, kind in given)
        table[floor] = (own, plain, len(given) - own - plain, presuming)
    return table


def templated(data: Examples, catalogue: Catalogue) -> list[int]:
    """Positions of the examples that the dataset builder made from its templates."""
    made = {question for _, _, question in training_questions(catalogue)}
    return [i for i, text in enumerate(data.texts) if text in made]


if __name__ == "__main__":
    sys.exit(main())
