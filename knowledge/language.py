"""The language a visitor's text is written in, as far as its letters and its commonest words
show: Greek and Cyrillic script, Turkish letters or Turkish question words, otherwise English; the
language to answer a question in; and each language's little words (knowledge/words.yaml). Pure
and instant; no model."""
from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from common.tables import load_table

WORDS_FILE = Path(__file__).with_name("words.yaml")


class Words(BaseModel):
    # as knowledge.schema.Strict, which this module cannot import: the schema reads its alphabets
    model_config = ConfigDict(extra="forbid", frozen=True)

    stop: list[str] = Field(min_length=1, description="words that say how a question is asked, not what it is about")
    common: list[str] = Field(default_factory=list, description="words too common to show what a sentence says, beyond `stop`")
    telling: list[str] = Field(default_factory=list, description="the commonest words, which give the language away when its letters do not")
    negations: list[str] = Field(default_factory=list, description="words that say something is not so (with any verb ending in n't): a sentence may deny only what its source denies")
    prefixes: list[str] = Field(default_factory=list, description="word beginnings that make a verb of a verb: 'rebuilt' tells of 'built', 'called' not of 'led'")


class Table(BaseModel):
    """The little words of each language the guide speaks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    en: Words
    el: Words
    tr: Words
    ru: Words


SPOKEN = ("en", "el", "tr", "ru")  # the languages the guide answers in
TABLE: Table = load_table(Table, WORDS_FILE)
# the languages written in an alphabet of their own, and that alphabet's letters
ALPHABETS = {"el": re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]"), "ru": re.compile(r"[\u0400-\u04ff]")}
SCRIPTS = (*ALPHABETS.items(), ("tr", re.compile(r"[çğıöşüİĞŞ]")))
# the little words that give a language away when its letters do not (Turkish typed without them)
TURKISH = set(TABLE.tr.telling)
ENGLISH = set(TABLE.en.telling)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def language(text: str) -> str:
    """el, ru, tr or en: the one language detector."""
    by_letters = next((code for code, letters in SCRIPTS if letters.search(text)), None)
    if by_letters is not None:
        return by_letters
    words = _words(text)
    return "tr" if sum(w in TURKISH for w in words) > sum(w in ENGLISH for w in words) else "en"


def reply_language(text: str, written: str, session_language: str | None) -> str:
    """The language to answer a text in, given the one it is written in (`language`): that one,
    where its letters or words plainly show it (Greek, Russian, Turkish; English by its commonest
    words); otherwise (a name, a number) the session's, where the guide speaks it."""
    if written != "en" or any(w in ENGLISH for w in _words(text)):
        return written
    session = (session_language or "en").split("-")[0]
    return session if session in SPOKEN else "en"
