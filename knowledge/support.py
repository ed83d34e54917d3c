"""Whether an English sentence says only what a set of sources says: its numbers and names are in
them, and one source carries most of its content words. Pure; used by the answer checks that
judge the model's sentences and by the validator of the hand-written replies it learns from."""
from __future__ import annotations

import re
from typing import Sequence

from knowledge.language import TABLE

NUMBER = re.compile(r"\d[\d,.]*\d|\d")
NAME = re.compile(r"(?<=\s)[A-Z][\w'-]+")
WORD = re.compile(r"[a-z][a-z-]+")  # an apostrophe ends a word: "ship's" is "ship", "it's" is "it"
MARKUP = re.compile(r"\*\*|__|`+|<[^>]{0,200}>|[<>;_#]|\[|\]\([^)]*\)")
# English function words: never content, so never evidence of support or of repetition
STOP = frozenset(TABLE.en.stop) | frozenset(TABLE.en.common)
NEGATIONS = frozenset(TABLE.en.negations)
REPLY = re.compile(r"^\s*(yes|no)\s*[,.!;:]\s*", re.I)  # "No, ..." answers a question; it denies nothing itself


NOT = re.compile(r"n['’]t\b")  # "wasn't" is "was not": no word "wasn" that no source has


def stems(text: str) -> set[str]:
    """Content words of a text, cut to five letters so that 'excavated' meets 'excavations'."""
    return {w[:5] for w in WORD.findall(NOT.sub(" not", text.lower())) if w not in STOP and len(w) > 3}


def numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in NUMBER.findall(text)}


def negates(text: str) -> bool:
    """Whether a text says that something is not so (past a leading "Yes," or "No,")."""
    words = re.findall(r"[a-z]+", NOT.sub(" not", REPLY.sub("", text).lower()))
    return any(w in NEGATIONS for w in words)


def names(sentence: str) -> list[str]:
    """Capitalised words that do not start the sentence: names, as far as case shows."""
    found = NAME.findall(" " + sentence)
    return found[1:] if found and sentence.lstrip().startswith(found[0]) else found


class Support:
    """The sources a sentence may draw on; `problem(sentence)` says why it may not be said."""

    def __init__(self, sources: Sequence[str], share: float = 0.7, words: str = "",
                 vocabulary: frozenset[str] | None = None, denials: bool = False):
        """`words`: a text (the visitor's question) whose content words any sentence may use,
        but whose numbers and names vouch for nothing. `vocabulary`: the stems the few words a
        sentence adds to its source must come from (as served, the exhibit's own and those several
        exhibits use: a colour, a material or a trade the catalogue never names, or a word only
        another exhibit uses, is an invention, however small); None: any word.
        `denials`: a sentence denies something only where its source denies something too, as
        a model's must ("the castle was not attacked"; the question lends no denial: "Wasn't it
        attacked?"); a hand-written reply may say "not far" for "a few kilometres"."""
        lent = stems(words)
        self.vocabulary = vocabulary
        self.denies = [negates(source) or not denials for source in sources]
        self.own = [stems(source) for source in sources]
        self.each = [own | lent for own in self.own]
        self.each_numbers = [numbers(source) for source in sources]
        self.each_names = [{w.lower() for w in re.findall(r"[\w'-]+", source)} | {"i"} for source in sources]
        self.numbers = set().union(*self.each_numbers)
        self.names = set().union(*self.each_names) | {"i"}
        self.share = share

    def problem(self, sentence: str) -> str | None:
        if MARKUP.search(sentence):
            return "markup or symbols"
        said_numbers, said_names = numbers(sentence), [n.lower() for n in names(sentence)]
        if said_numbers - self.numbers:
            return "a number not in the sources"
        if any(n not in self.names for n in said_names):
            return "a name not in the sources"
        content, negated = stems(sentence), negates(sentence)
        if not content:  # "In 1965." says what its checked number or name says; "Sure!" says nothing
            if negated and not any(self.denies):
                return "a negation not in the sources"
            return None if said_numbers or said_names else "no content"
        # one source must carry the whole sentence, its numbers and names too: a sentence that
        # takes a name from one fact and a date from another makes a claim neither makes. In a
        # sentence of three or more content words one other word ("came") may be the guide's own.
        allowed = int(max(1, (1 - self.share) * len(content))) if len(content) >= 3 else 0
        why = "words not in any one source"
        for i, (words, nums, known) in enumerate(zip(self.each, self.each_numbers, self.each_names)):
            added = content - words
            if len(added) > allowed or not said_numbers <= nums or not all(n in known for n in said_names):
                continue
            if self.vocabulary is not None and not added <= self.vocabulary:
                why = "a word not in the vocabulary"
            elif negated and not self.denies[i]:
                why = "a negation not in the sources"  # "the castle was not attacked"
            elif said_numbers and (content - self.own[i]) & self.elsewhere(i):
                # a figure is said with its own source's words, not with a word only another
                # source has: "the ship was found in 1968" joins one fact's verb to another's dates
                why = "a word from another source"
            else:
                return None
        return why

    def elsewhere(self, i: int) -> set[str]:
        """Content words of the other sources that source `i` lacks (the question's words
        included: "who found it?" lends "found" to no source whose dates are another's)."""
        return set().union(*(w for j, w in enumerate(self.own) if j != i)) - self.own[i]

    def best(self, sentence: str) -> int:
        """The source that shares most content words with a sentence."""
        content = stems(sentence)
        return max(range(len(self.each)), key=lambda i: len(content & self.each[i]), default=0)


def verbatim(sentence: str, sources: Sequence[str]) -> bool:
    """Whether a sentence is one of the sources' own sentences, after folding case and punctuation."""
    folded = fold_words(sentence)
    return any(folded == fold_words(s) for source in sources for s in split_sentences(source))


def fold_words(text: str) -> str:
    return " ".join(re.findall(r"[\w'-]+", text.lower()))


def letter_words(text: str) -> list[str]:
    """The words of a text in any alphabet, as written (no digits, no apostrophes)."""
    return re.findall(r"[^\W\d_]+", text)


def written_lower(text: str) -> set[str]:
    """The words a text writes in lower case: common words, whatever case a sentence's first
    word or a title gives them elsewhere."""
    return {w for w in letter_words(text) if w[0].islower()}


def split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
