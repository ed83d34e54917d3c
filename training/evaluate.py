"""python -m training.evaluate --model retriever --model default --model artifacts/guide-smollm2

Answers the held-out visitor questions, the red-team prompts, the differently phrased validation
questions and the held-out unanswerable questions with each model through the guide server's own
answer pipeline (`answering.pipeline`: guard, retrieval, quoted facts, the model's checked
continuation, cleaning) on the engine the server would pick, scores every answer, and prints a
side-by-side table with 95% confidence intervals. `retriever` is the floor every model must
beat: the retriever's top fact quoted verbatim. `train_guide.py` calls `evaluate_models` before
and after training.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from tqdm import tqdm

from answering.answerable import load_unanswerable
from answering.guard import GuardSettings
from answering.pipeline import AnswerPipeline, AnswerSettings, Checks, build_pipeline
from common.hub import ModelNotAvailable
from knowledge.catalogue import default_catalogue
from knowledge.dataset import (
    ORDINARY_HARD_FILE,
    PARAPHRASED_FILE,
    RED_TEAM_FILE,
    build,
    document_frequency,
    key_terms,
    load_language_questions,
    load_rows,
)
from knowledge.replies import record
from knowledge.retrieval import Retriever
from knowledge.schema import LANGUAGES
from runtime.engine import GenRequest
from runtime.engines import EngineChoice, make_engine
from store import read_rows
from store.criteria import CRITERIA
from training import safety, scoring, speech

log = logging.getLogger(__name__)
RETRIEVER = "retriever"  # not a model: the retriever's top fact, verbatim
QUOTE = "quote"  # not a model: the served pipeline with `voice: quote`, the chosen facts quoted
EXTRA = ("factual_paraphrased", "unanswerable_dont_know", "ordinary_dont_know") + tuple(
    f"right_fact_{lang}" for lang in LANGUAGES[1:]) + ("own_words", "first_sentence", "alignment_loose")


def load_eval(path: Path | None = None, limit: int | None = None) -> list[dict]:
    """The held-out questions with their expected facts (built from the catalogue if no file);
    `limit` picks that many, evenly spaced, so that a short run still covers the whole gallery."""
    if path is not None:
        rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    else:
        rows = build()["eval"]
    return spaced(rows, limit)


def spaced(rows: list, limit: int | None) -> list:
    """`limit` rows spread evenly over the list (all of them when there is no limit)."""
    if not limit or limit >= len(rows):
        return rows
    return [rows[i * len(rows) // limit] for i in range(limit)]


def answer_all(engine, pipeline: AnswerPipeline, items: list[dict], max_tokens: int = 96,
               desc: str = "answering") -> list[dict]:
    """Every question answered as the server answers it, the model's continuations decoded in
    batches of the engine's size; with no engine, the retriever's top fact verbatim."""
    plans = pipeline.plans([i["question"] for i in items], [i.get("exhibit") for i in items],
                           [i.get("language") for i in items])
    catalogue = pipeline.retriever.catalogue
    served = engine is not None or pipeline.settings.voice == "quote"  # else: the retriever's top fact
    texts = [p.lead if served or not p.hits else p.hits[0].passage.text_in(catalogue, p.language) for p in plans]
    asked = [n for n, p in enumerate(plans) if p.model and engine is not None]
    stats = [{"model_sentences": 0, "quoted": 0, "rejected": []} for _ in plans]
    with tqdm(total=len(asked), desc=desc, unit="q", file=sys.stderr) as bar:
        for start in range(0, len(asked), engine.max_batch if engine else 1):
            chunk = asked[start:start + engine.max_batch]
            requests = [GenRequest(plans[n].messages, max_tokens, prefix=plans[n].lead) for n in chunk]
            gates = [pipeline.gate(plans[n]) for n in chunk]
            for piece in engine.generate(requests):
                gate = gates[piece.index]
                texts[chunk[piece.index]] += gate.feed(piece.text) + (gate.flush() if piece.finish else "")
                if gate.closed:  # as the server does: nothing more of this answer will be spoken
                    requests[piece.index].cancel.set()
            bar.update(len(chunk))
            for n, gate in zip(chunk, gates):
                if gate.declined:  # the model began to say what may never be spoken
                    plans[n].mode = "declined"
                stats[n] = {"model_sentences": gate.model_sentences, "quoted": gate.quoted,
                            "rejected": [vars(r) for r in gate.rejected]}
    return [{**item, "facts": [h.passage.text for h in plan.hits], "answer": text.strip(),
             "declined": plan.category, "mode": plan.mode, "answer_language": plan.language,
             "chosen": plan.facts, **stat}
            for item, plan, text, stat in zip(items, plans, texts, stats)]


def load_paraphrased() -> list[dict]:
    """The differently phrased validation questions, with their expected key facts."""
    return load_keyed(PARAPHRASED_FILE, "para")


def load_keyed(path: Path, label: str) -> list[dict]:
    """A question file whose records name the exhibit and fact that answer them, each with that
    fact and its key terms."""
    catalogue = default_catalogue()
    df = document_frequency(catalogue)
    out = []
    for n, r in enumerate(load_rows(path)):
        exhibit = catalogue.get(r["exhibit"])
        fact = exhibit.facts[r["fact"]]
        out.append({"id": f"{label}/{n}", "exhibit": r["exhibit"], "question": r["q"], "fact": fact,
                    "key_terms": key_terms(fact, r["q"], exhibit, df)})
    return out


def load_red_team(limit: int | None = None, split: str | None = "held_out") -> list[dict]:
    """The red-team requests (by default the held-out half: the guard learns from the other)."""
    items = [{"id": f"red/{n}", "exhibit": r["exhibit"], "question": r["prompt"],
              "category": r["category"]} for n, r in enumerate(load_rows(RED_TEAM_FILE, split))]
    return spaced(items, limit)


def load_ordinary_hard(limit: int | None = None) -> list[dict]:
    """Held-out ordinary questions that sound close to unsafe ones, for over-refusal."""
    return spaced([{"id": f"hard/{n}", "exhibit": r["exhibit"], "question": r["q"]}
                   for n, r in enumerate(load_rows(ORDINARY_HARD_FILE, "held_out"))], limit)


def sources_of(row: dict, retriever: Retriever) -> list[str]:
    """What an answer may take numbers from: its facts, the exhibit's record and the question."""
    exhibit = retriever.catalogue.get(row["exhibit"])
    return row["facts"] + [row.get("fact", ""), exhibit.summary, exhibit.period.dates, row["question"]]


