"""python -m training.unknowns   (cross-validates when the guide says it doesn't know; prints a table)

The answer pipeline says it doesn't know when no fact close to the question gives what the
question asks for (answering/demands.py), or when the answerability classifier
(answering/answerable.py) finds the question unlike anything the catalogue answers. This command
chooses the classifier's threshold on the tuning questions only: the classifier is fitted on five
of six groups of exhibits and judges the sixth, so that every question is judged by a classifier
that never saw its exhibit, and the rule of demands is applied as the server applies it. The
held-out questions and the held-out unanswerable half are never read.
"""
from __future__ import annotations

import argparse
from typing import Sequence

import numpy as np

from answering.pipeline import AnswerSettings, build_pipeline
from answering.answerable import AnswerableSettings, examples
from answering.guard import GuardSettings, fit, probability
from knowledge.retrieval import Retriever

NEVER = 0.999999  # a threshold the classifier never reaches: the demands alone decide


def held_out_chances(pipeline, data, folds: int = 6) -> np.ndarray:
    """Each question's probability of 'unanswerable' from a classifier that never saw its exhibit."""
    answerable, retriever = pipeline.answerable, pipeline.retriever
    vectors = retriever.encode([d.question for d in data])
    features = answerable.features(vectors, [d.exhibit for d in data])
    labels = np.array([d.unanswerable for d in data])
    exhibits = sorted({d.exhibit for d in data})
    fold_of = {e: i % folds for i, e in enumerate(exhibits)}
    groups = np.array([fold_of[d.exhibit] for d in data])
    chances = np.zeros(len(data))
    for fold in range(folds):
        test = groups == fold
        weights, bias = fit(features[~test], labels[~test], answerable.settings.strength)
        chances[test] = probability(features[test], weights, bias)
    return chances


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.unknowns", description=__doc__.splitlines()[0])
    parser.add_argument("--thresholds", default="0.6,0.7,0.8,0.85,0.9,0.95", help="probabilities to try")
    args = parser.parse_args(argv)
    retriever = Retriever()
    never = AnswerSettings(answerable=AnswerableSettings(threshold=NEVER))
    pipeline = build_pipeline(retriever, GuardSettings(enabled=False), never)
    data = examples(retriever.catalogue)
    plans = pipeline.plans([d.question for d in data], [d.exhibit for d in data])
    by_demand = np.array([p.mode == "unknown" for p in plans])
    chances = held_out_chances(pipeline, data)
    labels = np.array([d.unanswerable for d in data])
    written = np.array([d.written for d in data])
    print(f"{int(labels.sum())} unanswerable questions ({int((labels & written).sum())} written), "
          f"{int((~labels).sum())} answerable ({int((~labels & written).sum())} written)")
    print("| threshold | answerable: 'don't know' (written) | unanswerable: 'don't know' (written) |")
    print("|---|---|---|")
    for t in [float(x) for x in args.thresholds.split(",")] + [NEVER]:
        unknown = by_demand | (chances >= t)
        label = "demands alone" if t == NEVER else f"{t:g}"
        print(f"| {label} | {_rate(unknown, ~labels)} ({_rate(unknown, ~labels & written)}) "
              f"| {_rate(unknown, labels)} ({_rate(unknown, labels & written)}) |")
    return 0


def _rate(flags: np.ndarray, among: np.ndarray) -> str:
    return f"{100 * flags[among].mean():.1f}% of {int(among.sum())}"


if __name__ == "__main__":
    raise SystemExit(main())
