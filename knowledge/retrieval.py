"""Retrieval over the catalogue's facts and passages with the embedded sentence encoder.

The index is cached on disk, keyed by the catalogue's content hash and the encoder, so it is
rebuilt only when an exhibit changes.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from pydantic import Field

from common.files import cache_dir, write_atomically
from common.settings import Settings
from knowledge.bank import bank_hash, question_bank
from knowledge.bridge import Bridge
from knowledge.catalogue import Catalogue, default_catalogue
from knowledge.lexical import STOP, LexicalIndex
from knowledge.multilingual import NAME as MULTILINGUAL, Multilingual
from knowledge.prompting import Turn, build_messages
from knowledge.reading import Reading
from knowledge.schema import LANGUAGES
from knowledge.together import Together
from weights.models import resolve_embedder

log = logging.getLogger(__name__)


class RetrievalSettings(Settings):
    embedder: str = Field("default", description="sentence encoder: 'default', a path or a hub id")
    k: int = Field(4, ge=1, le=20, description="facts handed to the prompt (each ~30 tokens)")
    in_view_bonus: float = Field(0.25, ge=0, le=1, description="how strongly the exhibit in view is favoured")
    name_bonus: float = Field(0.15, ge=0, le=1, description="boost for exhibits the question names")
    lexical_weight: float = Field(1.0, ge=0, le=5, description="for a question in Greek, Turkish or Russian, how much the pieces of words it shares with the catalogue's sentences in that language count beside the encoder, which reads only English well")
    meaning_weight: float = Field(1.0, ge=0, le=5, description="how much the multilingual encoder's similarity of the question to a passage (in English and in the question's language) counts beside the English encoder's; 0 turns the multilingual encoder off. 1 and `bank_weight` 1 were chosen on the differently phrased questions, the tuning set (`python -m training.evaluate --model quote`: factual accuracy on them 93.7% against 90.1% without it; the weights 0.5 and 1 ordered their facts no better)")
    bank_weight: float = Field(1.0, ge=0, le=5, description="how much the multilingual encoder's similarity of the question to the visitors' questions a passage is known to answer (`knowledge.bank`) counts")
    encoder_threads: int = Field(1, ge=1, le=64, description="threads the sentence encoders compute with (the multilingual one always; torch's where llama.cpp decodes, for the transformers engine needs torch's threads): a question takes them milliseconds, and on a few cores their spinning threads beside the model's decoding stalled first answers for seconds (docs/serving.md)")


@dataclass(frozen=True)
class Passage:
    exhibit_id: str
    kind: str  # "fact", "summary" or "paragraph"
    text: str
    index: int = 0  # its place among the exhibit's passages of its kind

    def text_in(self, catalogue: Catalogue, language: str) -> str:
        """The passage in a language: translated facts and summaries, English paragraphs."""
        summary, facts = catalogue.get(self.exhibit_id).text(language)
        return {"summary": summary, "fact": facts[self.index] if self.kind == "fact" else ""}.get(self.kind, self.text)


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float

    @property
    def exhibit_id(self) -> str:
        return self.passage.exhibit_id


def passages_of(catalogue: Catalogue) -> list[Passage]:
    out = []
    for e in catalogue:
        out.append(Passage(e.id, "summary", e.summary))
        out += [Passage(e.id, "fact", f, i) for i, f in enumerate(e.facts)]
        out += [Passage(e.id, "paragraph", p, i) for i, p in enumerate(e.paragraphs)]
    return out


def cache_file_for(kind: str, key: str, suffix: str, encoder: str = "") -> Path:
    tag = re.sub(r"\W+", "_", encoder)[:40]
    return cache_dir() / (f"{kind}-{key}-{tag}{suffix}" if tag else f"{kind}-{key}{suffix}")


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-zα-ω']+", text.lower()) if w not in STOP["en"] and len(w) > 2}


class Retriever:
    """Scores passages by cosine similarity, favouring the exhibit in view and named exhibits."""

    def __init__(self, catalogue: Catalogue | None = None,
                 settings: RetrievalSettings | None = None, encoder=None):
        self.catalogue = catalogue or default_catalogue()
        self.settings = settings or RetrievalSettings()
        self.passages = passages_of(self.catalogue)
        self._encoder = encoder
        reads_meaning = self.settings.meaning_weight > 0 or self.settings.bank_weight > 0
        self.multilingual = Multilingual(self.settings.encoder_threads) if reads_meaning else None  # None: the encoder is off
        # one encode at a time (the encoder is not re-entrant), shared by whoever asks meanwhile
        self._together = Together(self._encode_now)
        self._name_words = {e.id: _words(e.names.en) | _words(e.id.replace("-", " "))
                            for e in self.catalogue}
        self._position = {exhibit_id: i for i, exhibit_id in enumerate(self.catalogue.ids)}
        self._exhibit_of = np.array([self._position[p.exhibit_id] for p in self.passages])
        self._is_fact = np.array([p.kind == "fact" for p in self.passages])
        self._is_summary = np.array([p.kind == "summary" for p in self.passages])
        self._ordered = self._is_fact | self._is_summary  # what the multilingual encoder orders
        self._summary_of = {p.exhibit_id: n for n, p in enumerate(self.passages) if p.kind == "summary"}
        self.vectors = self._load_or_build()
        self.meanings = self._load_or_build_meanings() if self.multilingual is not None else {}
        # the catalogue's sentences in each other language, matched by the pieces of words they share
        self._lexical = {language: LexicalIndex([p.text_in(self.catalogue, language) if p.kind != "paragraph"
                                                 else "" for p in self.passages], language) for language in LANGUAGES[1:]}
        self._bridges: dict[str, Bridge] = {}  # see bridge()
        self._lexical_cached = functools.lru_cache(maxsize=256)(self._lexical_scores)
        self._bridge_lock = threading.Lock()

    @property
    def encoder(self):
        if self._encoder is None:
            from sentence_transformers import SentenceTransformer

            self._encoder = SentenceTransformer(str(resolve_embedder(self.settings.embedder)),
                                                device="cpu")
        return self._encoder

    def cache_file(self, kind: str, key: str, suffix: str) -> Path:
        """Where something computed with this retriever's encoder is kept between runs."""
        return cache_file_for(kind, key, suffix, self.settings.embedder)

    def _load_or_build(self) -> np.ndarray:
        path = self.cache_file("index", self.catalogue.content_hash[:16], ".npy")
        if path.is_file():
            vectors = np.load(path)
            if vectors.shape[0] == len(self.passages):
                return vectors
        log.info("building retrieval index over %d passages", len(self.passages))
        texts = [f"{self.catalogue.get(p.exhibit_id).names.en}: {p.text}" for p in self.passages]
        vectors = self.encode(texts)
        write_atomically(path, lambda tmp: np.save(tmp, vectors))
        return vectors

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embeddings of `texts`, encoded with those of callers on other threads asking at the
        same moment (`knowledge.together`)."""
        return self._together(texts)

    def _encode_now(self, texts: list[str]) -> np.ndarray:
        """The sentence encoder on `texts`, now, on this thread (`encode` calls it one batch at a time)."""
        return np.asarray(self.encoder.encode(texts, normalize_embeddings=True,
                                              batch_size=64, show_progress_bar=False), dtype=np.float32)

    def encoded(self, reading: Reading) -> Reading:
        """The reading with its embeddings: encoded here unless it has them already."""
        if reading.vector is None:
            reading = reading.with_vector(self.encode([reading.text])[0])
        if reading.meaning is None and self.multilingual is not None:
            reading = reading.with_meaning(self.multilingual.queries([reading.text])[0])
        return reading

    def _load_or_build_meanings(self) -> dict[str, np.ndarray]:
        """The multilingual encoder's vectors of every passage in each language (paragraphs are
        English only) and of the bank's questions, cached like the index."""
        bank = question_bank(self.catalogue)
        key = hashlib.sha256(f"{self.catalogue.content_hash}{bank_hash(bank)}{MULTILINGUAL}".encode()).hexdigest()[:16]
        path = cache_file_for("meanings", key, ".npz")
        if path.is_file():
            with np.load(path) as stored:
                return dict(stored)
        log.info("encoding %d passages in %d languages and %d known questions with %s",
                 len(self.passages), len(LANGUAGES), len(bank), MULTILINGUAL)
        out = {language: self.multilingual.passages([p.text_in(self.catalogue, language) or p.text
                                                     for p in self.passages]) for language in LANGUAGES}
        out["bank"] = self.multilingual.queries([k.question for k in bank])
        place = {(p.exhibit_id, p.kind, p.index): n for n, p in enumerate(self.passages)}
        out["bank_of"] = np.array([place[(k.exhibit_id, k.kind, k.index)] for k in bank])
        write_atomically(path, lambda tmp: np.savez(tmp, **out))
        return out

    def meaning_scores(self, meaning: np.ndarray, language: str) -> np.ndarray:
        """Per fact, the multilingual encoder's similarity of the question to it (the better of
        its English and its `language` text) plus that to the closest question it is known to
        answer, weighted; per summary, twice the latter; 0 for paragraphs."""
        m = self.meanings
        sims = m["en"] @ meaning
        if language in m and language != "en":
            sims = np.maximum(sims, m[language] @ meaning)
        known = np.full(len(self.passages), -np.inf, dtype=np.float32)
        np.maximum.at(known, m["bank_of"], m["bank"] @ meaning)
        known = np.where(np.isfinite(known), known, sims)
        # a summary shares the names of any question about its exhibit: it is judged by the
        # questions it answers ("what is this?") alone
        sims = np.where(self._is_summary, known, sims)
        scores = self.settings.meaning_weight * sims + self.settings.bank_weight * known
        return np.where(self._ordered, scores, 0.0).astype(np.float32)

    def reordered(self, scores: np.ndarray, added: np.ndarray) -> np.ndarray:
        """`scores` with each exhibit's facts and summary put in the order of `scores + added`,
        on the scale of `scores`: the exhibit's best of them keeps the best one's score. So the
        multilingual encoder orders what each exhibit can say, while which exhibit answers stays
        the English encoder's and the bonuses' decision (its similarities follow the names a
        question shares with a passage more than what it asks of them)."""
        total = scores + added
        facts = self._ordered
        shift = np.full(len(self.catalogue), -np.inf, dtype=np.float32)
        np.maximum.at(shift, self._exhibit_of[facts], scores[facts])
        best = np.full(len(self.catalogue), -np.inf, dtype=np.float32)
        np.maximum.at(best, self._exhibit_of[facts], total[facts])
        return np.where(facts, total + (shift - best)[self._exhibit_of], scores).astype(np.float32)

    def question_vector(self, question: str, language: str = "en", vector: np.ndarray | None = None) -> np.ndarray:
        """The question's embedding for retrieval. For a question in another language, the mean of
        its own embedding (which still catches names and figures) and that of its words put into
        English by the catalogue's parallel text (`knowledge.bridge`), which the encoder reads."""
        vector = self.encode([question])[0] if vector is None else vector
        if language not in self._lexical:
            return vector
        return self._with_english(vector, self.bridge(language).english(question))

    def bridged(self, reading: Reading) -> np.ndarray:
        """`question_vector` of an encoded reading in the language it is answered in, from its own
        content words: its English words are the only text encoded here."""
        if reading.reply not in self._lexical:
            return reading.vector
        return self._with_english(reading.vector, self.bridge(reading.reply).english_of(reading.content))

    def _with_english(self, vector: np.ndarray, english: str) -> np.ndarray:
        return (vector + self.encode([english])[0]) / 2 if english else vector

    def bridge(self, language: str) -> Bridge:
        """The word table of one language, learned on first use; a server learns them all at
        start-up so that its first Greek, Turkish or Russian visitor does not wait for it."""
        with self._bridge_lock:
            if language not in self._bridges:
                self._bridges[language] = Bridge(self.catalogue, language)
            return self._bridges[language]

    def lexical(self, question: str, language: str) -> np.ndarray:
        """Per-passage similarity of the words of a question to the passages in its language
        (zero for English, which the encoder reads well, and for paragraphs, which are English).
        Read-only, and kept for recent questions: a suggested question that many visitors press
        is read once."""
        return self._lexical_cached(question, language)

    def _lexical_scores(self, question: str, language: str) -> np.ndarray:
        scores = (self._lexical[language].scores(question) if language in self._lexical
                  else np.zeros(len(self.passages), dtype=np.float32))
        scores.flags.writeable = False
        return scores

    def exhibit_scores(self, question: str, exhibit_in_view: str | None = None,
                       vector: np.ndarray | None = None, language: str = "en",
                       meaning: np.ndarray | None = None) -> np.ndarray:
        """Per-passage scores after the in-view and named-exhibit adjustments; `vector` and
        `meaning` are the question's embeddings (English encoder, multilingual encoder) when the
        caller has them already; `language` the language the question is written in."""
        sims = self.vectors @ (self.question_vector(question, language) if vector is None else vector)
        sims = sims + self.settings.lexical_weight * self.lexical(question, language)
        if self.multilingual is not None:
            meaning = self.multilingual.queries([question])[0] if meaning is None else meaning
            sims = self.reordered(sims, self.meaning_scores(meaning, language))
        bonus = np.zeros(len(self.catalogue), dtype=np.float32)
        asked = _words(question)
        for i, e in enumerate(self.catalogue):
            overlap = asked & self._name_words[e.id]
            if overlap:
                bonus[i] += self.settings.name_bonus * min(1.0, len(overlap) / 2)
        if exhibit_in_view in self.catalogue:
            bonus[self._position[exhibit_in_view]] += self.settings.in_view_bonus
        return sims + bonus[self._exhibit_of]

    def retrieve(self, question: str, exhibit_in_view: str | None = None,
                 k: int | None = None) -> list[Hit]:
        """The k best passages, best first, each with its exhibit id and score."""
        scores = self.exhibit_scores(question, exhibit_in_view)
        order = np.argsort(-scores, kind="stable")[: k or self.settings.k]
        return [Hit(self.passages[i], float(scores[i])) for i in order]

    def facts(self, question: str, exhibit_in_view: str | None = None,
              k: int | None = None) -> list[str]:
        """The k best quotable facts (not paragraphs), which keep the prompt short."""
        return [h.passage.text for h in self.fact_hits(question, exhibit_in_view, k)]

    def fact_hits(self, question: str, exhibit_in_view: str | None = None, k: int | None = None,
                  vector: np.ndarray | None = None, language: str = "en",
                  meaning: np.ndarray | None = None) -> list[Hit]:
        return self.hits_in(self.exhibit_scores(question, exhibit_in_view, vector, language, meaning), k)

    def hits_in(self, scores: np.ndarray, k: int | None = None) -> list[Hit]:
        """The k best facts by per-passage `scores` (`exhibit_scores`)."""
        order = [i for i in np.argsort(-scores, kind="stable") if self._is_fact[i]]
        return [Hit(self.passages[i], float(scores[i])) for i in order[: k or self.settings.k]]

    def summary_in(self, scores: np.ndarray, exhibit_id: str) -> float:
        """An exhibit summary's score in per-passage `scores` (`exhibit_scores`, asked there)."""
        return float(scores[self._summary_of[exhibit_id]])

    def closest_fact(self, vector: np.ndarray, exhibit_id: str | None) -> float:
        """The cosine similarity of a question's embedding to the closest fact of an exhibit
        (of the whole catalogue when none is in view), without any bonus."""
        mask = self._is_fact & ((self._exhibit_of == self._position[exhibit_id])
                                if exhibit_id in self.catalogue else True)
        return float((self.vectors[mask] @ vector).max())

    def rank_exhibits(self, question: str, exhibit_in_view: str | None = None,
                      vector: np.ndarray | None = None) -> list[str]:
        """Exhibit ids by their best passage, best first."""
        scores = self.exhibit_scores(question, exhibit_in_view, vector)
        best = np.full(len(self.catalogue), -np.inf)
        np.maximum.at(best, self._exhibit_of, scores)
        return [self.catalogue.ids[i] for i in np.argsort(-best, kind="stable")]


def grounded_prompt(retriever: Retriever, question: str, exhibit_id: str | None,
                    history: Sequence[Turn] = (), language: str | None = "en",
                    turns: int = 3, vector: np.ndarray | None = None) -> tuple[list[Hit], list[dict[str, str]]]:
    """The facts and chat messages for one question: the one prompt path that the server, the
    benchmarks and the evaluation harness share. `vector` is the question's embedding when the
    caller already has it (the guard encodes every question first)."""
    hits = retriever.fact_hits(question, exhibit_id, vector=vector)
    exhibit = retriever.catalogue.get(exhibit_id) if exhibit_id else None
    messages = build_messages(question, exhibit, [h.passage.text for h in hits], history,
                              language, turns)
    return hits, messages
