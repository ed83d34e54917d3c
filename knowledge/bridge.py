"""A question in Greek, Turkish or Russian put into English words, for the English sentence encoder.

The catalogue says every fact in four languages, sentence for sentence: a parallel text of about
800 pairs per language. From it a word-translation table is learned (IBM Model 1: expectation
maximisation over which English word each word of the other language accounts for), and a
question's words are replaced by their likeliest English words ("Ποιος πολιόρκησε την Αμαθούντα;"
becomes "besieged amathus"). The encoder then reads words it knows, and a question can meet a
fact that shares none of its words in the other language ("груз" finds "cargo"). Words are cut to
their first letters after accents and case are folded, which joins most inflections of a word.
Pure: the catalogue in, a function of text out.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from knowledge.catalogue import Catalogue
from knowledge.lexical import content

STEM = 5  # letters kept of a folded word: "αμαθουντα" and "αμαθουσ" both become "αμαθο"
ROUNDS = 8  # of expectation maximisation; the table changes little after five
LEAST = 0.3  # a translation less likely than this says nothing (0.2, 0.3, 0.4 tried on the tune questions)
Pair = tuple[list[str], list[str]]


def english_words(text: str) -> list[str]:
    return [w for w in content(text, "en").split() if w.isalpha() and len(w) > 2]


def stems(text: str, language: str) -> list[str]:
    """The folded, cut content words of a text in `language`; figures are left to the lexical match."""
    return [w[:STEM] for w in content(text, language).split() if len(w) > 2 and not w.isdigit()]


def parallel(catalogue: Catalogue, language: str) -> list[Pair]:
    """(words in `language`, English words) for each summary, fact and name of the catalogue."""
    pairs = []
    for e in catalogue:
        summary, facts = e.text(language)
        pairs.append((stems(summary, language), english_words(e.summary)))
        pairs += [(stems(f, language), english_words(g)) for f, g in zip(facts, e.facts)]
        name = getattr(e.names, language, None)
        if name:
            pairs.append((stems(name, language), english_words(e.names.en)))
    return pairs


def learn(pairs: Iterable[Pair], rounds: int = ROUNDS) -> dict[str, list[tuple[float, str]]]:
    """For each word of the other language, its English words by probability, best first (two)."""
    pairs = list(pairs)
    table: dict[tuple[str, str], float] = defaultdict(lambda: 1.0)  # uniform to start
    for _ in range(rounds):
        count: dict[tuple[str, str], float] = defaultdict(float)
        total: dict[str, float] = defaultdict(float)
        for theirs, english in pairs:
            for e in english:  # share this English word among the words that may have said it
                norm = sum(table[(e, w)] for w in theirs) or 1.0
                for w in theirs:
                    share = table[(e, w)] / norm
                    count[(e, w)] += share
                    total[w] += share
        table = defaultdict(float, {(e, w): c / total[w] for (e, w), c in count.items()})
    best: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for (e, w), p in table.items():
        best[w].append((p, e))
    return {w: sorted(options, reverse=True)[:2] for w, options in best.items()}


class Bridge:
    """English words for questions in one language, learned from the catalogue."""

    def __init__(self, catalogue: Catalogue, language: str):
        self.language = language
        self.table = learn(parallel(catalogue, language))

    def english(self, question: str) -> str:
        """The question's words in English, where the table knows them well enough; "" if none."""
        return " ".join(e for w in stems(question, self.language)
                        for p, e in self.table.get(w, []) if p >= LEAST)
