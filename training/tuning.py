"""python -m training.tuning [--model default|quote] [--common N] [--limit N]

The served path on the tuning questions (`knowledge/questions/training.yaml`, the set a setting
may be chosen on; the held-out sets of `training.evaluate` are for measuring, not choosing):
every question answered as the server answers it, with the shipped guide phrasing the chosen
facts or (`--model quote`) the facts quoted. Prints factual accuracy, the share of grounded
answers with the model's own words, model sentences spoken and refused by the checks, and how
often the first sentence holds what was asked. `--common` overrides `answers.common` (in how many
exhibits' texts a word a model sentence adds must appear).
"""
from __future__ import annotations

import argparse
import sys

from answering.pipeline import AnswerSettings, build_pipeline
from knowledge.dataset import TRAINING_QUESTIONS_FILE
from knowledge.retrieval import Retriever
from runtime.engines import EngineChoice, make_engine
from training import scoring, speech
from training.evaluate import answer_all, load_keyed, sources_of, spaced

def figures(rows: list[dict], retriever: Retriever) -> dict:
    """Factual accuracy over all answers; own words, sentences and first sentences over grounded ones."""
    grounded = [r for r in rows if r["mode"] == "grounded"]
    texts = {e.id: [e.summary, *e.facts] for e in retriever.catalogue}
    share = lambda hits: round(100 * sum(hits) / len(hits), 1) if hits else 0.0  # noqa: E731
    spoken = speech.spoken(grounded)
    return {"questions": len(rows), "grounded": len(grounded),
            "factual": share([scoring.factual(r["answer"], r["key_terms"], sources_of(r, retriever)) for r in rows]),
            "own_words": share([speech.own_words(r["answer"], texts[r["exhibit"]]) for r in grounded]),
            "model_sentences_spoken": spoken["model_sentences"], "model_sentences_refused": spoken["rejected"],
            "first_sentence": share([speech.first_holds(r["answer"], r["question"], r["fact"], r["key_terms"])
                                     for r in grounded]),
            "median_words": spoken["median_words"]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.tuning")
    p.add_argument("--model", default="default", help="'quote' (the chosen facts quoted) or a model reference")
    p.add_argument("--common", type=int, default=None, help="answers.common for this run")
    p.add_argument("--limit", type=int, default=None, help="N questions, evenly spaced")
    args = p.parse_args(argv)
    retriever = Retriever()
    settings = AnswerSettings(voice="quote" if args.model == "quote" else "model")
    if args.common is not None:
        settings.common = args.common
    pipeline = build_pipeline(retriever, answers=settings)
    engine = None if args.model == "quote" else make_engine(EngineChoice(model=args.model, max_batch=8))
    asked = spaced(load_keyed(TRAINING_QUESTIONS_FILE, "training"), args.limit)
    rows = answer_all(engine, pipeline, asked, desc="tuning questions")
    for key, value in figures(rows, retriever).items():
        print(f"{key:24s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