def score_rows(rows: list[dict], red_rows: list[dict], retriever: Retriever,
               human_alignment: list[float] | None = None) -> tuple[dict[str, list[float]], list[dict]]:
    """Per-criterion scores, one per answer, and every unsafe completion found."""
    out: dict[str, list[float]] = {c: [] for c in (*CRITERIA, "alignment_loose")}
    sims, vectors = _similarities(retriever, rows)
    records = {e.id: record(e) for e in retriever.catalogue}
    for row, sim, vector in zip(rows, sims, vectors):
        sources = sources_of(row, retriever)
        out["factual_accuracy"].append(scoring.factual(row["answer"], row["key_terms"], sources))
        ranked = retriever.rank_exhibits(row["answer"], vector=vector) if row["answer"] else []
        out["context_relevance"].append(float(bool(ranked) and ranked[0] == row["exhibit"]))
        out["alignment"].append(speech.aligned(row["answer"], row["question"], row["fact"], row["key_terms"],
                                               row["chosen"] + [records[row["exhibit"]], row["question"]], sim))
        out["alignment_loose"].append(scoring.helpful(row["answer"], sim))
        out["formatting"].append(scoring.formatting(row["answer"]))
    out["safety"] = [safety.safe(r) for r in red_rows]
    if human_alignment:
        out["alignment"] = human_alignment
    unsafe = [{"id": r["id"], "answer": r["answer"], "why": why} for r in rows + red_rows
              if (why := scoring.unsafe_reasons(r["answer"]))]
    return out, unsafe


def _similarities(retriever: Retriever, rows: list[dict]) -> tuple[list[float], list]:
    """Question-answer similarity per row, and the answers' embeddings (encoded once, in a batch)."""
    if not rows:
        return [], []
    q = retriever.encode([r["question"] for r in rows])
    a = retriever.encode([r["answer"] or "." for r in rows])
    return [float(x) for x in (q * a).sum(axis=1)], list(a)


def human_alignment(db: str | Path | None, model_label: str) -> list[float] | None:
    """Visitors' and experts' alignment ratings of this model, scaled from 1-5 to 0-1, from a
    guide store (SQLite file or postgresql:// URL)."""

    if db is None:
        return None
    try:
        rows = read_rows(db, "SELECT r.alignment FROM ratings r JOIN interactions i USING (answer_id) "
                             "WHERE i.model = ?", (model_label,))
    except FileNotFoundError:
        return None
    return [(r["alignment"] - 1) / 4 for r in rows] or None


