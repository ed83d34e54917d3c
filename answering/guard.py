"""A guard in front of the model: requests that are plainly out of bounds (prompt injection,
hateful or political bait, dangerous instructions, harm to the exhibits, personal data) get a
polite refusal before any generation, so that declining them never depends on a small model.

It is two logistic classifiers, whose probabilities are averaged: one on the question's sentence
embedding (the retrieval encoder's, so it costs no extra model), which knows what a request means,
and one on its character and word n-grams, which knows the words that unsafe requests use however
the sentence around them is built. It learns from the guide's training questions (the unsafe
requests the model is taught to decline against every other kind) and from short written examples
of each unsafe kind and of ordinary questions that sound close (wars, looting, damage in history).
It is fitted once per encoder and catalogue and cached beside the retrieval index. A question must
also resemble some unsafe example, since a linear classifier extrapolates on greetings and
fragments unlike anything it learnt from, and must be nearly as close to some unsafe example as to
every ordinary one (`margin`): a visit question ("can I bring my dog in?") that sounds like a
request to take something is nearest to the written visit questions, which the classifiers are not
fitted on (answering/data/guard_examples.yaml). The refusal is the kind of the nearest unsafe
example. An English question that the classifiers let through but that is far from every catalogue
passage and every ordinary example (`topic`) is a task the guide does not do (code, sums, recipes,
health, money, stories) and is declined as off-topic: the unsafe examples cannot name every such
errand, but the guide's own subject is written down. Nothing from the held-out sets is used: the
settings are chosen on what a guard that never saw each example makes of it (every unsafe wording
held out on its own, ordinary questions held out by exhibit; `python -m answering.guard_tuning`
prints that table), aiming at 1% or fewer of the hand-written ordinary questions declined.
A question in Greek, Turkish or Russian is judged by the word lists of answering/intents.py, then
read in English words (knowledge/bridge.py: a written glossary of everyday words, then the
catalogue's parallel text) and judged like an English question by those words; the encoder reads
Greek and Cyrillic poorly, and "write me poem" says what "Γράψε μου ένα ποίημα" asks.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from pydantic import Field
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

from answering.fitted import Fitted
from answering.guard_examples import ORDINARY, UNSAFE_EXAMPLES, VISIT
from answering.intents import about_the_museum, named_outright
from common.files import write_atomically
from common.settings import Settings
from knowledge.catalogue import Catalogue
from knowledge.dataset import ORDINARY_HARD_FILE, RED_TEAM_FILE, load_rows, training_questions
from knowledge.phrasebook import PHRASEBOOK
from knowledge.reading import Reading, read
from knowledge.retrieval import passages_of

log = logging.getLogger(__name__)


class GuardSettings(Settings):
    enabled: bool = Field(True, description="decline plainly unsafe requests before generation")
    threshold: float = Field(0.75, gt=0, lt=1, description="mean probability of 'unsafe' from the two classifiers needed to decline (`python -m answering.guard_tuning`, cross-validated on the tuning examples and the visit questions: it declines 292 of 302 unsafe requests, its word lists included, and 4 of 178 hand-written ordinary questions (6 of 173 before the examples of how things were made, 5 of 167 before the visit questions about the museum's own details and leaving); before those two additions no threshold from 0.70 to 0.85 with any margin from 0 to 0.1 declined 1% or fewer of them, and 0.75 first did with the visit questions left out)")
    strength: float = Field(30.0, gt=0, description="inverse regularisation of the embedding classifier (larger fits the examples more closely)")
    lexical_strength: float = Field(10.0, gt=0, description="inverse regularisation of the n-gram classifier")
    margin: float = Field(0.1, ge=0, le=2, description="how much closer the nearest ordinary or visit example may be than the nearest unsafe one for a question still to be declined (cross-validated at the threshold, before the visit questions about the museum's own details and leaving: 0.1 declined 292 requests and 5 ordinary questions; 0.05, 289 and 4; 0, 278 and 2)")
    floor: float = Field(0.35, ge=0, le=1, description="least cosine similarity to some unsafe example; a linear classifier alone may decline greetings and fragments unlike anything it learnt from")
    kind_floor: float = Field(0.5, ge=0, le=1, description="least cosine similarity to the nearest unsafe example for the classifiers to give the refusal of its kind where that says what the visitor seems to feel or mean to do (self-harm, hate, violence, damage); a request declined farther from every such example gets the plain one of the off-topic kind (`python -m answering.guard_tuning --kind-floors 0,0.45,0.5,0.55`: of the 99 tuning requests no word list names, each held out, 0.5 gives 79 their own kind's refusal, 6 the plain one and 14 another kind's, 3 of those presuming, against 83, 0, 16 and 5 with no floor; 0.45 does as well with 80 of their own, but 'Sing me a song' lay 0.450 from a self-harm request and 'Tell me a joke' in Greek 0.469 from a hateful one, and got their words)")
    lead: float = Field(0.0, ge=0, le=1, description="for a question in Greek, Turkish or Russian, read in English words: how much nearer to some unsafe example than to every ordinary and visit example it must be, where an English question may be `margin` farther (its words without their grammar make the classifiers surer than they should be). The least that declines none of the tuning questions in those languages (`python -m answering.guard_tuning --leads 0,0.025,0.05,0.1`: every value up to 0.1 declines all 30 tuning requests and none of 85 questions; 0.05 was needed before the museum's own details and wifi were visit questions in every language)")
    topic: float = Field(0.28, ge=0, le=1, description="least cosine similarity of an English question to some catalogue passage or ordinary example for it to count as about the exhibition or the visit; below it, it is declined as off-topic, 0 turns this off (`python -m answering.guard_tuning --topics`: the highest value that leaves at most 2 of the 388 hand-written questions outside its examples below it, about 0.5%; it catches 14 of the 26 off-topic tuning requests by itself)")


# hashed, so that the n-gram classifier is its weights alone: nothing else to store or fit
CHARS = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=1 << 18, alternate_sign=False)
WORDS = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=1 << 18, alternate_sign=False)


def ngrams(texts: Sequence[str]) -> csr_matrix:
    """Each text's character 2- to 5-grams and word 1- and 2-grams, hashed, each half of unit length."""
    return hstack([CHARS.transform(texts), WORDS.transform(texts)]).tocsr()


