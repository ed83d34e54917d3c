"""python -m training.dialogues [--model default|quote|REF] [--out DIR]

Plays the held-out multi-turn dialogues (knowledge/questions/dialogues.yaml, never trained on)
through the guide's served pipeline, turn after turn with one dialogue state each, as a session
on the server would, and scores every turn by what it expects: `fact` (the fact that answers it
is among those the answer told), `more` (the answer tells a fact of the exhibit in view this
visitor had not heard, or, with all told, says so), `compare` (the dates of the two exhibits
compared by code), `unknown` (the guide says it doesn't know). It also counts turns answered
about another exhibit than the one in view or named, ordinary turns answered "I don't know", the
suggested questions that, asked, get a grounded answer, and the time to first words of first
questions against later ones (model only). Prints a table; writes turns.json under --out.
"""
from __future__ import annotations

import argparse
import copy
import json
import logging
import statistics
import sys
import time
from pathlib import Path

import yaml
from tqdm import tqdm

from answering.conversation import comparison
from answering.dialogue import Dialogue
from answering.pipeline import AnswerSettings, build_pipeline
from common.stats import summarise
from knowledge.lexical import fold
from knowledge.retrieval import Retriever
from runtime.engine import GenRequest
from runtime.engines import EngineChoice, make_engine

DIALOGUES_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "questions" / "dialogues.yaml"
QUOTE = "quote"  # the served pipeline with `voice: quote`: no model


def load_dialogues(path: Path = DIALOGUES_FILE) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def speak(engine, pipeline, plan, max_tokens: int = 96) -> tuple[str, float | None]:
    """The answer a visitor hears for a plan, as the server streams it, and when its first
    words were ready (seconds after the model was asked; None when nothing came from it). A
    plan whose model began to say what may never be spoken becomes a declined one, as served."""
    if not plan.model or engine is None:
        return plan.lead, None
    gate, text, first, start = pipeline.gate(plan), plan.lead, None, time.perf_counter()
    request = GenRequest(plan.messages, max_tokens, prefix=plan.lead)
    for piece in engine.generate([request]):
        chunk = gate.feed(piece.text) + (gate.flush() if piece.finish else "")
        if chunk and first is None:
            first = time.perf_counter() - start
        text += chunk
        if gate.closed:
            request.cancel.set()
    if gate.declined:
        plan.mode = "declined"
    return text.strip(), first


def judge(turn: dict, plan, exhibit: str, dialogue_before: Dialogue, pipeline, language: str) -> dict:
    """Whether one turn was answered as it expects, and whether it kept to the exhibits in view
    or named."""
    catalogue = pipeline.retriever.catalogue
    told = [(plan.hits[i].exhibit_id, plan.hits[i].passage.index) for i in plan.used]
    named = set(pipeline.conversation.named(fold(turn["q"])))
    off = [e for e, _ in told if e != exhibit and e not in named and e != turn.get("other")]
    expect = turn["expect"]
    if expect == "fact":
        right = (exhibit, turn["fact"]) in told and plan.mode in ("grounded", "catalogue")
    elif expect == "more":
        heard = set(dialogue_before.heard(exhibit))
        new = [i for e, i in told if e == exhibit and i not in heard]
        all_told = len(heard) == len(catalogue.get(exhibit).facts)
        right = bool(new) and len(new) == len(told) or (all_told and not told and plan.mode == "grounded")
    elif expect == "compare":
        expected = comparison(catalogue.get(exhibit), catalogue.get(turn["other"]), language)
        right = expected in plan.facts
    else:
        right = plan.mode == "unknown"
    return {"right": right, "off_exhibit": off, "dont_know": plan.mode == "unknown"}