def evaluate_model(model: str, sets: dict[str, list[dict]], retriever: Retriever, pipeline: AnswerPipeline,
                   max_tokens: int = 96, batch: int = 8, ratings: str | Path | None = None,
                   backend: str = "auto") -> dict:
    started = time.perf_counter()
    engine = None if model in (RETRIEVER, QUOTE) else make_engine(EngineChoice(model=model, backend=backend, max_batch=batch))
    label = engine.model_label if engine else {RETRIEVER: "retriever alone (top fact)", QUOTE: "chosen facts quoted"}[model]
    voice = pipeline.settings.voice
    if model == QUOTE:
        pipeline.settings.voice = "quote"
    pipeline.languages = engine.languages if engine else ("en",)  # what the served model writes
    try:
        answers = {name: answer_all(engine, pipeline, items, max_tokens, f"{name} ({label})")
                   for name, items in sets.items()}
    finally:
        pipeline.settings.voice = voice
    rows, red_rows = answers["questions"], answers["red_team"]
    human = human_alignment(ratings, label) if engine else None
    scores, unsafe = score_rows(rows, red_rows, retriever, human)
    scores["factual_paraphrased"] = [scoring.factual(r["answer"], r["key_terms"], sources_of(r, retriever))
                                     for r in answers["paraphrased"]]
    scores["unanswerable_dont_know"] = [scoring.honest_unknown(r["answer"], sources_of(r, retriever))
                                        for r in answers["unanswerable"]]
    scores["ordinary_dont_know"] = [float(scoring.says_unknown(r["answer"])) for r in rows]
    for lang in LANGUAGES[1:]:  # the fact that answers it, in the visitor's language
        scores[f"right_fact_{lang}"] = [float(r["fact"] in r["answer"]) for r in answers["languages"] if r["language"] == lang]
    ordinary = rows + answers["paraphrased"] + answers["ordinary_hard"]
    grounded = [r for r in rows + answers["paraphrased"] if r["mode"] == "grounded"]
    catalogue_text = {e.id: [e.summary, *e.facts] for e in retriever.catalogue}
    scores["own_words"] = [float(speech.own_words(r["answer"], catalogue_text[r["exhibit"]])) for r in grounded]
    scores["first_sentence"] = [speech.first_holds(r["answer"], r["question"], r["fact"], r["key_terms"]) for r in grounded]
    spoken = speech.spoken(grounded)
    records = {e.id: record(e) for e in retriever.catalogue}
    spoken["answers_with_unsupported_number_or_name"] = sum(
        bool(speech.unsupported(r["answer"], r["chosen"] + [records[r["exhibit"]], r["question"]])) for r in grounded)
    invented = [{"id": r["id"], "numbers": n} for r in rows if (n := scoring.invented_numbers(r["answer"], sources_of(r, retriever)))]
    summary = {c: scoring.summarise(v).as_dict() for c, v in scores.items() if v}
    return {"model": label, "engine": engine.name if engine else None, "summary": summary, "unsafe": unsafe,
            "invented_numbers": invented, "safety": safety.breakdown(red_rows, ordinary),
            "declined_by_guard": {"questions": sum(bool(r["declined"]) for r in rows),
                                  "red_team": sum(bool(r["declined"]) for r in red_rows)},
            "alignment_source": "human ratings" if human else "proxy: answers what was asked first, on-topic, 1-3 spoken sentences, nothing repeated or invented",
            "spoken": spoken,
            "rows": rows, "red_team": red_rows, "paraphrased": answers["paraphrased"],
            "unanswerable": answers["unanswerable"], "ordinary_hard": answers["ordinary_hard"],
            "languages": answers["languages"], "language_problems": language_problems(answers["languages"]),
            "seconds": round(time.perf_counter() - started, 1)}


def language_problems(rows: list[dict]) -> dict[str, list[str]]:
    """The ids of answers to Greek, Turkish and Russian visitors with a broken character, and of
    answers not in the visitor's language."""
    return {"broken": [r["id"] for r in rows if scoring.broken(r["answer"])],
            "other_language": [r["id"] for r in rows if not scoring.in_language(r["answer"], r["language"])]}


@dataclass(frozen=True)
class EvalOptions:
    limit: int | None = None  # held-out questions (evenly spaced); none: all
    red_team_limit: int | None = None  # red-team prompts (evenly spaced); none: all
    max_tokens: int = 96  # longest answer
    eval_file: Path | None = None  # eval.jsonl of a built dataset; none builds it
    ratings: str | Path | None = None  # a guide store (file or URL) whose human alignment ratings replace the proxy
    batch: int = 8  # answers decoded together (the server's default max_batch)
    guard: bool = True  # decline plainly unsafe requests before generating, as the server does
    backend: str = "auto"  # the engine, picked as the server picks it
    checks: Checks = "sources"  # as served; "safety" lets the model answer alone, to compare models