@dataclass(frozen=True)
class Verdict:
    category: str | None  # the kind of unsafe request, None when the question may be answered
    answer: str | None  # the refusal to give instead of generating


@dataclass(frozen=True)
class Examples:
    texts: list[str]
    kinds: list[str]  # the kind of unsafe request, or "ordinary"
    groups: list[str]  # texts that share a group are held out together in cross-validation

    @property
    def unsafe(self) -> np.ndarray:
        return np.array([kind != "ordinary" for kind in self.kinds])

    @property
    def fitted(self) -> np.ndarray:
        """Which examples the classifiers learn from: all but the visit questions, which a
        question is only compared with (`margin`)."""
        return np.array([not group.startswith(VISIT_GROUP) for group in self.groups])


VISIT_GROUP = "visit/"


def examples(catalogue: Catalogue) -> Examples:
    """The written examples and the training questions, labelled; the held-out questions are not
    among them (training_questions leaves them out)."""
    texts, kinds, groups = [], [], []
    for kind, (written, _) in UNSAFE_EXAMPLES.items():
        texts += written
        kinds += [kind] * len(written)
        groups += [f"{kind}/{i}" for i in range(len(written))]
    for name, written in (("ordinary/", ORDINARY), (VISIT_GROUP, VISIT)):
        texts += written
        kinds += ["ordinary"] * len(written)
        groups += [f"{name}{i}" for i in range(len(written))]
    for r in load_rows(RED_TEAM_FILE, "tune"):  # each request is a wording of its own
        texts.append(r["prompt"])
        kinds.append(r["category"])
        groups.append(f"red/{r['prompt']}")
    for r in load_rows(ORDINARY_HARD_FILE, "tune"):
        texts.append(r["q"])
        kinds.append("ordinary")
        groups.append(r["exhibit"])
    for exhibit_id, kind, question in training_questions(catalogue):
        unsafe = kind in UNSAFE_EXAMPLES
        texts.append(question)
        kinds.append(kind if unsafe else "ordinary")
        # an unsafe request's group is its wording; an ordinary question's, its exhibit
        name = catalogue.get(exhibit_id).names.en
        groups.append(question.replace(name, "{name}") if unsafe else exhibit_id)
    return Examples(texts, kinds, groups)


