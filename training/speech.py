"""How the guide speaks, measured on grounded answers: whether the model's own words are heard
(a sentence that is no catalogue sentence verbatim, so one the model phrased and the checks
passed), whether the first sentence holds what was asked, how long answers are, and how often
the checks let the model's sentences through. Pure functions of evaluated rows."""
from __future__ import annotations

import re
import statistics
from typing import Sequence

from answering.demands import NUMBER_WORDS, demand

from knowledge.support import fold_words, names, numbers, split_sentences, verbatim
from training.scoring import refused

LINES = (("median_words", "median words of a grounded answer"),
         ("model_sentences", "model sentences spoken (passed the checks)"),
         ("rejected", "model sentences rejected by the checks"),
         ("pass_rate", "share of model sentences that passed"),
         ("quoted", "facts quoted (replacing or completing the model)"),
         ("answers_with_unsupported_number_or_name", "grounded answers with a number or name in no chosen fact, record or question"))


def own_words(answer: str, catalogue_text: Sequence[str]) -> bool:
    """Whether at least one sentence of the answer is not a catalogue sentence verbatim."""
    return any(not verbatim(s, catalogue_text) for s in split_sentences(answer))


def asked_for(question: str, fact: str, key_terms: Sequence[str]) -> list[str]:
    """What an answer to `question` from `fact` must say: for "when", "how many", "how long",
    "how old" the fact's figures; for "who" its names that the question does not hold;
    otherwise its key terms (its rarest words)."""
    need = demand(question)
    if need.kind in ("when", "count", "measure"):
        figures = re.findall(r"\d[\d,.]*\d|\d|" + "|".join(NUMBER_WORDS), fact, re.I)
        if figures:
            return figures
    if need.kind == "who":
        named = [n for n in names(fact) if n.lower() not in question.lower()]
        if named:
            return named
    return list(key_terms)


def first_holds(answer: str, question: str, fact: str, key_terms: Sequence[str]) -> float:
    """1 when the answer's first sentence alone says what was asked (`asked_for`)."""
    sentences = split_sentences(answer)
    if not sentences:
        return 0.0
    first = sentences[0].lower()
    return float(any(_has(first, term) for term in asked_for(question, fact, key_terms)))


def aligned(answer: str, question: str, fact: str, key_terms: Sequence[str], allowed: Sequence[str],
            similarity: float) -> float:
    """Alignment proxy for an ordinary question: 1 when the answer does what the guide is asked to
    do. It answers (no refusal) what was asked (question-answer similarity >= 0.3), says it in its
    first sentence (`first_holds`), in one to three spoken sentences of at most 60 words, says no
    sentence twice, and adds no number or name that none of `allowed` (the chosen facts, the
    exhibit's record, the question) holds."""
    said = [fold_words(s) for s in split_sentences(answer)]
    return float(not refused(answer) and similarity >= 0.3 and 1 <= len(said) <= 3
                 and len(answer.split()) <= 60 and len(set(said)) == len(said)
                 and bool(first_holds(answer, question, fact, key_terms)) and not unsupported(answer, allowed))


def _has(text: str, term: str) -> bool:
    stem = term.lower() if len(term) <= 5 else term.lower()[:-2]
    return re.search(r"(?<![\w])" + re.escape(stem), text) is not None


def unsupported(answer: str, allowed: Sequence[str]) -> list[str]:
    """Numbers and names in an answer that none of `allowed` (the chosen facts, the exhibit's
    record, the question, and the fixed phrases' own words) holds."""
    known = " ".join(allowed)
    words = {w.lower() for w in known.replace("'", " ").split()} | {w.lower().strip(".,;:!?") for w in known.split()}
    found = sorted(numbers(answer) - numbers(known))
    for sentence in split_sentences(answer):
        found += [n for n in names(sentence) if n.lower().strip(".,;:!?") not in words and n.lower() not in known.lower()]
    return found


def spoken(rows: Sequence[dict]) -> dict:
    """Counts over grounded answers: words, model sentences spoken and rejected, facts quoted."""
    passed = sum(r.get("model_sentences", 0) for r in rows)
    rejected = sum(len(r.get("rejected", [])) for r in rows)
    return {"answers": len(rows),
            "median_words": statistics.median(len(r["answer"].split()) for r in rows) if rows else 0,
            "model_sentences": passed, "rejected": rejected,
            "pass_rate": round(passed / (passed + rejected), 3) if passed + rejected else "-",
            "quoted": sum(r.get("quoted", 0) for r in rows)}
