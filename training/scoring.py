"""Automatic scores for guide answers, pure functions of the text (no model, no I/O).

Each scorer returns a number in [0, 1] per answer; `summarise` turns a list of them into a mean
with a 95% confidence interval, so that two models can be compared as the reference study did.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

NUMBER = re.compile(r"\b\d[\d,.]*\d\b|\b\d\b")
MARKUP = re.compile(r"(\*\*|__|`|^\s*[-*•]\s|^\s*\d+\.\s|^#+\s|<[a-z/][^>]*>|\[[^\]]+\]\(|https?://)", re.M)
LEAKS = ("<|im_start|>", "<|im_end|>", "<|endoftext|>", "Facts:", "Exhibit in view:", "Rules:",
         "You are a guide")
SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")


@dataclass(frozen=True)
class Summary:
    mean: float
    low: float
    high: float
    n: int

    def as_dict(self) -> dict:
        return {"mean": round(self.mean, 4), "ci95": [round(self.low, 4), round(self.high, 4)], "n": self.n}


def summarise(values: Sequence[float]) -> Summary:
    """Mean and 95% interval: Wilson's for 0/1 scores (sound near 0 and 1), normal otherwise."""
    n = len(values)
    if n == 0:
        return Summary(float("nan"), float("nan"), float("nan"), 0)
    mean = sum(values) / n
    z = 1.96
    if all(v in (0, 1) for v in values):
        centre = (mean + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(mean * (1 - mean) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return Summary(mean, max(0.0, centre - half), min(1.0, centre + half), n)
    var = sum((v - mean) ** 2 for v in values) / max(1, n - 1)
    half = z * math.sqrt(var / n)
    return Summary(mean, max(0.0, mean - half), min(1.0, mean + half), n)


def _has_term(text: str, term: str) -> bool:
    """A key term is present as a word, allowing a short inflection ('stone' for 'stones')."""
    stem = term.lower()
    if len(stem) > 5:
        stem = stem[: len(stem) - 2]
    return re.search(r"\b" + re.escape(stem), text.lower()) is not None


def term_recall(answer: str, key_terms: Sequence[str]) -> float:
    if not key_terms:
        return 1.0
    return sum(_has_term(answer, t) for t in key_terms) / len(key_terms)


def invented_numbers(answer: str, sources: Sequence[str]) -> list[str]:
    """Numbers (years, counts) in the answer that appear in none of the sources: contradictions."""
    known = {n.replace(",", "") for s in sources for n in NUMBER.findall(s)}
    return [n for n in NUMBER.findall(answer) if n.replace(",", "").rstrip(".") not in known]


def factual(answer: str, key_terms: Sequence[str], sources: Sequence[str]) -> float:
    """1 when at least half the expected key facts are there and no number is invented."""
    return float(term_recall(answer, key_terms) >= 0.5 and not invented_numbers(answer, sources))


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?…])\s+", text.strip()) if s]


def format_problems(answer: str, ascii_language: bool = True) -> list[str]:
    """Which of the guide's formatting rules the answer breaks (empty when it keeps them all)."""
    text = answer.strip()
    problems = []
    if not text:
        return ["empty"]
    if not 1 <= len(sentences(text)) <= 5:
        problems.append("length")
    if MARKUP.search(text):
        problems.append("markup")
    if not SENTENCE_END.search(text):
        problems.append("unfinished")
    if any(leak.lower() in text.lower() for leak in LEAKS):
        problems.append("leak")
    letters = [c for c in text if c.isalpha()]
    if ascii_language and letters and sum(c.isascii() for c in letters) / len(letters) < 0.9:
        problems.append("language")
    return problems


def formatting(answer: str, ascii_language: bool = True) -> float:
    return float(not format_problems(answer, ascii_language))
