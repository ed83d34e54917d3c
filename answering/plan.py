"""A plan for one answer: what the pipeline decided before the model says a word."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from knowledge.retrieval import Hit

Mode = Literal["declined", "unknown", "grounded", "catalogue", "courtesy"]


@dataclass
class Plan:
    mode: Mode
    lead: str  # spoken at once: a refusal, or facts in the catalogue's own words
    hits: list[Hit] = field(default_factory=list)  # the facts retrieved for the question, best first
    used: list[int] = field(default_factory=list)  # which of them the lead quotes
    messages: list[dict[str, str]] = field(default_factory=list)  # the model's prompt
    model: bool = False  # whether the model continues after the lead
    category: str | None = None  # the guard's kind of unsafe request
    facts: list[str] = field(default_factory=list)  # the chosen facts: what the answer must tell
    question: str = ""  # lends a sentence its words, never its numbers or names
    record: str = ""  # the exhibit's names, dates and place, which any sentence may also draw on
    language: str = "en"  # the language of the answer
    exhibit: str | None = None  # the exhibit a phrased answer speaks of: its own words are the model's to use