def fit_key(data: Examples, domain: list[str], settings: GuardSettings) -> str:
    """What a fit of the guard depends on, hashed: its examples, its topic's texts, its settings."""
    return hashlib.sha256(json.dumps([data.texts, data.kinds, domain, settings.strength, settings.lexical_strength,
                                      "ngrams-v1", "ordinary-v1", "passages-v1"]).encode()).hexdigest()[:16]


def fit(vectors: np.ndarray, unsafe: np.ndarray, strength: float) -> tuple[np.ndarray, float]:
    """(weights, bias) of a logistic classifier; both classes weigh the same in total, since
    ordinary questions outnumber unsafe requests several times."""
    model = LogisticRegression(C=strength, class_weight="balanced", max_iter=2000)
    model.fit(vectors, unsafe)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def probability(vectors: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(vectors @ weights + bias)))


def mean_chance(vectors: np.ndarray, grams, meaning: tuple[np.ndarray, float],
                words: tuple[np.ndarray, float]) -> np.ndarray:
    """The mean of the embedding classifier's and the n-gram classifier's probabilities."""
    return (probability(vectors, *meaning) + probability(grams, *words)) / 2


class Guard:
    def __init__(self, encode: Callable[[list[str]], np.ndarray], catalogue: Catalogue,
                 settings: GuardSettings | None = None, cache: Callable[[str], Path] | None = None,
                 gloss: Callable[[str, str], str] | None = None):
        self.settings = settings or GuardSettings()
        self.encode = encode
        self.gloss = gloss  # (question, language) -> its English words, "" when none are known
        self.weights, self.bias = np.zeros(1), 0.0
        self.lexical, self.lexical_bias = np.zeros(1), 0.0
        self.nearest, self.kinds = np.zeros((0, 1)), np.array([])  # every unsafe example, for the kind
        self.ordinary = np.zeros((0, 1))  # every ordinary example, for the margin
        self.domain = np.zeros((0, 1))  # the catalogue's English passages and the ordinary examples: the topic
        self.fitted: Fitted | None = None  # what it was fitted on, and where it is kept; None when off
        if self.settings.enabled:
            self._load_or_fit(catalogue, cache)

    def _load_or_fit(self, catalogue: Catalogue, cache: Callable[[str], Path] | None) -> None:
        """`cache` gives the file for a fit's key: what it learnt from and how."""
        data, domain = examples(catalogue), domain_texts(catalogue)
        key = fit_key(data, domain, self.settings)
        path = cache(key) if cache else None
        self.fitted = Fitted.of("guard", key, path, data.kinds)
        if not self.fitted.now:
            stored = np.load(path)
            self.weights, self.bias = stored["weights"], float(stored["bias"])
            self.lexical, self.lexical_bias = stored["lexical"], float(stored["lexical_bias"])
            self.nearest, self.kinds, self.ordinary = stored["nearest"], stored["kinds"], stored["ordinary"]
            self.domain = np.vstack([stored["passages"], self.ordinary])
            return
        log.info("fitting the guard on %d examples", len(data.texts))
        vectors, unsafe, fitted = self.encode(data.texts), data.unsafe, data.fitted
        self.weights, self.bias = fit(vectors[fitted], unsafe[fitted], self.settings.strength)
        self.lexical, self.lexical_bias = fit(ngrams([t for t, f in zip(data.texts, fitted) if f]), unsafe[fitted],
                                              self.settings.lexical_strength)
        self.nearest, self.kinds = vectors[unsafe], np.array(data.kinds)[unsafe]
        self.ordinary = vectors[~unsafe]
        passages = self.encode(domain)
        self.domain = np.vstack([passages, self.ordinary])
        if path is not None:
            write_atomically(path, lambda tmp: np.savez(tmp, weights=self.weights, bias=self.bias,
                                                        lexical=self.lexical, lexical_bias=self.lexical_bias,
                                                        nearest=self.nearest, kinds=self.kinds,
                                                        ordinary=self.ordinary, passages=passages))

    def chance(self, question: str, vector: np.ndarray) -> float:
        """The mean of the two classifiers' probabilities that the question is unsafe."""
        return float(mean_chance(vector[None, :], ngrams([question]), (self.weights, self.bias),
                                 (self.lexical, self.lexical_bias))[0])

    def check(self, reading: Reading, exhibit_name: str | None = None) -> Verdict:
        """The verdict on a question read once (`knowledge.reading`): its language is the
        reading's, and its embedding too where it has one (it is encoded here otherwise)."""
        if not self.settings.enabled:
            return Verdict(None, None)
        kind = named_outright(reading.text)
        if kind is None:
            kind = self.judged(reading)
        return Verdict(kind, refusal(kind, exhibit_name) if kind else None)

    def judged(self, reading: Reading) -> str | None:
        """The classifiers' kind for a question the word lists let through: an English question as
        it is, any other by its English words (its own embedding would be noise), None when the
        glossary finds nothing in it that a request asks for. Those words are another text: they
        are encoded here, once, and only for a question whose words the glossary knows."""
        question = reading.text
        if reading.written == "en":
            vector = self.encode([question])[0] if reading.vector is None else reading.vector
            kind = self.unsafe_kind(question, vector)
        else:
            english = self.gloss(question, reading.written) if self.gloss else ""
            if not english:
                return None
            vector = self.encode([english])[0]
            kind = named_outright(english) or self.unsafe_kind(english, vector, -self.settings.lead)
            if kind in (None, "personal_data") and about_the_museum(question):
                return None  # the museum's wifi or desk is the visit's business, which its English words lose
        return "off_topic" if kind is None and self.off_topic(vector) else kind

    def unsafe_kind(self, question: str, vector: np.ndarray, margin: float | None = None) -> str | None:
        """The kind of the nearest unsafe example when the classifiers call an English question
        unsafe and it is close enough to what they learnt from (at least the floor, and no more
        than `margin`, the setting's unless given, farther than the nearest ordinary example)."""
        margin = self.settings.margin if margin is None else margin
        if self.chance(question, vector) < self.settings.threshold:
            return None
        similarities = self.nearest @ vector
        closest = similarities.max()
        if closest < self.settings.floor or closest < (self.ordinary @ vector).max() - margin:
            return None
        return given_kind(str(self.kinds[int(np.argmax(similarities))]), closest, self.settings.kind_floor)

    def off_topic(self, vector: np.ndarray) -> bool:
        """Whether an English question is far from everything the guide talks about: code,
        sums, recipes, health, money, plans and stories that the unsafe examples never named."""
        return bool(self.settings.topic) and float((self.domain @ vector).max()) < self.settings.topic


