"""One reading of a visitor's question, made once when it arrives and handed to what judges it
(the guard, the request to go on, the exhibits it names or compares, what it asks for, retrieval),
so that none of them detects its language or encodes it again: the text as asked, the language it
is written in and the one to answer it in, its folded text, its words and content words, and the
encoder's embedding of it.

The embedding is added once a greeting or thanks has been told apart (those are never encoded),
by whoever holds the encoder (`Retriever.encoded`); a batch is encoded in one go beforehand. A
short follow-up is also read together with the question before it (`joined`): another text, so
its language is detected and it is encoded once more, once, where it is first needed. Pure."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from knowledge.language import language, reply_language
from knowledge.lexical import STOP, fold


@dataclass(frozen=True, eq=False)
class Reading:
    text: str  # as asked
    written: str  # the language it is written in: en, el, tr or ru
    reply: str  # the language to answer it in: the written one, or the session's where nothing shows one
    folded: str  # lower case, without accents, punctuation or diacritics (`knowledge.lexical.fold`)
    words: tuple[str, ...]  # the folded words, in order
    content: tuple[str, ...]  # those that say what it is about: none of the stop words of `reply`
    vector: np.ndarray | None = None  # the encoder's embedding of `text`; None until encoded
    meaning: np.ndarray | None = None  # the multilingual encoder's (`knowledge.multilingual`); None until encoded

    def with_vector(self, vector: np.ndarray) -> Reading:
        return replace(self, vector=vector)

    def with_meaning(self, meaning: np.ndarray) -> Reading:
        return replace(self, meaning=meaning)


def read(text: str, session_language: str | None = "en", vector: np.ndarray | None = None) -> Reading:
    """The reading of a question asked in a session of `session_language`: its language detected
    once; `vector` is its embedding where a batch already computed it."""
    written = language(text)
    return _reading(text, written, reply_language(text, written, session_language), vector)


def joined(earlier: str, reading: Reading) -> Reading:
    """A short follow-up read with the question before it ("When was the tower built? By whom?"),
    unencoded: the guard judges the two together, and retrieval ranks by them too. It is answered
    in the follow-up's language."""
    text = f"{earlier} {reading.text}"
    return _reading(text, language(text), reading.reply, None)


def _reading(text: str, written: str, reply: str, vector: np.ndarray | None) -> Reading:
    folded = fold(text)
    words = tuple(folded.split())
    return Reading(text, written, reply, folded, words, tuple(w for w in words if w not in STOP[reply]), vector)
