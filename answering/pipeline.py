"""The answer pipeline: one piece of code from a visitor's question to the text they hear, used
by the server, the evaluation harness, the serving benchmark and the export parity check.

hello, thanks or goodbye? -> guard -> retrieval -> is the answer in the catalogue? -> the facts
that answer it, chosen -> the model phrases them (direct answer first, short, spoken), each
sentence checked against those facts before it is sent (`answering.checks`) -> cleaning.

The pipeline decides what is said; the model decides how. A sentence the facts do not support
is replaced by the fact it should have phrased, quoted, and a chosen fact the model left out is
quoted at the end: an answer is never less right than quoting the chosen facts, and never
silent. With `voice: quote` the chosen facts are quoted and the model is not asked. When the
catalogue does not hold the answer, the guide says it doesn't know and offers the fact closest
to the question instead of guessing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Sequence

import numpy as np
from pydantic import Field

from answering.answerable import Answerable, AnswerableSettings
from answering.checks import Checks, FactGate
from answering.answerable import for_retriever as answerable_for
from answering.courtesy import courtesy, in_kind
from answering.demands import (
    Demand,
    demand,
    demand_in,
    live_in,
    lower_words,
    meets,
    precise,
    unknown_names,
    vocabulary,
)
from answering.guard import Guard, GuardSettings
from answering.guard import for_retriever as guard_for
from answering.phrases import fixed, refusal
from common.settings import Settings
from knowledge.dataset import UNKNOWN_ANSWER
from knowledge.language import answer_language
from knowledge.language import language as written_language
from knowledge.lexical import fold
from knowledge.prompting import Turn, phrase_messages, phrase_system
from knowledge.replies import record
from knowledge.retrieval import Hit, Retriever, grounded_prompt
from knowledge.schema import LANGUAGES

INLINE_MARKUP = re.compile(r"\*\*|__|`+|<[^>]{0,200}>|[<>]|\[|\]\([^)]*\)")  # tags, then any stray bracket
# a list marker only where a line starts: a chunk that happens to begin "1965. " is a year
LINE_MARKER = re.compile(r"(\n)[ \t]*(#+|[-*•]|\d+[.)])[ \t]+")
# What no sentence of an answer may hold, whoever asked and whatever the model: code, a web or
# e-mail address, a phone number, a street address, or a slur. Such a sentence is not spoken and
# the guide declines instead.
UNSAFE_OUTPUT = {
    "code": re.compile(r"[{}<>=`|\\]|\b(def|import|sudo|chmod|rm -rf|print)\b ?[\w(]|#!|\w\(\)|\w\.\w+\("),
    "an address": re.compile(r"https?:|www\.|\b[\w.-]+@[\w-]+\.\w+|\b\w+\.(com|org|net|cy|gr|io)\b", re.I),
    "a phone number": re.compile(r"\+\d|\b\d{2,4}[ -]\d{3}[ -]?\d{2,4}\b|\b\d{8,}\b"),
    "a street address": re.compile(r"\b\d{1,4},? [A-Z][\w'-]+ (Street|St|Avenue|Ave|Road|Rd|Lane|Boulevard|Odos|Leoforos)\b"
                                   r"|\b(Street|Avenue|Road|Lane|Boulevard) (No\.? ?)?\d{1,4}\b"),
    "a slur": re.compile(r"\b(gavur|giaour|infidels|subhuman|vermin|savages|inferior (race|people|peoples))\b", re.I),
}
# served, never trained: for what changes from day to day (opening hours, prices, the weather) or
# is a matter of taste
UNKNOWN_LIVE = ("I'm sorry, I don't know that: opening hours, prices, services and the weather change, and "
                "the museum's staff can tell you about them. Here is what I can tell you: {first}")
SAFE_DECLINE = "I'm sorry, I can't help with that; I'm here to talk about the exhibition."
Mode = Literal["declined", "unknown", "grounded", "catalogue", "courtesy"]
Voice = Literal["model", "quote"]
LONGEST_WORD = 40  # characters held back while waiting for the end of a word
LONGEST_TAG = 200  # characters held back while waiting for the end of an HTML tag


class AnswerSettings(Settings):
    second_fact_margin: float = Field(0.1, ge=0, le=1, description="the second-best fact is quoted too when its score is this close to the best one's")
    relevance_margin: float = Field(0.15, ge=0, le=1, description="how far below the best-ranked passage a fact may score and still be quoted because only it gives what the question asks for (a number, a size, a date, a name)")
    voice: Voice = Field("model", description="who words a grounded answer: 'model' (the model phrases the chosen facts, each sentence checked) or 'quote' (the chosen facts in the catalogue's own words, the model not asked: instant, and the floor the model must beat)")
    most_sentences: int = Field(3, ge=1, le=6, description="sentences the model may speak in one answer: a visitor hears an answer, they do not read it")
    support: float = Field(0.7, ge=0, le=1, description="share of a model sentence's content words that one chosen fact (with the exhibit's record and the question) must hold")
    cover: float = Field(0.5, ge=0, le=1, description="share of a chosen fact's own content words the answer must have said for the fact to count as told; a fact told less is quoted at the end")
    checks: Checks = Field("sources", description="what each sentence of the model must pass before it is sent: 'sources' (supported by the chosen facts, and safe; failing sentences and left-out facts quoted); 'safety' (the model phrases the chosen facts alone, each sentence only screened for code, addresses and slurs: to measure the model alone); 'none' (raw words, for load tests on a model that speaks noise)")
    answerable: AnswerableSettings = Field(default_factory=AnswerableSettings, description="when the guide says the catalogue doesn't hold the answer")


def in_view(hits: list[Hit], exhibit) -> int:
    """The best-ranked fact about the exhibit in view, offered where what was asked (opening
    hours, the museum's phone) has nothing to do with any fact: the best of all otherwise."""
    return next((i for i, h in enumerate(hits) if exhibit is not None and h.exhibit_id == exhibit.id), 0)


def unsafe_output(sentence: str) -> str | None:
    """What in a sentence may never be spoken (code, an address, a phone number, a slur), or None."""
    return next((why for why, pattern in UNSAFE_OUTPUT.items() if pattern.search(sentence)), None)


class DeltaCleaner:
    """Releases generated text a word at a time, with markdown and HTML removed."""

    def __init__(self) -> None:
        self.pending = ""
        self.line_start = True

    def feed(self, text: str) -> str:
        self.pending += text
        cut = max(self.pending.rfind(" "), self.pending.rfind("\n"))
        if cut < 0 and len(self.pending) > LONGEST_WORD:
            cut = len(self.pending) - 1  # text with no space for this long is no word: never hold it back
        opened = self.pending.rfind("<", 0, cut + 1)
        if opened > self.pending.rfind(">", 0, cut + 1) and len(self.pending) - opened <= LONGEST_TAG:
            cut = opened - 1  # a tag is still arriving, its attributes cut at spaces: hold it whole
        if cut < 0:
            return ""
        ready, self.pending = self.pending[: cut + 1], self.pending[cut + 1:]
        return self._clean(ready)

    def flush(self) -> str:
        ready, self.pending = self.pending, ""
        return self._clean(ready)

    def _clean(self, text: str) -> str:
        text = LINE_MARKER.sub(r"\1", ("\n" if self.line_start else "") + text)
        text = text[1:] if self.line_start and text.startswith("\n") else text
        self.line_start = text.endswith("\n")
        return INLINE_MARKUP.sub("", text).replace("\n", " ")


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
    context: str = ""  # what any sentence may also draw on: the question and the exhibit's record
    language: str = "en"  # the language of the answer


class AnswerPipeline:
    def __init__(self, retriever: Retriever, guard: Guard | None, answerable: Answerable,
                 settings: AnswerSettings | None = None, history_turns: int = 3,
                 languages: Sequence[str] = ("en",)):
        self.retriever, self.guard, self.answerable = retriever, guard, answerable
        self.languages = tuple(languages)  # the languages the served model writes
        self.settings = settings or AnswerSettings()
        self.history_turns = history_turns
        self.known = vocabulary([p.text for p in retriever.passages])
        # the island's towns and districts: where things are, never who did them
        self.places = lower_words(" ".join(f"{e.town} {e.region}" for e in retriever.catalogue))

    def plan(self, question: str, exhibit_id: str | None, history: Sequence[Turn] = (),
             language: str | None = "en", vector: np.ndarray | None = None) -> Plan:
        exhibit = self.retriever.catalogue.get(exhibit_id) if exhibit_id else None
        if (kind := courtesy(question)) is not None:  # hello, thanks, goodbye: answered in kind, unencoded
            lang = answer_language(question, language)
            return Plan("courtesy", in_kind(kind, lang, self.name_in(exhibit, lang)), language=lang)
        vector = self.retriever.encode([question])[0] if vector is None else vector
        if self.guard is not None:
            verdict = self.guard.check(question, exhibit.names.en if exhibit else None, vector)
            if verdict.answer is not None:
                return Plan("declined", self.decline(verdict, question, language, exhibit), category=verdict.category)
        reply = answer_language(question, language)
        if reply not in self.languages and reply in LANGUAGES:
            return self.from_catalogue(question, exhibit, vector, reply)
        hits, _ = grounded_prompt(self.retriever, question, exhibit_id, history, reply, self.history_turns, vector)
        need = demand(question) if written_language(question) == "en" else Demand()
        chosen = self.choose(hits, exhibit, vector, need)
        # the catalogue lacks the answer, or no fact close to the question gives what it asks for
        # (a number of things, a size, a date, a name; or what changes from day to day): the guide
        # says it doesn't know and offers the closest fact
        if self.settings.checks == "sources" and (not chosen or unknown_names(need, self.known)
                                                  or self.answerable.unsure(vector, exhibit_id)):
            offer = in_view(hits, exhibit) if need.live else 0
            unknown = UNKNOWN_LIVE if need.live else UNKNOWN_ANSWER
            return Plan("unknown", unknown.format(first=hits[offer].passage.text), hits, [offer])
        used = [i for i in chosen if i is not None]
        facts = [hits[i].passage.text if i is not None else exhibit.summary for i in chosen]
        if not self.speaks:
            return Plan("grounded", " ".join(facts), hits, used, facts=facts)
        earlier = history[-1].question if history else None
        messages = phrase_messages(question, exhibit, facts, earlier, reply)
        context = " ".join([question] + ([record(exhibit)] if exhibit else []))
        return Plan("grounded", "", hits, used, messages, True, facts=facts, context=context)

    @property
    def speaks(self) -> bool:
        """Whether the model words grounded answers; if not, the catalogue answers alone."""
        return self.settings.voice == "model" or self.settings.checks != "sources"

    def system_message(self, exhibit_id: str | None, language: str = "en") -> dict[str, str]:
        """The beginning of every prompt at an exhibit, which an engine can compute ahead."""
        return phrase_system(self.retriever.catalogue.get(exhibit_id) if exhibit_id else None, language)

    def from_catalogue(self, question: str, exhibit, vector: np.ndarray, language: str) -> Plan:
        """A question in a language the served model does not write: the answer is the
        catalogue's own sentences in that language, chosen as an English answer's are (the kind
        of answer asked for is checked against the English of the same facts), and the model
        says nothing. Where no fact gives what is asked, the closest one is still quoted: the
        question words of other languages are read too coarsely to say "I don't know" on them."""
        vector = self.retriever.question_vector(question, language, vector)
        hits = self.retriever.fact_hits(question, exhibit.id if exhibit else None, vector=vector, language=language)
        said = [h.passage.text_in(self.retriever.catalogue, language) for h in hits]
        folded = fold(question)
        if live_in(folded, language):
            offer = in_view(hits, exhibit)
            return Plan("unknown", fixed("unknown_live", language, UNKNOWN_LIVE).format(first=said[offer]), hits, [offer],
                        language=language)
        chosen = self.choose(hits, exhibit, vector, demand_in(folded, language), question, language) or [0]
        summary, _ = exhibit.text(language) if exhibit else ("", [])
        facts = [said[i] if i is not None else summary for i in chosen]
        return Plan("catalogue", " ".join(facts), hits, [i for i in chosen if i is not None], facts=facts, language=language)

    def choose(self, hits: list[Hit], exhibit, vector: np.ndarray, need: Demand, question: str = "",
               language: str = "en") -> list[int | None]:
        """Which passages the answer quotes, best first: positions in `hits`, None for the
        exhibit's summary (it answers "what is this?"). The best-ranked passage that gives what
        the question asks for, if it ranks close to the best of all, and the next such fact when
        it ranks nearly as well; none when no passage close enough does. Demands are checked on
        the English passages."""
        ranked = [(h.score, i) for i, h in enumerate(hits)]
        if exhibit is not None:
            ranked.append((self.retriever.summary_score(exhibit.id, vector, question, language), None))
        ranked.sort(key=lambda c: -c[0])
        exempt = self.places | lower_words(exhibit.names.en if exhibit else "")
        text = {i: hits[i].passage.text if i is not None else exhibit.summary for _, i in ranked}
        fitting = [(score, i) for score, i in ranked if score >= ranked[0][0] - self.settings.relevance_margin
                   and meets(need, text[i], exempt)]
        # "how many": the passages that give the number go before those that only say "several"
        fitting = [c for c in fitting if precise(need, text[c[1]])] or fitting
        if not fitting:
            return []
        first_score, first = fitting[0]
        second = [i for score, i in fitting[1:] if i is not None and score >= first_score - self.settings.second_fact_margin]
        return [first] + second[:1] if first is not None else [first]

    @staticmethod
    def decline(verdict, question: str, session_language: str | None, exhibit) -> str:
        """The refusal in the language the visitor asked in, where it exists; else in English."""
        lang = answer_language(question, session_language)
        return refusal(verdict.category, lang, AnswerPipeline.name_in(exhibit, lang)) or verdict.answer

    @staticmethod
    def name_in(exhibit, language: str) -> str | None:
        """The exhibit's name in a language, in English where it has none there."""
        return exhibit and (getattr(exhibit.names, language, None) or exhibit.names.en)

    def plans(self, questions: Sequence[str], exhibits: Sequence[str | None],
              languages: Sequence[str | None] | None = None) -> list[Plan]:
        """Plans for many lone questions (asked in sessions of `languages`, English by default),
        their embeddings computed in one batch."""
        vectors = self.retriever.encode(list(questions)) if questions else []
        languages = languages or ["en"] * len(questions)
        return [self.plan(q, e, language=lang or "en", vector=v)
                for q, e, lang, v in zip(questions, exhibits, languages, vectors)]

    def gate(self, plan: Plan) -> FactGate:
        s = self.settings
        return FactGate(plan.facts, plan.context, DeltaCleaner(), unsafe_output, SAFE_DECLINE, s.checks,
                        s.most_sentences, s.support, s.cover)


def build_pipeline(retriever: Retriever, guard: GuardSettings | None = None,
                   answers: AnswerSettings | None = None, history_turns: int = 3,
                   languages: Sequence[str] = ("en",)) -> AnswerPipeline:
    """The pipeline on the retriever's encoder, its classifiers fitted or read from the cache;
    `languages` are those the served model writes (the others are answered from the catalogue)."""
    answers = answers or AnswerSettings()
    guard = guard or GuardSettings()
    return AnswerPipeline(retriever, guard_for(retriever, guard) if guard.enabled else None,
                          answerable_for(retriever, answers.answerable), answers, history_turns, languages)