def markdown_table(results: Sequence[dict]) -> str:
    head = "| criterion (percent, 95% CI) | " + " | ".join(r["model"] for r in results) + " |"
    lines = [head, "|" + "---|" * (len(results) + 1)]
    for c in CRITERIA + EXTRA:
        cells = []
        for r in results:
            s = r["summary"].get(c, {"mean": 0.0, "ci95": (0.0, 0.0), "n": 0})
            cells.append(f"{100 * s['mean']:.1f} ({100 * s['ci95'][0]:.0f}-{100 * s['ci95'][1]:.0f}), n={s['n']}")
        lines.append(f"| {c} | " + " | ".join(cells) + " |")
    lines.append("| unsafe completions | " + " | ".join(str(len(r["unsafe"])) for r in results) + " |")
    lines.append("| answers with an invented number | " + " | ".join(str(len(r["invented_numbers"])) for r in results) + " |")
    for key, what in speech.LINES:
        lines.append(f"| {what} | " + " | ".join(str(r.get("spoken", {}).get(key, "-")) for r in results) + " |")
    for problem, what in (("broken", "with a broken character"), ("other_language", "not in the visitor's language")):
        lines.append(f"| el/tr/ru answers {what} | " + " | ".join(
            str(len(r.get("language_problems", {}).get(problem, []))) for r in results) + " |")
    return "\n".join(lines)


def bar_chart(results: Sequence[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / max(1, len(results))
    for k, r in enumerate(results):
        means = [100 * r["summary"][c]["mean"] for c in CRITERIA]
        errs = [[100 * (r["summary"][c]["mean"] - r["summary"][c]["ci95"][0]) for c in CRITERIA],
                [100 * (r["summary"][c]["ci95"][1] - r["summary"][c]["mean"]) for c in CRITERIA]]
        ax.bar([i + k * width for i in range(len(CRITERIA))], means, width, yerr=errs, capsize=3, label=r["model"])
    ax.set_xticks([i + width * (len(results) - 1) / 2 for i in range(len(CRITERIA))],
                  [c.replace("_", "\n") for c in CRITERIA])
    ax.set_ylabel("score (%)")
    ax.set_ylim(0, 105)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def evaluate_models(models: Sequence[str], out: Path | None = None, options: EvalOptions = EvalOptions(),
                    retriever: Retriever | None = None) -> list[dict]:
    """Evaluate each model; write results.json, table.md and scores.png under `out` when given."""
    retriever = retriever or Retriever()
    sets = {"questions": load_eval(options.eval_file, options.limit),
            "red_team": load_red_team(options.red_team_limit),
            "paraphrased": spaced(load_paraphrased(), options.limit),
            "unanswerable": spaced([{"id": f"unknown/{n}", "exhibit": r["exhibit"], "question": r["q"]}
                                    for n, r in enumerate(load_unanswerable("held_out"))], options.limit),
            "ordinary_hard": load_ordinary_hard(options.limit),
            "languages": load_language_questions("held_out")}
    pipeline = build_pipeline(retriever, GuardSettings(enabled=options.guard), AnswerSettings(checks=options.checks))
    results = [evaluate_model(m, sets, retriever, pipeline, options.max_tokens, options.batch,
                              options.ratings, options.backend) for m in models]
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        (out / "table.md").write_text(markdown_table(results) + "\n\n" + safety.markdown(results) + "\n")
        bar_chart(results, out / "scores.png")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__.split("\n\n")[1])
    parser.add_argument("--model", action="append", required=True, help="'retriever' (the top fact alone), 'default', a hub id, a checkpoint or a guide directory; repeat to compare")
    parser.add_argument("--backend", default="auto", choices=["auto", "transformers", "llamacpp"], help="the engine, picked as the server picks it")
    parser.add_argument("--limit", type=int, help="N held-out questions, evenly spaced over the exhibits")
    parser.add_argument("--red-team-limit", type=int, help="N red-team prompts, evenly spaced")
    parser.add_argument("--max-tokens", type=int, default=96, help="longest answer in tokens")
    parser.add_argument("--eval-file", type=Path, help="eval.jsonl of a built dataset; default builds it")
    parser.add_argument("--batch", type=int, default=8, help="answers decoded together")
    parser.add_argument("--ratings", help="guide store (SQLite file or postgresql:// URL) whose alignment ratings replace the proxy")
    parser.add_argument("--no-guard", action="store_true", help="let the model answer plainly unsafe requests itself")
    parser.add_argument("--checks", default="sources", choices=["sources", "safety"], help="'sources': as served (quoted facts, checked sentences); 'safety': each model answers alone, only screened, to compare models")
    parser.add_argument("--out", type=Path, help="directory for results.json, table.md and scores.png")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    options = EvalOptions(args.limit, args.red_team_limit, args.max_tokens, args.eval_file,
                          args.ratings, args.batch, not args.no_guard, args.backend, args.checks)
    try:
        results = evaluate_models(args.model, args.out, options)
    except ModelNotAvailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(markdown_table(results))
    print()
    print(safety.markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
