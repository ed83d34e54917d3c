"""Whether a visitor asks the guide to go on ("Tell me more", "Συνέχισε", "Devam et", "Что ещё?")
rather than asking a question: a nearest-neighbour classifier over character trigrams of folded
text, learned from labelled examples in four languages (knowledge/requests/more.yaml) against
visitors' written questions. Trigrams read every script alike and survive inflection and
missing accents; a request is short, so only short texts are considered, and it names nothing
the catalogue speaks of ("Tell me about the mosaics" is a question about mosaics)."""
from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Sequence

import yaml

from knowledge.lexical import fold

MORE_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "requests" / "more.yaml"
LONGEST = 7  # words: a request to go on is short; a longer text is a question
NEAREST = 0.45  # cosine to the nearest request below which a short text is still a question


def trigrams(folded: str) -> Counter:
    padded = f" {folded} "
    return Counter(padded[i:i + 3] for i in range(len(padded) - 2))


def stems(folded: str) -> set[str]:
    """Words of four letters or more, cut to five: what a text speaks of, in any language."""
    return {w[:5] for w in folded.split() if len(w) >= 4}


def cosine(a: dict, b: dict) -> float:
    dot = sum(n * b.get(g, 0) for g, n in a.items())
    return dot / math.sqrt(sum(n * n for n in a.values()) * sum(n * n for n in b.values()) or 1)


def load_more(path: Path = MORE_FILE) -> list[dict]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    for n, row in enumerate(rows):
        if set(row) != {"lang", "text"} or not str(row["text"]).strip():
            raise ValueError(f"{path.name}: record {n}: expected {{lang, text}}, got {row!r}")
    return rows


class GoOn:
    """Tells requests to go on from questions; `examples(language)` are requests in that language."""

    def __init__(self, requests: Sequence[dict], questions: Sequence[str], catalogue_text: Sequence[str] = ()):
        self.requests = list(requests)
        said = {w for r in self.requests for w in stems(fold(r["text"]))}
        # what visitors ask about: the catalogue's words and those of their questions, in every language
        self.topics = {w for text in [*catalogue_text, *questions] for w in stems(fold(text))} - said
        texts = [(fold(r["text"]), True) for r in self.requests] + [(fold(q), False) for q in questions]
        counts = [trigrams(t) for t, _ in texts]
        seen = Counter(g for c in counts for g in c)
        # rare trigrams weigh most: "mosai" makes "tell me about the mosaics" a question, while
        # the "tell me" every request and many questions share says little
        self.idf = {g: math.log(len(texts) / n) + 1 for g, n in seen.items()}
        self.unseen = math.log(len(texts)) + 1  # a trigram no example has is as rare as can be
        self.labelled = [(self.weigh(c), label) for c, (_, label) in zip(counts, texts)]

    def weigh(self, grams: Counter) -> dict:
        return {g: n * self.idf.get(g, self.unseen) for g, n in grams.items()}

    def asks_more(self, folded: str) -> bool:
        if not folded or len(folded.split()) > LONGEST or stems(folded) & self.topics:
            return False
        grams = self.weigh(trigrams(folded))
        score, more = max((cosine(grams, g), label) for g, label in self.labelled)
        return more and score >= NEAREST

    def examples(self, language: str) -> list[str]:
        """The requests to go on in a language, as written (in English where there are none)."""
        return [r["text"] for r in self.requests if r["lang"] == language] or self.examples("en")
