"""The catalogue's schema: one pydantic model per exhibit file."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from knowledge.language import ALPHABETS

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def count_sentences(text: str) -> int:
    return len(SENTENCE_END.findall(text.strip()))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Names(Strict):
    en: str = Field(min_length=2, description="the name the guide speaks in English")
    el: str = Field(min_length=2, description="the Greek name")
    tr: str | None = Field(None, description="the Turkish name, where known")
    ru: str | None = Field(None, description="the Russian name, where known")


class Period(Strict):
    name: str = Field(min_length=3, description="the period as a visitor would hear it")
    dates: str = Field(description="the dates in words, with BC or AD stated")
    start_year: int = Field(description="first year, negative for BC, for sorting and timelines")
    end_year: int | None = Field(None, description="last year, negative for BC; none if living")

    @field_validator("dates")
    @classmethod
    def _era_stated(cls, value: str) -> str:
        if not re.search(r"\b(BC|AD)\b", value):
            raise ValueError("dates must state BC or AD, e.g. 'about 7000 to 4000 BC'")
        return value


class Place(Strict):
    x: float = Field(description="metres east on the lab map")
    y: float = Field(description="metres north on the lab map")
    radius: float = Field(gt=0.1, le=5.0, description="metres around (x, y) that count as in view")
    frame: Literal["map"] = Field("map", description="the ROS frame the position is given in")


LANGUAGES = ("en", "el", "tr", "ru")  # the catalogue's languages: English first, then the translations
SPLIT_THOUSANDS = re.compile(r"(?<=\d)[,.\u00a0 ](?=\d{3}\b)")


def numbers_in(text: str) -> set[str]:
    """The figures a sentence states, written the same in every language ('3,500' = '3.500')."""
    return set(re.findall(r"\d+", SPLIT_THOUSANDS.sub("", text)))


class Translation(Strict):
    summary: str = Field(min_length=20, description="the summary in this language, shown and spoken to visitors who speak it")
    facts: list[str] = Field(min_length=1, description="the facts in this language, one for each English fact and in the same order")


class Translations(Strict):
    el: Translation = Field(description="Greek")
    tr: Translation = Field(description="Turkish")
    ru: Translation = Field(description="Russian")


def translation_problems(english: str, other: str, language: str) -> list[str]:
    """Why `other` cannot be the translation of `english` into `language`: empty, still English,
    in the wrong script, or with figures the English does not state (a fact out of order)."""
    words = [w for w in re.findall(r"\w+", other.lower()) if len(w) > 3 and not w.isdigit()]
    if not other.strip():
        return ["is empty"]
    problems = []
    source = set(re.findall(r"\w+", english.lower()))
    if words and sum(w in source for w in words) > 0.6 * len(words):
        problems.append("is mostly the English words")
    script = ALPHABETS.get(language)
    letters = re.findall(r"[^\W\d_]", other)
    if script is not None and len(script.findall(other)) < 0.5 * len(letters):
        problems.append(f"is not written mostly in the {language} script")
    if numbers_in(english) != numbers_in(other):
        problems.append(f"states the figures {sorted(numbers_in(other))}, the English {sorted(numbers_in(english))}")
    if not other.strip().endswith((".", "!", "?", ";")):
        problems.append("does not end as a sentence")
    return problems


class Exhibit(Strict):
    id: str = Field(pattern=SLUG, description="stable slug used on the wire and in datasets")
    names: Names
    kind: Literal["site", "monument", "object", "tradition"]
    region: str = Field(min_length=3, description="district or region of Cyprus")
    town: str = Field(min_length=2, description="nearest town or village")
    period: Period
    summary: str = Field(description="two sentences, pushed to visitors with exhibit.in_view")
    body: str = Field(description="at least 250 words of plain prose, written to be spoken")
    facts: list[str] = Field(min_length=8, description="self-contained quotable sentences")
    related: list[str] = Field(default_factory=list, description="ids of related exhibits")
    place: Place
    translations: Translations = Field(description="the summary and the facts in Greek, Turkish and Russian, served word for word to visitors who speak them")

    @field_validator("summary")
    @classmethod
    def _two_sentences(cls, value: str) -> str:
        if count_sentences(value) != 2:
            raise ValueError(f"summary must be exactly two sentences, found {count_sentences(value)}")
        return value.strip()

    @field_validator("body")
    @classmethod
    def _long_plain_prose(cls, value: str) -> str:
        words = len(value.split())
        if words < 250:
            raise ValueError(f"body must be at least 250 words, found {words}")
        if re.search(r"(^|\n)\s*([-*#>]|\d+\.)\s", value):
            raise ValueError("body must be plain spoken prose: no lists, headings or quotes")
        return value.strip()

    @field_validator("facts")
    @classmethod
    def _facts_are_sentences(cls, value: list[str]) -> list[str]:
        for i, fact in enumerate(value):
            if not fact.strip().endswith((".", "!", "?")) or len(fact.split()) < 5:
                raise ValueError(f"fact {i} must be one self-contained sentence: {fact!r}")
        return [f.strip() for f in value]

    @model_validator(mode="after")
    def _translations_match(self) -> "Exhibit":
        problems = []
        for language in LANGUAGES[1:]:
            version = getattr(self.translations, language)
            if len(version.facts) != len(self.facts):
                problems.append(f"translations.{language}.facts: {len(version.facts)} facts, the English has "
                                f"{len(self.facts)}")
            pairs = [("summary", self.summary, version.summary)] + [
                (f"facts.{i}", en, other) for i, (en, other) in enumerate(zip(self.facts, version.facts))]
            problems += [f"translations.{language}.{field}: {problem}" for field, en, other in pairs
                         for problem in translation_problems(en, other, language)]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def name(self, language: str) -> str:
        """The exhibit's name in a language, English where there is none."""
        return getattr(self.names, language, None) or self.names.en

    def text(self, language: str) -> tuple[str, list[str]]:
        """The summary and the facts in a language (English for any other than the catalogue's)."""
        if language in LANGUAGES[1:]:
            version = getattr(self.translations, language)
            return version.summary, list(version.facts)
        return self.summary, list(self.facts)

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]
