"""python -m training.follow_ups [--misses]   (how often a follow-up's answer leads with the fact that answers it)

The follow-ups of the hand-written replies (knowledge/replies/: an earlier question, the fact
that answered it, the follow-up and the fact that answers it) are training material, never an
evaluation set: the rule for the facts just told was chosen on them (answering/dialogue.py,
`just_told`). Each follow-up is asked right after its earlier question in a fresh session, with
the chosen facts quoted. It is right first when the answer's first fact is the one that answers
it, and right among when any fact of the answer is.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Sequence

from answering.dialogue import Dialogue
from answering.guard import GuardSettings
from answering.pipeline import AnswerPipeline, AnswerSettings, build_pipeline
from knowledge.replies import load_replies
from knowledge.retrieval import Retriever


@dataclass(frozen=True)
class Asked:
    exhibit: str
    before: str
    question: str
    fact: int  # the fact that answers `question`


@dataclass(frozen=True)
class Result:
    asked: Asked
    first: bool  # the answer's first fact answers it
    among: bool  # some fact of the answer does
    unknown: bool  # the guide said it doesn't know


def follow_ups(catalogue) -> list[Asked]:
    return [Asked(exhibit, f.before, f.q, f.fact) for exhibit, replies in sorted(load_replies(catalogue).items())
            for f in replies.follow_ups]


def ask(pipeline: AnswerPipeline, asked: Asked) -> Result:
    dialogue = Dialogue()
    earlier = pipeline.plan(asked.before, asked.exhibit, dialogue=dialogue)
    pipeline.heard(dialogue, earlier, asked.before, asked.exhibit)
    plan = pipeline.plan(asked.question, asked.exhibit, dialogue=dialogue)
    told = [(plan.hits[i].exhibit_id, plan.hits[i].passage.index) for i in plan.used]
    answered = plan.mode != "unknown"
    right = (asked.exhibit, asked.fact)
    return Result(asked, answered and told[:1] == [right], answered and right in told, not answered)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.follow_ups", description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the follow-ups whose answer does not lead with their fact")
    args = parser.parse_args(argv)
    retriever = Retriever()
    pipeline = build_pipeline(retriever, GuardSettings(enabled=False), AnswerSettings(voice="quote"))
    results = [ask(pipeline, asked) for asked in follow_ups(retriever.catalogue)]
    print(f"follow-ups of the hand-written replies: the right fact first in {sum(r.first for r in results)} "
          f"of {len(results)}, among the facts in {sum(r.among for r in results)}, "
          f"'I don't know' to {sum(r.unknown for r in results)}")
    for r in results if args.misses else []:
        if not r.first:
            print(f"  {r.asked.exhibit}: {r.asked.before} | {r.asked.question}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
