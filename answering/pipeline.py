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

from collections import Counter
from typing import Iterable, Literal, Sequence

import numpy as np
from pydantic import Field

from answering.answerable import Answerable, AnswerableSettings
from answering.answerable import for_retriever as answerable_for
from answering.checks import Checks, FactGate
from answering.choice import FIGURES, allowed, choose, gives, in_view
from answering.cleaning import SAFE_DECLINE, DeltaCleaner, unsafe_output  # noqa: F401  (the server's names)
from answering.conversation import Conversation, comparison, conversation_for
from answering.courtesy import courtesy, in_kind
from answering.demands import Demand, demand, demand_in, live_in, lower_words, unknown_names, vocabulary
from answering.guard import Guard, GuardSettings
from answering.guard import for_retriever as guard_for
from answering.dialogue import Dialogue, LastTurn, just_told
from answering.phrases import fixed, refusal
from answering.plan import Mode, Plan  # noqa: F401  (the server's names)
from common.settings import Settings
from knowledge.lexical import fold
from knowledge.prompting import phrase_beginnings, phrase_messages
from knowledge.reading import Reading, joined, read
from knowledge.replies import record
from knowledge.retrieval import Hit, Passage, Retriever
from knowledge.schema import LANGUAGES
from knowledge.support import stems, written_lower

Voice = Literal["model", "quote"]
FOLLOW_UP_WORDS = 6  # a question this short at the exhibit of the last turn is read with that turn's question


class AnswerSettings(Settings):
    second_fact_margin: float = Field(0.1, ge=0, le=1, description="the second-best fact is quoted too when its score is this close to the best one's")
    relevance_margin: float = Field(0.25, ge=0, le=1, description="how far below the best-ranked passage a fact may score and still be quoted because only it gives what the question asks for (a number, a size, a date, a name); 0.15 before the multilingual encoder's similarities were added to the English one's, which spreads the scores wider (on the differently phrased questions 0.25 and 0.15 choose the answering fact equally often, and 0.25 says \"I don't know\" to no more ordinary or unanswerable tuning questions)")
    voice: Voice = Field("model", description="who words a grounded answer: 'model' (the model phrases the chosen facts, each sentence checked) or 'quote' (the chosen facts in the catalogue's own words, the model not asked: instant, and the floor the model must beat)")
    most_sentences: int = Field(3, ge=1, le=6, description="sentences the model may speak in one answer: a visitor hears an answer, they do not read it")
    support: float = Field(0.7, ge=0, le=1, description="share of a model sentence's content words that one chosen fact (with the exhibit's record and the question) must hold")
    cover: float = Field(0.6, ge=0, le=1, description="share of a chosen fact's own content words the answer must have said for the fact to count as told; a fact told less is quoted at the end (0.6 over 0.5: on the 201 training questions factual 97.5 against 96.5, median words 18 against 17; 0.67 no better and longer)")
    checks: Checks = Field("sources", description="what each sentence of the model must pass before it is sent: 'sources' (supported by the chosen facts, and safe; failing sentences and left-out facts quoted); 'safety' (the model phrases the chosen facts alone, each sentence only screened for code, addresses and slurs: to measure the model alone); 'none' (raw words, for load tests on a model that speaks noise)")
    follow_up_discount: float = Field(0.05, ge=0, le=1, description="how much less a fact scores when found by a follow-up read with the question before it than by its own words: the visitor's own words come first, the last turn breaks their ambiguity")
    common: int = Field(2, ge=1, le=30, description="in how many exhibits' texts a word must appear for a model sentence to add it to the fact it phrases, unless the exhibit in view uses it: a word only another exhibit uses is that exhibit's matter, not the guide's own ('a traditional dance' said of poetic duelling; docs/decisions/2026-12-07-words-of-one-exhibit.md)")
    answerable: AnswerableSettings = Field(default_factory=AnswerableSettings, description="when the guide says the catalogue doesn't hold the answer")



