"""A question in Greek, Turkish or Russian put into English words, for the English sentence encoder.

The catalogue says every fact in four languages, sentence for sentence: a parallel text of about
800 pairs per language. From it a word-translation table is learned (IBM Model 1: expectation
maximisation over which English word each word of the other language accounts for), and a
question's words are replaced by their likeliest English words ("Ποιος πολιόρκησε την Αμαθούντα;"
becomes "besieged amathus"). The encoder then reads words it knows, and a question can meet a
fact that shares none of its words in the other language ("груз" finds "cargo"). Words are cut to
their first letters after accents and case are folded, which joins most inflections of a word.
For the guard, a request is read the same way with a written glossary of everyday words first
(knowledge/glossary.yaml): the catalogue never says "poem", "password" or "bomb", and those are the
words that tell a request from a question ("Γράψε μου ένα ποίημα" becomes "write me poem").
Pure: the catalogue and the glossary in, functions of text out.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Iterable, NamedTuple, Sequence

import yaml

from knowledge.catalogue import Catalogue
from knowledge.lexical import STOP, content, fold

STEM = 5  # letters kept of a folded word: "αμαθουντα" and "αμαθουσ" both become "αμαθο"
ROUNDS = 8  # of expectation maximisation; the table changes little after five
LEAST = 0.3  # a translation less likely than this says nothing (0.2, 0.3, 0.4 tried on the tune questions)
Pair = tuple[list[str], list[str]]
GLOSSARY_FILE = Path(__file__).with_name("glossary.yaml")
GLOSSED = ("el", "tr", "ru")


def english_words(text: str) -> list[str]:
    return [w for w in content(text, "en").split() if w.isalpha() and len(w) > 2]


def stems(text: str, language: str) -> list[str]:
    """The folded, cut content words of a text in `language`; figures are left to the lexical match."""
    return [w[:STEM] for w in content(text, language).split() if telling(w)]


def telling(word: str) -> bool:
    """Whether a folded word that is no question word may say what a text is about."""
    return len(word) > 2 and not word.isdigit()


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


class Glossary(NamedTuple):
    forms: dict[str, str]  # folded form -> its English
    stems: dict[str, str]  # folded beginning -> its English, for any word that begins with it
    asking: frozenset[str]  # the English of the words that ask ("how", "tell", "me"), not what about

    def english(self, word: str) -> str | None:
        """A folded word's English: the form it is, else the longest stem it begins with."""
        if word in self.forms:
            return self.forms[word]
        for end in range(len(word), 0, -1):
            if word[:end] in self.stems:
                return self.stems[word[:end]]
        return None


def glossary(language: str, path: Path = GLOSSARY_FILE) -> Glossary:
    """The glossary in `language`, folded; an error names the entry whose form is not one word or
    is already a form of another meaning."""
    sections = yaml.safe_load(path.read_text(encoding="utf-8"))
    forms: dict[str, str] = {}
    stems: dict[str, str] = {}
    for english, spoken in [*sections["asking"].items(), *sections["words"].items()]:
        unknown = set(spoken) - set(GLOSSED)
        if unknown:
            raise ValueError(f"{path.name}: entry {english!r}: no language {sorted(unknown)[0]!r}")
        for form in spoken.get(language, []):
            words = fold(str(form)).split()
            if len(words) != 1:
                raise ValueError(f"{path.name}: entry {english!r}: {language} form {form!r} is not one word")
            kind = stems if str(form).endswith("-") else forms
            if kind.setdefault(words[0], english) != english:
                raise ValueError(f"{path.name}: entry {english!r}: {language} form {form!r} is already "
                                 f"a form of {kind[words[0]]!r}")
    return Glossary(forms, stems, frozenset(sections["asking"]))


class Bridge:
    """English words for questions in one language, learned from the catalogue."""

    def __init__(self, catalogue: Catalogue, language: str):
        self.language = language
        self.table = learn(parallel(catalogue, language))
        self.everyday = glossary(language) if language in GLOSSED else Glossary({}, {}, frozenset())

    def english(self, question: str) -> str:
        """The question's words in English, where the table knows them well enough; "" if none."""
        return self.english_of(content(question, self.language).split())

    def english_of(self, content_words: Sequence[str]) -> str:
        """`english` of a question already read: its folded content words in this language."""
        return " ".join(e for w in content_words if telling(w) for e in self.known(w[:STEM]))

    def known(self, stem: str) -> list[str]:
        """The English words the table gives a cut word, when likely enough."""
        return [e for p, e in self.table.get(stem, []) if p >= LEAST]

    def request(self, question: str) -> str:
        """The question in English words for the guard, in its own order: a word the glossary has
        in its everyday English, else as `english` reads it. "" unless the glossary knows a word
        beyond those that ask: a question about the exhibits is no request, and the classifiers
        extrapolate wildly on the fragments ("city", "dead how") that the table makes of it."""
        stop = STOP.get(self.language, set())
        out, asks_for = [], False
        for word in fold(question).split():
            english = self.everyday.english(word)
            if english is not None:
                out.append(english)
                asks_for = asks_for or english not in self.everyday.asking
            elif word not in stop and telling(word):
                out += self.known(word[:STEM])
        return " ".join(out) if asks_for else ""
