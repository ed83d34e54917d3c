"""The guide's fixed phrases as the served pipeline says them, in the visitor's language: the
refusal of each kind of request with its offer to talk about the exhibit in view, "I don't know",
and the others of knowledge/phrasebook.yaml, where every phrase has all four languages."""
from __future__ import annotations

from knowledge.phrasebook import PHRASEBOOK
from knowledge.schema import LANGUAGES

# language -> kind -> sentence, as the phrasebook holds them
REFUSALS: dict[str, dict[str, str]] = {
    language: {kind: sentence.said_in(language) for kind, sentence in PHRASEBOOK.refusals.items()}
    for language in LANGUAGES}
FIXED: dict[str, dict[str, str]] = {
    language: {name: sentence.said_in(language) for name, sentence in PHRASEBOOK.fixed.items()}
    for language in LANGUAGES}


def fixed(kind: str, language: str, english: str | None = None) -> str:
    """One of the guide's fixed phrases in a language; in one the guide does not speak, `english`
    where given, else the phrasebook's English."""
    found = PHRASEBOOK.fixed_in(kind, language)
    if found is not None:
        return found
    return english if english is not None else PHRASEBOOK.fixed[kind].en


def refusal(kind: str, language: str, exhibit_name: str | None) -> str | None:
    """The refusal of this kind in this language with its offer, or None where there is none."""
    return PHRASEBOOK.refusal(kind, language, exhibit_name)
