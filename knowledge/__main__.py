"""python -m knowledge validate | stats | check-replies [EXHIBIT ...] | build-dataset [--out DIR] | search "question" [--exhibit ID] | bench

The catalogue's command line: validate the exhibit files, print statistics, build the training
data, query the retrieval index, or benchmark retrieval.
"""
from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

from common.files import cache_dir
from knowledge.catalogue import CatalogueError, default_catalogue, load_catalogue
from knowledge.replies import load_replies, problems


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__.splitlines()[2])
    p.add_argument("--catalogue", type=Path, default=None, help="directory of exhibit YAML files")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="validate every exhibit file")
    sub.add_parser("stats", help="counts of exhibits, words and facts")
    c = sub.add_parser("check-replies", help="validate the hand-written replies (knowledge/replies/)")
    c.add_argument("exhibits", nargs="*", help="only these exhibits' files")
    b = sub.add_parser("build-dataset", help="write corpus, train and eval files")
    b.add_argument("--out", type=Path, default=None, help="output directory")
    s = sub.add_parser("search", help="retrieve facts for a question")
    s.add_argument("question")
    s.add_argument("--exhibit", default=None, help="the exhibit in view")
    s.add_argument("-k", type=int, default=5)
    sub.add_parser("bench", help="retrieval recall@1, recall@3 and latency on the visitor questions (exhibits; "
                   "and facts for the Greek, Turkish and Russian ones)")
    return p


def _stats(catalogue) -> None:
    words = [len(e.body.split()) for e in catalogue]
    facts = [len(e.facts) for e in catalogue]
    kinds = {}
    for e in catalogue:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    print(f"exhibits: {len(catalogue)}  version: {catalogue.version}")
    print(f"kinds: {json.dumps(kinds)}")
    print(f"body words: min {min(words)}, mean {statistics.mean(words):.0f}, total {sum(words)}")
    print(f"facts: min {min(facts)}, total {sum(facts)}")


def bench(catalogue) -> dict:
    from knowledge.dataset import load_questions
    from knowledge.retrieval import Retriever

    retriever = Retriever(catalogue)
    questions = load_questions(catalogue=catalogue)
    retriever.rank_exhibits("warm up")
    results = {}
    for mode in ("no exhibit in view", "another exhibit in view"):
        hits1 = hits3 = 0
        latencies = []
        for i, q in enumerate(questions):
            view = None if mode.startswith("no") else catalogue.ids[(catalogue.ids.index(q.exhibit) + 7) % len(catalogue)]
            start = time.perf_counter()
            ranked = retriever.rank_exhibits(q.question, view)
            latencies.append((time.perf_counter() - start) * 1000)
            hits1 += ranked[0] == q.exhibit
            hits3 += q.exhibit in ranked[:3]
        latencies.sort()
        results[mode] = {"recall@1": hits1 / len(questions), "recall@3": hits3 / len(questions),
                         "p50_ms": latencies[len(latencies) // 2],
                         "p95_ms": latencies[int(len(latencies) * 0.95)]}
    return results | language_recall(retriever)


def language_recall(retriever) -> dict[str, dict]:
    """For the held-out Greek, Turkish and Russian questions, how often the fact that answers
    each is the first, or among the first three, retrieved at its exhibit."""
    from knowledge.dataset import load_language_questions

    results: dict[str, dict] = {}
    for row in load_language_questions("held_out", retriever.catalogue):
        start = time.perf_counter()
        hits = retriever.fact_hits(row["question"], row["exhibit"], k=3, language=row["language"])
        found = [(h.exhibit_id, h.passage.index) for h in hits]
        r = results.setdefault(f"{row['language']} questions, exhibit in view", {"n": 0, "top1": 0, "top3": 0, "ms": []})
        r["ms"].append((time.perf_counter() - start) * 1000)
        r["n"] += 1
        r["top1"] += found[0] == (row["exhibit"], row["fact_index"])
        r["top3"] += (row["exhibit"], row["fact_index"]) in found
    return {mode: {"recall@1": r["top1"] / r["n"], "recall@3": r["top3"] / r["n"],
                   "p50_ms": sorted(r["ms"])[r["n"] // 2], "p95_ms": sorted(r["ms"])[int(r["n"] * 0.95)]}
            for mode, r in results.items()}


def _check_replies(catalogue, only: list[str]) -> int:
    try:
        replies = load_replies(catalogue)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    replies = {k: v for k, v in replies.items() if not only or k in only}
    found = problems(replies, catalogue)
    for problem in found:
        print(problem)
    pairs = sum(len(f.pairs) for r in replies.values() for f in r.facts)
    print(f"{len(replies)} exhibits, {pairs} question-reply pairs, "
          f"{sum(len(r.follow_ups) for r in replies.values())} follow-ups: {len(found)} problems")
    return 1 if found else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        catalogue = load_catalogue(args.catalogue) if args.catalogue else default_catalogue()
    except CatalogueError as exc:
        print(f"catalogue is invalid ({len(exc.problems)} problems):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    if args.command == "validate":
        print(f"ok: {len(catalogue)} exhibits validate (version {catalogue.version})")
    elif args.command == "stats":
        _stats(catalogue)
    elif args.command == "check-replies":
        return _check_replies(catalogue, args.exhibits)
    elif args.command == "build-dataset":
        from knowledge.dataset import build_dataset
        from knowledge.retrieval import Retriever

        out = args.out or cache_dir() / "dataset"
        manifest = build_dataset(Retriever(catalogue), out)
        print(f"wrote {out}: {json.dumps(manifest['counts'])} data_hash {manifest['data_hash'][:16]}")
    elif args.command == "search":
        from knowledge.retrieval import Retriever

        for hit in Retriever(catalogue).retrieve(args.question, args.exhibit, args.k):
            print(f"{hit.score:.3f}  {hit.exhibit_id:32s} {hit.passage.kind:9s} {hit.passage.text[:90]}")
    elif args.command == "bench":
        for mode, r in bench(catalogue).items():
            print(f"{mode:32s} recall@1 {r['recall@1']:.3f}  recall@3 {r['recall@3']:.3f}  "
                  f"latency p50 {r['p50_ms']:.1f} ms  p95 {r['p95_ms']:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
