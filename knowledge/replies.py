"""The guide's hand-written replies: for every catalogue fact, visitor questions each paired with
an answer-first reply in the guide's own words, a sentence that tells the fact unasked, and per
exhibit a reply to "what is this?" and follow-ups asked after an earlier question. They are
what the model learns to phrase chosen facts from (`knowledge.dataset`). One YAML file per
exhibit in `knowledge/replies/`; `python -m knowledge check-replies` validates them.

Every reply is checked as the served answer checks are (`knowledge.support`): each sentence
says only what its fact, the exhibit's record and the question say, and it is not the fact
copied out.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import Field, ValidationError

from knowledge.catalogue import Catalogue
from knowledge.schema import Exhibit, Strict
from knowledge.support import Support, split_sentences, verbatim

REPLIES_DIR = Path(__file__).parent / "replies"
MOST_WORDS = 35  # a reply is spoken: the visitor hears it in a few seconds
MOST_SENTENCES = 3


class Pair(Strict):
    q: str = Field(min_length=3, description="a visitor's question, as spoken")
    a: str = Field(min_length=3, description="the guide's reply: the direct answer first, 1 to 3 short sentences")


class FactReplies(Strict):
    fact: int = Field(ge=0, description="index of the English fact in the exhibit's file")
    say: str = Field(min_length=3, description="the fact told unasked, in the guide's words ('tell me more')")
    pairs: list[Pair] = Field(min_length=1, description="questions this fact answers, each with its reply (none within 0.8 cosine of an evaluation question: a test checks)")


class FollowUp(Strict):
    before: str = Field(min_length=3, description="the visitor's earlier question")
    before_fact: int = Field(ge=0, description="the fact that answered it")
    q: str = Field(min_length=3, description="the follow-up, which leans on the earlier question")
    fact: int = Field(ge=0, description="the fact that answers the follow-up")
    a: str = Field(min_length=3, description="the reply: answers the follow-up, does not repeat the earlier answer")


class ExhibitReplies(Strict):
    exhibit: str
    what_is: str = Field(min_length=3, description="the reply to 'what am I looking at?', from the summary")
    facts: list[FactReplies] = Field(min_length=1)
    follow_ups: list[FollowUp] = Field(default_factory=list)


def record(exhibit: Exhibit) -> str:
    """What any reply about an exhibit may name beside its facts: its names, dates and place."""
    return f"{exhibit.names.en} {exhibit.id.replace('-', ' ')} {exhibit.period.dates} {exhibit.period.name} " \
           f"{exhibit.town} {exhibit.region}"


def load_replies(catalogue: Catalogue, directory: Path = REPLIES_DIR) -> dict[str, ExhibitReplies]:
    """Every exhibit's replies that exist, by exhibit id; a malformed file is an error naming it."""
    out = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            replies = ExhibitReplies.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (ValidationError, yaml.YAMLError) as exc:
            raise ValueError(f"{path.name}: {exc}") from exc
        if replies.exhibit not in catalogue:
            raise ValueError(f"{path.name}: field 'exhibit': no exhibit {replies.exhibit!r} in the catalogue")
        out[replies.exhibit] = replies
    return out


def reply_problems(reply: str, sources: list[str], question: str) -> list[str]:
    """Why a reply could not be spoken as it is written (empty when it can)."""
    sentences = split_sentences(reply)
    problems = []
    if len(reply.split()) > MOST_WORDS or len(sentences) > MOST_SENTENCES:
        problems.append(f"longer than {MOST_WORDS} words or {MOST_SENTENCES} sentences")
    support = Support([" ".join(sources)], words=question)  # as the served checks see one chosen fact
    for sentence in sentences:
        if (why := support.problem(sentence)) is not None:
            problems.append(f"{why}: {sentence!r}")
        if verbatim(sentence, sources[:1]):
            problems.append(f"the fact copied out: {sentence!r}")
    return problems


def problems(replies: dict[str, ExhibitReplies], catalogue: Catalogue) -> list[str]:
    """Every problem of every reply file, each naming the exhibit, the fact and what is wrong."""
    out = []
    for exhibit_id, r in replies.items():
        exhibit = catalogue.get(exhibit_id)
        facts, rec = exhibit.facts, record(exhibit)
        out += [f"{exhibit_id}: what_is: {p}" for p in reply_problems(r.what_is, [exhibit.summary, rec], "")]
        for f in r.facts:
            if f.fact >= len(facts):
                out.append(f"{exhibit_id}: fact {f.fact}: no such fact")
                continue
            out += [f"{exhibit_id}: fact {f.fact}: say: {p}" for p in reply_problems(f.say, [facts[f.fact], rec], "")]
            for pair in f.pairs:
                out += [f"{exhibit_id}: fact {f.fact}: {pair.q!r}: {p}"
                        for p in reply_problems(pair.a, [facts[f.fact], rec], pair.q)]
        missing = set(range(len(facts))) - {f.fact for f in r.facts}
        out += [f"{exhibit_id}: fact {i}: no replies" for i in sorted(missing)]
        for u in r.follow_ups:
            if max(u.fact, u.before_fact) >= len(facts):
                out.append(f"{exhibit_id}: follow-up {u.q!r}: no such fact")
                continue
            out += [f"{exhibit_id}: follow-up {u.q!r}: {p}"
                    for p in reply_problems(u.a, [facts[u.fact], rec], u.q)]
    return out
