"""Greetings, thanks and goodbyes: a message that is nothing but one of them is answered in kind,
in the visitor's language, instead of with a fact or an "I don't know". Pure code over the
phrases of answering/data/courtesy.yaml; the answers are in knowledge/phrasebook.yaml.

A message counts only when every word of it belongs to such a phrase or to a few words that go
with them ("thank you very much, guide!"); "Hi, who built this castle?" is a question and goes
the usual way. When a message holds several, saying goodbye wins over thanks, and thanks over
a greeting ("thanks, bye!" is a goodbye).
"""
from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field

from common.tables import load_table
from knowledge.phrasebook import PHRASEBOOK, Variants
from knowledge.schema import Strict

COURTESY_FILE = Path(__file__).parent / "data" / "courtesy.yaml"


class Courtesy(Strict):
    phrases: dict[str, dict[str, list[str]]] = Field(description="kind -> language -> its phrases, longest first; the kinds in the order they win")
    filler: list[str] = Field(description="words that go with those phrases and ask nothing")


TABLE: Courtesy = load_table(Courtesy, COURTESY_FILE)
PHRASES = TABLE.phrases
FILLER = set(TABLE.filler)
# kind -> its answers in kind (with the exhibit's name, with no exhibit in view)
REPLIES: dict[str, Variants] = PHRASEBOOK.courtesy

PATTERNS = {kind: re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for lang in by_lang.values() for p in lang)
                             + r")(?!\w)") for kind, by_lang in PHRASES.items()}


def courtesy(message: str) -> str | None:
    """'farewell', 'thanks' or 'greeting' when the message is only that, else None."""
    text = re.sub(r"[^\w\s]", " ", message.lower()).strip()
    found = []
    for kind, pattern in PATTERNS.items():
        if pattern.search(text):
            found.append(kind)
            text = pattern.sub(" ", text)
    if not found or any(word not in FILLER for word in text.split()):
        return None
    return found[0]  # PHRASES is ordered: a goodbye, then thanks, then a greeting


def in_kind(kind: str, language: str, exhibit_name: str | None) -> str:
    """The guide's answer to a greeting, thanks or goodbye, in `language` (English where it has none)."""
    reply = REPLIES[kind]
    return reply.said_in(language, exhibit_name) or reply.said_in("en", exhibit_name)
