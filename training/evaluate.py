"""python -m training.evaluate --model default --model artifacts/guide-smollm2 [--ungrounded]

Answers the held-out visitor questions with each model through the exact prompt path the guide
server uses (`knowledge.retrieval.grounded_prompt`, the same engine and decoding), scores every
answer, and prints a side-by-side table with 95% confidence intervals. `train_guide.py` calls
`evaluate_models` before and after training.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Sequence

from tqdm import tqdm

from knowledge.prompting import build_messages
from knowledge.retrieval import Retriever, grounded_prompt
from training import scoring

log = logging.getLogger(__name__)
CRITERIA = ("factual_accuracy", "context_relevance", "formatting")


def load_eval(path: Path | None = None, limit: int | None = None) -> list[dict]:
    """The held-out questions with their expected facts (built from the catalogue if no file);
    `limit` picks that many, evenly spaced, so that a short run still covers the whole gallery."""
    if path is not None:
        rows = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    else:
        from knowledge.dataset import build

        rows = build()["eval"]
    if not limit or limit >= len(rows):
        return rows
    return [rows[i * len(rows) // limit] for i in range(limit)]  # spread over every exhibit


def prompt_for(retriever: Retriever, item: dict, grounded: bool) -> tuple[list[str], list[dict]]:
    """(facts shown, messages): grounded uses retrieval exactly as the server does."""
    if grounded:
        hits, messages = grounded_prompt(retriever, item["question"], item["exhibit"])
        return [h.passage.text for h in hits], messages
    exhibit = retriever.catalogue.get(item["exhibit"])
    return [], build_messages(item["question"], exhibit, [])


def answer_all(engine, retriever: Retriever, items: list[dict], grounded: bool = True,
               max_tokens: int = 96, desc: str = "answering") -> list[dict]:
    """Every question answered, in batches of the engine's size."""
    from guide.engine import GenRequest

    rows = []
    with tqdm(total=len(items), desc=desc, unit="q", file=sys.stderr) as bar:
        for start in range(0, len(items), engine.max_batch):
            chunk = items[start:start + engine.max_batch]
            prompts = [prompt_for(retriever, item, grounded) for item in chunk]
            texts = [""] * len(chunk)
            for piece in engine.generate([GenRequest(m, max_tokens) for _, m in prompts]):
                texts[piece.index] += piece.text
            for item, (facts, _), text in zip(chunk, prompts, texts):
                rows.append({**item, "facts": facts, "answer": text.strip()})
            bar.update(len(chunk))
    return rows


def score_rows(rows: list[dict], retriever: Retriever) -> dict[str, list[float]]:
    """Per-criterion scores, one per answer."""
    out: dict[str, list[float]] = {c: [] for c in CRITERIA}
    for row in rows:
        exhibit = retriever.catalogue.get(row["exhibit"])
        sources = row["facts"] + [row["fact"], exhibit.summary, exhibit.period.dates, row["question"]]
        out["factual_accuracy"].append(scoring.factual(row["answer"], row["key_terms"], sources))
        ranked = retriever.rank_exhibits(row["answer"]) if row["answer"] else []
        out["context_relevance"].append(float(bool(ranked) and ranked[0] == row["exhibit"]))
        out["formatting"].append(scoring.formatting(row["answer"]))
    return out


def evaluate_model(model: str, items: list[dict], retriever: Retriever, grounded: bool = True,
                   max_tokens: int = 96, batch: int = 8) -> dict:
    from guide.engine import TransformersEngine

    started = time.perf_counter()
    engine = TransformersEngine(model, max_batch=batch)
    rows = answer_all(engine, retriever, items, grounded, max_tokens, desc=f"answering ({engine.model_label})")
    scores = score_rows(rows, retriever)
    summary = {c: scoring.summarise(v).as_dict() for c, v in scores.items()}
    return {"model": engine.model_label, "grounded": grounded, "summary": summary, "rows": rows,
            "seconds": round(time.perf_counter() - started, 1)}


def markdown_table(results: Sequence[dict]) -> str:
    head = "| criterion | " + " | ".join(r["model"] for r in results) + " |"
    lines = [head, "|" + "---|" * (len(results) + 1)]
    for c in CRITERIA:
        cells = []
        for r in results:
            s = r["summary"][c]
            cells.append(f"{100 * s['mean']:.1f} ({100 * s['ci95'][0]:.0f}-{100 * s['ci95'][1]:.0f})")
        lines.append(f"| {c} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def evaluate_models(models: Sequence[str], out: Path | None = None, grounded: bool = True,
                    limit: int | None = None, max_tokens: int = 96, eval_file: Path | None = None,
                    retriever: Retriever | None = None) -> list[dict]:
    """Evaluate each model; write results.json and table.md under `out` when given."""
    retriever = retriever or Retriever()
    items = load_eval(eval_file, limit)
    results = [evaluate_model(m, items, retriever, grounded, max_tokens) for m in models]
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        (out / "table.md").write_text(markdown_table(results) + "\n")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.evaluate", description=__doc__.split("\n\n")[1])
    parser.add_argument("--model", action="append", required=True, help="'default', a hub id, a checkpoint or a guide directory; repeat to compare")
    parser.add_argument("--ungrounded", action="store_true", help="no retrieved facts in the prompt")
    parser.add_argument("--limit", type=int, help="N held-out questions, evenly spaced over the exhibits")
    parser.add_argument("--max-tokens", type=int, default=96, help="longest answer in tokens")
    parser.add_argument("--eval-file", type=Path, help="eval.jsonl of a built dataset; default builds it")
    parser.add_argument("--out", type=Path, help="directory for results.json and table.md")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from knowledge.models import ModelNotAvailable

    try:
        results = evaluate_models(args.model, args.out, not args.ungrounded, args.limit,
                                  args.max_tokens, args.eval_file)
    except ModelNotAvailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(markdown_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