def play(dialogues: list[dict], pipeline, engine, max_tokens: int) -> list[dict]:
    rows = []
    for d in tqdm(dialogues, desc="dialogues", unit="dialogue", file=sys.stderr):
        dialogue, exhibit, language = Dialogue(), d["exhibit"], d["language"]
        for n, turn in enumerate(d["turns"]):
            exhibit = turn.get("view", exhibit)
            before = copy.deepcopy(dialogue)
            plan = pipeline.plan(turn["q"], exhibit, language=language, dialogue=dialogue)
            answer, first = speak(engine, pipeline, plan, max_tokens)
            pipeline.heard(dialogue, plan, turn["q"], exhibit)
            suggested = pipeline.suggestions(dialogue, exhibit, plan.language)
            grounded = [pipeline.plan(s, exhibit, language=language, dialogue=copy.deepcopy(dialogue)).mode
                        in ("grounded", "catalogue") for s in suggested]
            rows.append({"dialogue": d["id"], "turn": n, "language": language, "exhibit": exhibit, **turn,
                         "answer": answer, "mode": plan.mode, "first_words_s": first, "suggested": suggested,
                         "suggestions_grounded": grounded, **judge(turn, plan, exhibit, before, pipeline, language)})
    return rows


def report(rows: list[dict]) -> list[tuple[str, str]]:
    def share(selected, key="right"):
        s = summarise([float(r[key]) for r in selected]) if selected else None
        return f"{100 * s.mean:.1f} ({100 * s.low:.0f}-{100 * s.high:.0f}), n={s.n}" if s else "-"

    facts = [r for r in rows if r["expect"] == "fact"]
    ordinary = [r for r in rows if r["expect"] != "unknown"]
    firsts = [r["first_words_s"] for r in facts if r["turn"] == 0 and r["first_words_s"] is not None]
    laters = [r["first_words_s"] for r in facts if r["turn"] > 0 and r["first_words_s"] is not None]
    suggestions = [{"right": g} for r in rows for g in r["suggestions_grounded"]]
    lines = [("follow-up and factual turns after the first, right", share([r for r in facts if r["turn"] > 0])),
             ("first questions, right", share([r for r in facts if r["turn"] == 0])),
             ("'tell me more' turns adding unheard catalogue content", share([r for r in rows if r["expect"] == "more"])),
             ("comparisons right", share([r for r in rows if r["expect"] == "compare"])),
             ("unanswerable turns: 'I don't know'", share([r for r in rows if r["expect"] == "unknown"])),
             ("ordinary turns answered 'I don't know'", share(ordinary, "dont_know")),
             ("turns about another exhibit than in view or named", str(sum(bool(r["off_exhibit"]) for r in rows))),
             ("suggested questions that, asked, get a grounded answer", share(suggestions)),
             ("first words p50 (s): first questions / later turns",
              f"{statistics.median(firsts):.3f} / {statistics.median(laters):.3f}" if firsts and laters else "-")]
    for language in ("en", "el", "tr", "ru"):
        lines.append((f"turns in {language} right", share([r for r in rows if r["language"] == language])))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.dialogues", description=__doc__.split("\n\n")[1])
    parser.add_argument("--model", default="default", help="'quote' (the chosen facts quoted, no model), 'default', a checkpoint or a guide directory")
    parser.add_argument("--backend", default="auto", choices=["auto", "transformers", "llamacpp"])
    parser.add_argument("--max-tokens", type=int, default=96)
    parser.add_argument("--file", type=Path, default=DIALOGUES_FILE, help="a dialogue set in the same format")
    parser.add_argument("--out", type=Path, help="directory for turns.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    engine = None if args.model == QUOTE else make_engine(EngineChoice(model=args.model, backend=args.backend, max_batch=1))
    retriever = Retriever()
    answers = AnswerSettings(voice="quote" if engine is None else "model")
    pipeline = build_pipeline(retriever, answers=answers, languages=engine.languages if engine else ("en",))
    rows = play(load_dialogues(args.file), pipeline, engine, args.max_tokens)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "turns.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n")
    print(f"| {len(rows)} turns of {len({r['dialogue'] for r in rows})} dialogues ({engine.model_label if engine else 'chosen facts quoted'}) | |")
    print("|---|---|")
    for what, value in report(rows):
        print(f"| {what} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
