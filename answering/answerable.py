"""Whether the catalogue holds the answer to a question at an exhibit.

A logistic classifier on the question's sentence embedding and on how close the question comes
to the exhibit's best fact. It learns from the guide's training questions (answerable ones, and
the "I don't know" kinds the model is taught), from the second validation set of differently
phrased visitor questions, and from the `tune` half of the written unanswerable questions
(prices, opening hours, weather, names nobody recorded, measurements the catalogue lacks,
opinions, other museums). The held-out questions and the `held_out` half are never used. It is
fitted once per encoder and catalogue and cached beside the retrieval index, like the guard.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from pydantic import Field

from answering.fitted import Fitted
from answering.guard import fit, probability
from common.files import write_atomically
from common.settings import Settings
from knowledge.catalogue import Catalogue
from knowledge.dataset import (
    PARAPHRASED_FILE,
    QUESTIONS_FILE,
    load_rows,
    training_questions,
)

log = logging.getLogger(__name__)
UNANSWERABLE_FILE = QUESTIONS_FILE.parent / "unanswerable.yaml"
CLOSENESS_WEIGHT = 3.0  # the similarity feature's scale against the 384 unit-length embedding dims


class AnswerableSettings(Settings):
    threshold: float = Field(0.85, gt=0, lt=1, description="probability that the catalogue lacks the answer from which the guide says it doesn't know, besides the rule of demands (`python -m training.unknowns`, cross-validated by exhibit on the tuning questions: 0.85 is the lowest that says it to at most 5% of the written answerable ones: 1.8%, and catches 81.6% of the written unanswerable ones)")
    strength: float = Field(3.0, gt=0, description="inverse regularisation of the classifier")


@dataclass(frozen=True)
class Labelled:
    exhibit: str
    question: str
    unanswerable: bool
    written: bool = False  # written by hand, not made from the dataset builder's templates


def load_unanswerable(split: str | None = None) -> list[dict]:
    """The written unanswerable questions, optionally only one split (`tune` or `held_out`)."""
    return load_rows(UNANSWERABLE_FILE, split)


def examples(catalogue: Catalogue) -> list[Labelled]:
    """Everything the classifier learns from; no held-out question is among it."""
    out = [Labelled(e, q, kind == "unknown") for e, kind, q in training_questions(catalogue)
           if kind in ("fact", "what_is", "unknown")]
    out += [Labelled(r["exhibit"], r["q"], False, True) for r in load_rows(PARAPHRASED_FILE)]
    out += [Labelled(r["exhibit"], r["q"], True, True) for r in load_unanswerable("tune")]
    return out


class Answerable:
    def __init__(self, retriever, settings: AnswerableSettings | None = None,
                 cache: Callable[[str], Path] | None = None):
        self.retriever = retriever
        self.settings = settings or AnswerableSettings()
        self.weights, self.bias = self._load_or_fit(cache)

    def features(self, vectors: np.ndarray, exhibits: list[str | None]) -> np.ndarray:
        closeness = [self.retriever.closest_fact(v, e) for v, e in zip(vectors, exhibits)]
        return np.hstack([vectors, CLOSENESS_WEIGHT * np.array(closeness, dtype=np.float32)[:, None]])

    def _load_or_fit(self, cache: Callable[[str], Path] | None) -> tuple[np.ndarray, float]:
        data = examples(self.retriever.catalogue)
        # the catalogue too: how close a question comes to an exhibit's best fact is a feature
        key = hashlib.sha256(json.dumps([[d.exhibit, d.question, d.unanswerable] for d in data]
                                        + [self.settings.strength, self.retriever.catalogue.content_hash]).encode()).hexdigest()[:16]
        path = cache(key) if cache else None
        self.fitted = Fitted.of("answerable", key, path,
                                ["unanswerable" if d.unanswerable else "answerable" for d in data])
        if not self.fitted.now:
            stored = np.load(path)
            return stored["weights"], float(stored["bias"])
        log.info("fitting the answerability classifier on %d questions", len(data))
        vectors = self.retriever.encode([d.question for d in data])
        weights, bias = fit(self.features(vectors, [d.exhibit for d in data]),
                            np.array([d.unanswerable for d in data]), self.settings.strength)
        if path is not None:
            write_atomically(path, lambda tmp: np.savez(tmp, weights=weights, bias=bias))
        return weights, bias

    def lacking(self, vector: np.ndarray, exhibit: str | None) -> float:
        """The probability that the catalogue does not answer this question."""
        return float(probability(self.features(vector[None, :], [exhibit]), self.weights, self.bias)[0])

    def unsure(self, vector: np.ndarray, exhibit: str | None) -> bool:
        return self.lacking(vector, exhibit) >= self.settings.threshold


def for_retriever(retriever, settings: AnswerableSettings | None = None) -> Answerable:
    """The classifier on the retriever's encoder, cached beside its index."""
    return Answerable(retriever, settings, lambda key: retriever.cache_file("answerable", key, ".npz"))
