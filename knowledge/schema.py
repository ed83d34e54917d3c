"""The catalogue's schema: one pydantic model per exhibit file."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]
