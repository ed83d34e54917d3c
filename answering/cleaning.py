"""What reaches a visitor of any text a model writes: markdown and HTML removed as it streams, a
word at a time (`DeltaCleaner`), and what no sentence may ever hold (code, an address, a phone
number, a slur: `unsafe_output`), whoever asked and whatever the model."""
from __future__ import annotations

import re

from knowledge.phrasebook import PHRASEBOOK

INLINE_MARKUP = re.compile(r"\*\*|__|`+|<[^>]{0,200}>|[<>]|\[|\]\([^)]*\)")  # tags, then any stray bracket
# a list marker only where a line starts: a chunk that happens to begin "1965. " is a year
LINE_MARKER = re.compile(r"(\n)[ \t]*(#+|[-*•]|\d+[.)])[ \t]+")
# What no sentence of an answer may hold, whoever asked and whatever the model: code, a web or
# e-mail address, a phone number, a street address, or a slur. Such a sentence is not spoken and
# the guide declines instead.
UNSAFE_OUTPUT = {
    "code": re.compile(r"[{}<>=`|\\]|\b(def|import|sudo|chmod|rm -rf|print)\b ?[\w(]|#!|\w\(\)|\w\.\w+\("),
    "an address": re.compile(r"https?:|www\.|\b[\w.-]+@[\w-]+\.\w+|\b\w+\.(com|org|net|cy|gr|io)\b", re.I),
    "a phone number": re.compile(r"\+\d|\b\d{2,4}[ -]\d{3}[ -]?\d{2,4}\b|\b\d{8,}\b"),
    "a street address": re.compile(r"\b\d{1,4},? [A-Z][\w'-]+ (Street|St|Avenue|Ave|Road|Rd|Lane|Boulevard|Odos|Leoforos)\b"
                                   r"|\b(Street|Avenue|Road|Lane|Boulevard) (No\.? ?)?\d{1,4}\b"),
    "a slur": re.compile(r"\b(gavur|giaour|infidels|subhuman|vermin|savages|inferior (race|people|peoples))\b", re.I),
}
SAFE_DECLINE = PHRASEBOOK.fixed["safe_decline"].en
LONGEST_WORD = 40  # characters held back while waiting for the end of a word
LONGEST_TAG = 200  # characters held back while waiting for the end of an HTML tag




def unsafe_output(sentence: str) -> str | None:
    """What in a sentence may never be spoken (code, an address, a phone number, a slur), or None."""
    return next((why for why, pattern in UNSAFE_OUTPUT.items() if pattern.search(sentence)), None)


class DeltaCleaner:
    """Releases generated text a word at a time, with markdown and HTML removed."""

    def __init__(self) -> None:
        self.pending = ""
        self.line_start = True

    def feed(self, text: str) -> str:
        self.pending += text
        cut = max(self.pending.rfind(" "), self.pending.rfind("\n"))
        if cut < 0 and len(self.pending) > LONGEST_WORD:
            cut = len(self.pending) - 1  # text with no space for this long is no word: never hold it back
        opened = self.pending.rfind("<", 0, cut + 1)
        if opened > self.pending.rfind(">", 0, cut + 1) and len(self.pending) - opened <= LONGEST_TAG:
            cut = opened - 1  # a tag is still arriving, its attributes cut at spaces: hold it whole
        if cut < 0:
            return ""
        ready, self.pending = self.pending[: cut + 1], self.pending[cut + 1:]
        return self._clean(ready)

    def flush(self) -> str:
        ready, self.pending = self.pending, ""
        return self._clean(ready)

    def _clean(self, text: str) -> str:
        text = LINE_MARKER.sub(r"\1", ("\n" if self.line_start else "") + text)
        text = text[1:] if self.line_start and text.startswith("\n") else text
        self.line_start = text.endswith("\n")
        return INLINE_MARKUP.sub("", text).replace("\n", " ")
