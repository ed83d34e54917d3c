"""Which facts an answer is made of, once they are ranked: the best-ranked passage that gives
what the question asks for, and a second that ranks nearly as well; whose facts may answer; when
the answerability classifier's doubt is overruled; which fact an "I don't know" offers. Pure."""
from __future__ import annotations

import re

from answering.demands import Demand, lower_words, meets, precise
from knowledge.language import TABLE
from knowledge.retrieval import Hit
from knowledge.support import stems

FIGURES = ("count", "measure", "when")  # a number, a size, a date: what a question word in any language asks plainly


def choose(hits: list[Hit], exhibit, summary: float | None, need: Demand, allowed: set[str] | None,
           places: frozenset[str], relevance_margin: float, second_fact_margin: float,
           plain: frozenset[str] = frozenset()) -> list[int | None]:
    """Which passages the answer quotes, best first: positions in `hits`, None for the exhibit's
    summary (it answers "what is this?"; `summary` is its score, on the facts' scale). The
    best-ranked passage that gives what the question asks for, if it ranks within
    `relevance_margin` of the best of all, and the next such fact when it ranks within
    `second_fact_margin` of it; none when no passage close enough does. Demands are checked on
    the English passages, whose `places` and the exhibit's own name never answer "who", nor a
    sentence's first word that the catalogue writes in lower case (`plain`); only
    facts of `allowed` exhibits are chosen (all, when None). Where a better-ranked passage tells
    of the deed asked about without naming who did it ("it was found near Pomos" for "who found
    it?"), a passage names the doer only if it tells of that deed too: else its names did
    something else (who collected the stone), and the catalogue lacks the answer.
    English only: a question in another language is read for the kind of answer, not its words."""
    ranked = [(h.score, i) for i, h in enumerate(hits) if allowed is None or h.exhibit_id in allowed]
    if exhibit is not None and summary is not None:
        ranked.append((summary, None))
    ranked.sort(key=lambda c: -c[0])
    exempt = places | lower_words(exhibit.names.en if exhibit else "")
    text = {i: hits[i].passage.text if i is not None else exhibit.summary for _, i in ranked}
    met = {i: meets(need, text[i], exempt, plain) for _, i in ranked}
    fitting = [(score, i) for score, i in ranked if score >= ranked[0][0] - relevance_margin and met[i]]
    if need.kind == "who":
        doers = of_the_deed(need, [i for _, i in ranked], text, met, exempt)
        fitting = [c for c in fitting if c[1] in doers]
    # "how many": the passages that give the number go before those that only say "several"
    fitting = [c for c in fitting if precise(need, text[c[1]])] or fitting
    if not fitting:
        return []
    first_score, first = fitting[0]
    second = [i for score, i in fitting[1:] if i is not None and score >= first_score - second_fact_margin]
    return [first] + second[:1]


def of_the_deed(need: Demand, ranked: list[int | None], text: dict, met: dict, exempt: frozenset[str]) -> set[int | None]:
    """The passages whose names may be who did the deed a "who" question asks about: those that
    tell of the deed (its word, "found") wherever a better-ranked passage naming nobody does.
    Only that one word: "who gave the fortress its walls?" is answered by "the Venetians rebuilt
    the castle with thick walls", which a better-ranked "the first fortress" must not rule out."""
    deed = stems(" ".join(need.deed)) - stems(" ".join(exempt))
    told, kept = set(), set()
    for i in ranked:
        words = re.findall(r"[a-z]+", text[i].lower())
        holds = {d for d in deed if any(tells_of(w, d) for w in words)}
        if told <= holds:
            kept.add(i)
        if not met[i]:
            told |= holds
    return kept


def tells_of(word: str, deed: str) -> bool:
    """Whether a word tells of a deed's stem: begins with it, or with one of the language's
    verb prefixes and then it ("rebuilt", "built"); "called" tells nothing of "led"."""
    return any(word.startswith(p + deed) for p in ("", *TABLE.en.prefixes))


def gives(need: Demand, hits: list[Hit], chosen: list[int | None], exhibit) -> bool:
    """Whether the chosen fact is about the exhibit in view and gives the very kind of answer
    asked for (a number of things, a size, a date, a name): then the answerability classifier's
    doubt is overruled, for the catalogue plainly holds the answer."""
    first = chosen[0] if chosen else None
    return (need.kind in (*FIGURES, "who") and first is not None and exhibit is not None
            and hits[first].exhibit_id == exhibit.id)


def allowed(named: list[str], exhibit) -> set[str] | None:
    """Whose facts may answer: the exhibit in view and any the question names (all, with none in
    view): a visitor at Kourion asking "who excavated it?" means Kourion."""
    return None if exhibit is None else {exhibit.id, *named}


def in_view(hits: list[Hit], exhibit) -> int:
    """The best-ranked fact about the exhibit in view, offered where what was asked (opening
    hours, the museum's phone) has nothing to do with any fact: the best of all otherwise."""
    return next((i for i, h in enumerate(hits) if exhibit is not None and h.exhibit_id == exhibit.id), 0)
