"""The checks on a model that phrases chosen facts: its words are released one whole sentence at
a time, each checked against those facts (numbers, names, content words: `knowledge.support`)
before the visitor hears it. A sentence that fails is replaced by the fact it should have
phrased, quoted, and the model is stopped; when the model is done, a chosen fact it left out is
quoted too. So an answer is never less right than quoting the chosen facts, and never silent.
Every rejected sentence is kept with its reason, the fact that replaced it and what the answer
had said before it: what the model wanted to say against what it should have said, in context.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Sequence

from knowledge.support import Support, names, numbers, split_sentences, stems

Checks = Literal["sources", "safety", "none"]
SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*(?=\s)")
WHOLE = re.compile(r"[.!?…][\"'”’)]*$")
FILLER_WORDS = 3  # a failing sentence this short, with no number or name, is filler, not a claim


@dataclass(frozen=True)
class Rejection:
    sentence: str  # what the model said
    reason: str  # why it was not spoken
    fact: str  # the chosen fact that was quoted instead
    before: str = ""  # what this answer had spoken before it: the context the model wrote it in


@dataclass
class Told:
    """What an answer has said so far, and which chosen facts it has covered."""
    text: str = ""
    stems: set = field(default_factory=set)
    covered: set = field(default_factory=set)  # indices into the chosen facts


class FactGate:
    """Releases a model's phrasing of `facts` one checked sentence at a time. `checks`: 'sources'
    (as served: every sentence supported, failing ones replaced, left-out facts quoted);
    'safety' (only what may never be spoken is screened: to measure a model phrasing alone);
    'none' (raw words: load tests on a model that speaks noise). `unsafe(sentence)` names what
    in a sentence may never be spoken; such a sentence ends the answer with `decline`.
    `vocabulary`: the words a sentence may add to its fact (`knowledge.support.Support`)."""

    def __init__(self, facts: Sequence[str], record: str, question: str, cleaner, unsafe, decline: str,
                 checks: Checks = "sources", most: int = 3, share: float = 0.7, cover: float = 0.5,
                 vocabulary: frozenset[str] | None = None):
        self.facts, self.checks, self.most, self.cover = list(facts), checks, most, cover
        # each fact stands alone with the exhibit's record: a sentence that draws on two facts at
        # once makes a claim neither makes. The question lends words, never numbers or names: "Was
        # it built by Romans in 1800?" vouches for nothing.
        self.support = Support([f"{fact} {record}" for fact in self.facts] or [record], share, question, vocabulary, denials=True)
        self.background = stems(f"{record} {question}")
        self.cleaner, self.unsafe, self.decline = cleaner, unsafe, decline
        self.pending, self.told = "", Told()
        self.closed, self.declined, self.reason = False, False, None
        self.model_sentences, self.quoted = 0, 0
        self.rejected: list[Rejection] = []

    def feed(self, text: str) -> str:
        if self.closed:
            return ""
        if self.checks == "none":
            return self.cleaner.feed(text)
        self.pending += self.cleaner.feed(text)
        out = []
        while not self.closed and (end := SENTENCE_END.search(self.pending)):
            sentence, self.pending = self.pending[:end.end()], self.pending[end.end():]
            out.append(self._judge(sentence.strip()))
        return "".join(out)

    def flush(self) -> str:
        """The model has finished (or was stopped): its last whole sentence may still be spoken,
        then every chosen fact it did not cover is quoted."""
        if self.checks == "none":
            done, self.closed = ("" if self.closed else self.cleaner.flush()), True
            return done
        out = ""
        if not self.closed:
            last, self.pending = (self.pending + self.cleaner.flush()).strip(), ""
            if last and (WHOLE.search(last) or self.checks != "sources"):
                out = self._judge(last)
        self.closed = True
        if self.checks == "sources" and not self.declined:
            out += "".join(self._say(rest) for i in range(len(self.facts))
                           if i not in self.told.covered and (rest := self._rest(i)))
        return out

    def abandon(self) -> str:
        """The visitor stopped the answer: nothing more is said, nothing is quoted."""
        self.closed, self.pending = True, ""
        return ""

    def _judge(self, sentence: str) -> str:
        if not sentence:
            return ""
        if (why := self.unsafe(sentence)) is not None:
            self.reason, self.declined, self.closed = f"unsafe: {why}", True, True
            return " " + self.decline
        if self.checks != "sources":
            self.model_sentences += 1
            self.closed = self.model_sentences >= self.most
            return self._say(sentence)
        content = stems(sentence)
        reason = self.support.problem(sentence)
        if reason is None and self.told.stems and len(content - self.told.stems) < max(1, 0.3 * len(content)):
            reason = "a repetition"
        if reason is not None and len(sentence.split()) <= FILLER_WORDS and not numbers(sentence) and not names(sentence):
            return ""  # "Sure!", "Of course." say nothing, wrong or right: not spoken, and the model goes on
        if reason is not None:
            self.reason, self.closed = reason, True
            if reason == "a repetition":
                return ""
            best = self.support.best(sentence)
            fact = self.facts[best] if best < len(self.facts) and best not in self.told.covered else ""
            self.rejected.append(Rejection(sentence, reason, fact, self.told.text.strip()))
            return self._say(self._quote(best)) if fact else ""
        self.model_sentences += 1
        self.closed = self.model_sentences >= self.most
        return self._say(sentence)

    def _quote(self, index: int) -> str:
        self.told.covered.add(index)
        self.quoted += 1
        return self.facts[index]

    def _say(self, sentence: str) -> str:
        self.told.text += " " + sentence
        self.told.stems |= stems(sentence)
        self.told.covered |= {i for i, fact in enumerate(self.facts) if self._tells(fact)}
        return " " + sentence

    def _tells(self, fact: str) -> bool:
        """Whether what was said tells `fact`: its numbers and names, and at least `cover` of its
        content words that neither the record nor the question already holds."""
        said = self.told.text
        if numbers(fact) - numbers(said):
            return False
        words = {w.lower() for w in re.findall(r"[\w'-]+", said)}
        if any(n.lower() not in words for n in names(fact) if n[:5].lower() not in self.background):
            return False
        own = stems(fact) - self.background
        return not own or len(own & self.told.stems) >= self.cover * len(own)

    def _rest(self, index: int) -> str:
        """A left-out fact, quoted when the model is done: those of its sentences that what was
        said does not tell (the model phrased the summary's first sentence, not its second)."""
        rest = " ".join(s for s in split_sentences(self.facts[index]) if not self._tells(s))
        self.told.covered.add(index)
        self.quoted += bool(rest)
        return rest
