"""Every fixed sentence the guide speaks, in English, Greek, Turkish and Russian, read from one data
file (knowledge/phrasebook.yaml): refusals by kind of request and the offer after one, "I don't
know", answers to greetings, thanks and goodbyes, comparisons of two exhibits' dates, and the
replies the model is taught to give to unsafe requests.

It lives in `knowledge` because both the served pipeline (answering/) and the training-data
builder (knowledge/dataset.py) say these sentences, and `knowledge` lies below `answering`.
"""
from __future__ import annotations

from pathlib import Path
from string import Formatter

from pydantic import Field, model_validator

from common.tables import load_table
from knowledge.schema import LANGUAGES, Strict

PHRASEBOOK_FILE = Path(__file__).parent / "phrasebook.yaml"


def placeholders(text: str) -> set[str]:
    """The {fields} a sentence is formatted with ('' for a positional {})."""
    return {field for _, field, _, _ in Formatter().parse(text) if field is not None}


class Sentence(Strict):
    """One sentence in each of the guide's languages, with the same placeholders in each."""

    en: str = Field(min_length=1)
    el: str = Field(min_length=1)
    tr: str = Field(min_length=1)
    ru: str = Field(min_length=1)

    @model_validator(mode="after")
    def _same_placeholders(self) -> "Sentence":
        english = placeholders(self.en)
        for language in LANGUAGES[1:]:
            if placeholders(getattr(self, language)) != english:
                raise ValueError(f"{language}: placeholders {sorted(placeholders(getattr(self, language)))}, "
                                 f"the English {sorted(english)}")
        return self

    def said_in(self, language: str) -> str | None:
        """The sentence in a language, None in one the guide does not speak."""
        return getattr(self, language) if language in LANGUAGES else None


class Variants(Strict):
    at_exhibit: Sentence | None = Field(None, description="said with an exhibit in view, which it names as {name}")
    anywhere: Sentence = Field(description="said with no exhibit in view, and with one where there is no at_exhibit")

    @model_validator(mode="after")
    def _names_the_exhibit(self) -> "Variants":
        if self.at_exhibit is not None and "name" not in placeholders(self.at_exhibit.en):
            raise ValueError("at_exhibit: does not name the exhibit ({name})")
        return self

    def said_in(self, language: str, exhibit_name: str | None) -> str | None:
        """The variant for the exhibit in view (its name filled in), or for none; None in a
        language the guide does not speak."""
        if exhibit_name and self.at_exhibit is not None:
            text = self.at_exhibit.said_in(language)
            return text.format(name=exhibit_name) if text is not None else None
        return self.anywhere.said_in(language)


class Offer(Variants):
    at_exhibit: Sentence = Field(description="said with an exhibit in view, which it names as {name}")


class Taught(Strict):
    kind: str = Field(description="the kind of unsafe request, as the guard names it")
    request: str = Field(min_length=3, description="the visitor's request; {name} is the exhibit in view")
    reply: str = Field(min_length=3, description="the model's reply, in English")
    offer: bool = Field(False, description="the reply ends with the English offer (offers.at_exhibit)")


class Phrasebook(Strict):
    refusals: dict[str, Sentence] = Field(min_length=1, description="kind of unsafe request -> its refusal")
    offers: Offer = Field(description="said after a refusal")
    courtesy: dict[str, Variants] = Field(description="greeting, thanks, farewell -> the answer in kind")
    fixed: dict[str, Sentence] = Field(description="the guide's other fixed phrases, by name")
    taught: list[Taught] = Field(min_length=1, description="unsafe requests with the replies the model learns")

    @model_validator(mode="after")
    def _taught_kinds_are_refused(self) -> "Phrasebook":
        unknown = sorted({t.kind for t in self.taught} - set(self.refusals))
        if unknown:
            raise ValueError(f"taught: kinds {unknown} have no refusal")
        return self

    def refusal(self, kind: str, language: str, exhibit_name: str | None) -> str | None:
        """The refusal of a kind with its offer, or None for an unknown kind or language."""
        sentence = self.refusals.get(kind)
        refused = sentence.said_in(language) if sentence is not None else None
        return None if refused is None else f"{refused} {self.offers.said_in(language, exhibit_name)}"

    def fixed_in(self, name: str, language: str) -> str | None:
        """A fixed phrase in a language, None where the book has none."""
        sentence = self.fixed.get(name)
        return sentence.said_in(language) if sentence is not None else None


def load_phrasebook(path: Path = PHRASEBOOK_FILE) -> Phrasebook:
    return load_table(Phrasebook, path)


PHRASEBOOK = load_phrasebook()