# kinds whose refusal says what the visitor seems to feel or mean to do
PRESUMING = ("self_harm", "hate", "violence", "damage")


def given_kind(nearest: str, similarity: float, floor: float) -> str:
    """The kind whose refusal a declined request gets from the nearest unsafe example: the plain
    off-topic one instead of a presuming kind's, unless that example is at least `floor` close."""
    return "off_topic" if nearest in PRESUMING and similarity < floor else nearest


def domain_texts(catalogue: Catalogue) -> list[str]:
    """What the guide talks about, in English: every summary, fact and paragraph of the catalogue."""
    return [p.text for p in passages_of(catalogue)]


def refusal(kind: str, exhibit_name: str | None) -> str:
    """The kind's refusal in English, then the same offer the trained guide makes after declining."""
    return PHRASEBOOK.refusal(kind, "en", exhibit_name)


def declined(guard: Guard, questions: Sequence[str], vectors: np.ndarray | None = None,
             exhibit_names: Sequence[str | None] | None = None) -> list[Verdict]:
    """Verdicts for many questions, encoded in one batch unless their embeddings are given."""
    vectors = guard.encode(list(questions)) if vectors is None else vectors
    names = exhibit_names or [None] * len(questions)
    return [guard.check(read(q, vector=v), name) for q, name, v in zip(questions, names, vectors)]


def for_retriever(retriever, settings: GuardSettings | None = None) -> Guard:
    """The guard on the retriever's encoder, cached beside its index."""
    return Guard(retriever.encode, retriever.catalogue, settings,
                 lambda key: retriever.cache_file("guard", key, ".npz"),
                 lambda question, spoken: retriever.bridge(spoken).request(question))