class AnswerPipeline:
    def __init__(self, retriever: Retriever, guard: Guard | None, answerable: Answerable,
                 conversation: Conversation, settings: AnswerSettings | None = None,
                 languages: Sequence[str] = ("en",)):
        self.retriever, self.guard, self.answerable = retriever, guard, answerable
        self.conversation = conversation
        self.languages = tuple(languages)  # the languages the served model writes
        self.settings = settings or AnswerSettings()
        self.known = vocabulary([p.text for p in retriever.passages])
        # what a model sentence may add to its fact: the words of the exhibit it speaks of, and
        # those common to several exhibits; a word only another exhibit uses is that one's matter
        own = exhibit_words(retriever.passages)
        self.words = common(own.values(), self.settings.common)
        self.vocabulary = {exhibit: words | self.words for exhibit, words in own.items()}
        # the island's towns and districts: where things are, never who did them
        self.places = lower_words(" ".join(f"{e.town} {e.region}" for e in retriever.catalogue))
        # words the catalogue writes in lower case: no name, even where a sentence begins with one
        self.plain = frozenset(written_lower(" ".join(p.text for p in retriever.passages)))
        self.passage = {(p.exhibit_id, p.index): p for p in retriever.passages if p.kind == "fact"}

    def plan(self, question: str, exhibit_id: str | None, language: str | None = "en",
             vector: np.ndarray | None = None, dialogue: Dialogue | None = None) -> Plan:
        """What to answer `question` with, at `exhibit_id`, in a conversation whose state is
        `dialogue` (none: a lone question). The question is read once, here (`knowledge.reading`),
        and that reading is what every step judges: its language is detected and it is encoded
        once (`vector`: its embedding where a batch already computed it)."""
        exhibit = self.retriever.catalogue.get(exhibit_id) if exhibit_id else None
        reading = read(question, language, vector)
        if (kind := courtesy(reading.text)) is not None:  # hello, thanks, goodbye: answered in kind, unencoded
            lang = reading.reply
            return Plan("courtesy", in_kind(kind, lang, self.name_in(exhibit, lang)), language=lang)
        reading = self.retriever.encoded(reading)
        dialogue = dialogue if dialogue is not None else Dialogue()
        # a short question at the exhibit of the last turn leans on it: "And when was that?"
        last = dialogue.follows(exhibit_id) if len(reading.words) <= FOLLOW_UP_WORDS else None
        follow = joined(last.question, reading) if last else None
        if self.guard is not None:
            verdict = self.guard.check(reading, exhibit.names.en if exhibit else None)
            if verdict.category == "off_topic" and follow is not None:
                # "By whom?" is off-topic alone and on-topic after "When was the tower built?"
                follow = self.retriever.encoded(follow)  # once: retrieval ranks by it too
                verdict = self.guard.check(follow, exhibit.names.en if exhibit else None)
            if verdict.answer is not None:
                return Plan("declined", self.decline(verdict, reading, exhibit), category=verdict.category,
                            language=reading.reply if reading.reply in LANGUAGES else "en")
        if exhibit is not None and self.conversation.go_on.asks_more(reading.folded):
            return self.more(question, exhibit, dialogue, reading.reply)
        named = self.conversation.named(reading.folded)
        other = self.conversation.compared(reading, exhibit, named)
        if reading.reply not in self.languages and reading.reply in LANGUAGES:
            return self.from_catalogue(reading, exhibit, follow, other, named)
        return self.answered(reading, exhibit, follow, other, named, last)

    def answered(self, reading: Reading, exhibit, follow: Reading | None, other, named: list[str],
                 last: LastTurn | None) -> Plan:
        """A question in a language the served model writes: the chosen facts, phrased (`last`:
        the turn a follow-up leans on)."""
        exhibit_id, vector = (exhibit.id if exhibit else None), reading.vector
        need = demand(reading.text) if reading.written == "en" else Demand()
        hits, read_by, summary = self.fact_hits(reading, exhibit_id, follow, told=just_told(last, reading.written == "en" and need.kind is None))
        chosen = self.choose(hits, exhibit, summary, need, allowed=allowed(named, exhibit))
        # the catalogue lacks the answer, or no fact close to the question gives what it asks for
        # (a number of things, a size, a date, a name; or what changes from day to day): the guide
        # says it doesn't know and offers the closest fact
        if other is None and self.settings.checks == "sources" and (
                not chosen or unknown_names(need, self.known) or (
                    self.answerable.unsure(vector, exhibit_id) and self.answerable.unsure(read_by.vector, exhibit_id)
                    and not gives(need, hits, chosen, exhibit))):
            offer = in_view(hits, exhibit) if need.live else 0
            unknown = fixed("unknown_live" if need.live else "unknown", "en")
            return Plan("unknown", unknown.format(first=hits[offer].passage.text), hits, [offer])
        used = [i for i in chosen if i is not None]
        facts = [hits[i].passage.text if i is not None else exhibit.summary for i in chosen]
        if other is not None:  # dates compared by code; a fact of either exhibit where one was chosen
            used = [i for i in used[:1] if hits[i].exhibit_id in (exhibit.id, other.id)]
            facts = [comparison(exhibit, other, reading.reply)] + [hits[i].passage.text for i in used]
        return self.phrased(reading.text, exhibit, hits, used, facts, last.question if last else None, reading.reply)

    def phrased(self, question: str, exhibit, hits: list[Hit], used: list[int], facts: list[str],
                earlier: str | None, language: str) -> Plan:
        """A grounded answer: the chosen facts quoted, or (as served) phrased by the model."""
        if not self.speaks:
            return Plan("grounded", " ".join(facts), hits, used, facts=facts, language=language)
        messages = phrase_messages(question, exhibit, facts, earlier, language)
        return Plan("grounded", "", hits, used, messages, True, facts=facts, question=question,
                    record=record(exhibit) if exhibit else "", language=language, exhibit=exhibit.id if exhibit else None)

    def fact_hits(self, reading: Reading, exhibit_id: str | None, follow: Reading | None,
                  language: str = "en", told: frozenset[str] = frozenset()) -> tuple[list[Hit], Reading, float | None]:
        """The facts for a question, best first, the reading they were ranked by, and the score
        of the exhibit's summary on the facts' scale (None with no exhibit), all from one score
        per passage and reading: `reading` as `ranked_by` gives it for `language` (English, or
        the language the question is answered in from the catalogue). A follow-up is also read
        joined with the question it follows (`follow`, encoded here unless the guard needed it
        first), and each fact and the summary keep the better of their two scores: "And when was
        that?" finds the date of what was asked before. The facts in `told` keep their own score
        (`just_told`)."""
        scores = self.scores(reading, exhibit_id, language)
        hits = self.retriever.hits_in(scores)
        summary = self.retriever.summary_in(scores, exhibit_id) if exhibit_id else None
        if follow is None:
            return hits, reading, summary
        by = self.ranked_by(self.retriever.encoded(follow), language)
        again, discount = self.scores(by, exhibit_id, language), self.settings.follow_up_discount
        best = {(h.exhibit_id, h.passage.index): h for h in hits}
        for h in self.retriever.hits_in(again):
            if h.passage.text in told:
                continue
            key, score = (h.exhibit_id, h.passage.index), h.score - discount
            if key not in best or score > best[key].score:
                best[key] = Hit(h.passage, score)
        if summary is not None:
            summary = max(summary, self.retriever.summary_in(again, exhibit_id) - discount)
        return sorted(best.values(), key=lambda h: -h.score)[:len(hits)], by, summary

    def scores(self, reading: Reading, exhibit_id: str | None, language: str) -> np.ndarray:
        return self.retriever.exhibit_scores(reading.text, exhibit_id, reading.vector, language, reading.meaning)

    def ranked_by(self, reading: Reading, language: str) -> Reading:
        """An encoded reading as retrieval ranks by it: for a question answered from the
        catalogue in another language, its vector joined with that of its English words."""
        return reading if language == "en" else reading.with_vector(self.retriever.bridged(reading))

    def more(self, question: str, exhibit, dialogue: Dialogue, language: str) -> Plan:
        """"Tell me more": the next fact of the exhibit in view this visitor has not heard, or,
        when all are told, so, and a related exhibit to visit."""
        index = self.conversation.next_fact(dialogue, exhibit)
        if index is None:
            return Plan("grounded", self.conversation.all_told(exhibit, language), language=language)
        hits = [Hit(self.passage[(exhibit.id, index)], 1.0)]
        if language in self.languages:  # no earlier question: going on is no follow-up to answer
            return self.phrased(question, exhibit, hits, [0], [hits[0].passage.text], None, language)
        said = hits[0].passage.text_in(self.retriever.catalogue, language)
        return Plan("catalogue", said, hits, [0], facts=[said], language=language)

    def introduction(self, question: str, exhibit_id: str, language: str = "en") -> Plan:
        """What the guide says when the robot brings the tour to an exhibit: its summary, which
        the model phrases as it was trained to answer "what is this?" (in a language the model
        does not write, the catalogue's own summary in it)."""
        exhibit = self.retriever.catalogue.get(exhibit_id)
        if language in self.languages:
            return self.phrased(question, exhibit, [], [], [exhibit.summary], None, language)
        summary = exhibit.text(language)[0] if language in LANGUAGES else exhibit.summary
        return Plan("catalogue", summary, facts=[summary], language=language if language in LANGUAGES else "en")

    def heard(self, dialogue: Dialogue, plan: Plan, question: str, exhibit_id: str | None) -> None:
        """After an answer: what this visitor was told, and the turn a follow-up may lean on."""
        if plan.mode not in ("grounded", "catalogue"):
            return
        for i in plan.used:
            dialogue.tell(plan.hits[i].exhibit_id, [plan.hits[i].passage.index])
        if exhibit_id in self.retriever.catalogue:
            self.conversation.summary_told(dialogue, self.retriever.catalogue.get(exhibit_id), plan.facts)
        dialogue.remember(exhibit_id, question, plan.facts, fold(question))

    def suggestions(self, dialogue: Dialogue, exhibit_id: str | None, language: str) -> list[str]:
        exhibit = self.retriever.catalogue.get(exhibit_id) if exhibit_id in self.retriever.catalogue else None
        return self.conversation.suggestions(dialogue, exhibit, language)

    @property
    def speaks(self) -> bool:
        """Whether the model words grounded answers; if not, the catalogue answers alone."""
        return self.settings.voice == "model" or self.settings.checks != "sources"

    def beginnings(self, exhibit_id: str | None, language: str = "en") -> list[list[dict[str, str]]]:
        """How prompts at an exhibit begin (its system turn, then each passage as a first chosen
        fact), for an engine to compute before anyone asks there."""
        return phrase_beginnings(self.retriever.catalogue.get(exhibit_id) if exhibit_id else None, language)

    def from_catalogue(self, reading: Reading, exhibit, follow: Reading | None = None, other=None,
                       named: list[str] = ()) -> Plan:
        """A question in a language the served model does not write: the answer is the
        catalogue's own sentences in that language, chosen as an English answer's are (the kind
        of answer asked for is checked against the English of the same facts), and the model
        says nothing. Where no close fact gives the number, size or date asked for ("πόσοι",
        "kaç", "сколько"), the guide says it doesn't know; where none gives anything else asked,
        the closest one is still quoted: the other question words of these languages are read
        too coarsely to say "I don't know" on them."""
        language = reading.reply
        own = self.ranked_by(reading, language)
        # the facts just told are not held back (`just_told`): only the kind of answer is read in
        # these languages, too coarsely to tell a follow-up that asks for nothing in particular
        hits, _, summary_score = self.fact_hits(own, exhibit.id if exhibit else None, follow, language)
        said = [h.passage.text_in(self.retriever.catalogue, language) for h in hits]
        if live_in(reading.folded, language):
            offer = in_view(hits, exhibit)
            return Plan("unknown", fixed("unknown_live", language).format(first=said[offer]), hits, [offer],
                        language=language)
        need = demand_in(reading.folded, language)
        chosen = self.choose(hits, exhibit, summary_score, need, allowed(list(named), exhibit))
        if not chosen and other is None and need.kind in FIGURES:  # no close fact holds the figure asked for
            return Plan("unknown", fixed("unknown", language).format(first=said[0]), hits, [0], language=language)
        chosen = chosen or [0]
        summary, _ = exhibit.text(language) if exhibit else ("", [])
        used = [i for i in chosen if i is not None]
        facts = [said[i] if i is not None else summary for i in chosen]
        if other is not None:
            used = [i for i in used[:1] if hits[i].exhibit_id in (exhibit.id, other.id)]
            facts = [comparison(exhibit, other, language)] + [said[i] for i in used]
        return Plan("catalogue", " ".join(facts), hits, used, facts=facts, language=language)

    def choose(self, hits: list[Hit], exhibit, summary: float | None, need: Demand,
               allowed: set[str] | None = None) -> list[int | None]:
        """`answering.choice.choose` with this pipeline's places and margins."""
        s = self.settings
        return choose(hits, exhibit, summary, need, allowed, self.places, s.relevance_margin,
                      s.second_fact_margin, self.plain)

    @staticmethod
    def decline(verdict, reading: Reading, exhibit) -> str:
        """The refusal in the language the visitor asked in, where it exists; else in English."""
        lang = reading.reply
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
        return FactGate(plan.facts, plan.record, plan.question, DeltaCleaner(), unsafe_output, SAFE_DECLINE,
                        s.checks, s.most_sentences, s.support, s.cover,
                        self.vocabulary.get(plan.exhibit, self.words))


def exhibit_words(passages: Sequence[Passage]) -> dict[str, frozenset[str]]:
    """Per exhibit, the stems its English texts use."""
    texts: dict[str, list[str]] = {}
    for p in passages:
        texts.setdefault(p.exhibit_id, []).append(p.text)
    return {exhibit: frozenset(stems(" ".join(t))) for exhibit, t in texts.items()}


def common(words: Iterable[frozenset[str]], least: int) -> frozenset[str]:
    """The stems that at least `least` of the sets hold."""
    uses = Counter(w for each in words for w in each)
    return frozenset(w for w, n in uses.items() if n >= least)


def build_pipeline(retriever: Retriever, guard: GuardSettings | None = None,
                   answers: AnswerSettings | None = None, languages: Sequence[str] = ("en",)) -> AnswerPipeline:
    """The pipeline on the retriever's encoder, its classifiers fitted or read from the cache;
    `languages` are those the served model writes (the others are answered from the catalogue)."""
    answers = answers or AnswerSettings()
    guard = guard or GuardSettings()
    return AnswerPipeline(retriever, guard_for(retriever, guard) if guard.enabled else None,
                          answerable_for(retriever, answers.answerable), conversation_for(retriever.catalogue),
                          answers, languages)

