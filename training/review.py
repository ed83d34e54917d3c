"""python -m training.review [--db var/guide.sqlite3] [--out var/review] [--since 2026-01-01] [--until ...] [--tour T] [--role expert]

The feedback review script: reads the guide's store (read-only) and writes, under --out,
summary.md (per guide version and criterion: mean, count, 95% CI; per exhibit and rater role;
the worst-rated answers with their comments), ratings.csv and ratings.jsonl, preference_pairs.jsonl
(TRL DPO: prompt, chosen, rejected) and kto.jsonl (TRL KTO: prompt, completion, label), scores.png
and distributions.png, and report.html that embeds them.

The prompts exported are those the model was given, as the store kept them; answers logged
before the store kept prompts get theirs rebuilt from their question, exhibit and facts.
"""
from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import html
import json
import sqlite3
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from common.stats import summarise
from knowledge.prompting import plain
from store import read_rows
from store.criteria import CRITERIA
from training.feedback import prompt_messages, rating_pairs, weighted_answers


@dataclass(frozen=True)
class Filters:
    since: float | None = None  # unix time; ratings before it are left out
    until: float | None = None  # unix time; ratings after it are left out
    tour: str | None = None
    role: str | None = None  # visitor | expert


def load(db: str | Path, f: Filters = Filters()) -> list[dict]:
    """One row per rating, joined with its answer, from a SQLite file or a postgresql:// URL."""
    where, params = ["1=1"], []
    for sql, value in (("r.created_at >= ?", f.since), ("r.created_at <= ?", f.until),
                       ("i.tour = ?", f.tour), ("r.role = ?", f.role)):
        if value is not None:
            where.append(sql)
            params.append(value)
    query = ("SELECT r.*, i.tour, i.exhibit, i.question, i.answer, i.sources, i.model, i.model_manifest, "
             "i.language, i.prompt, i.session_id AS asked_in, i.created_at AS asked_at "
             "FROM ratings r JOIN interactions i USING (answer_id) WHERE " + " AND ".join(where) +
             " ORDER BY r.created_at")
    rows = read_rows(db, query, tuple(params))
    for r in rows:
        r["sources"] = json.loads(r["sources"] or "[]")
        r["prompt"] = json.loads(r["prompt"]) if r["prompt"] else None
        r["overall"] = sum(r[c] for c in CRITERIA) / len(CRITERIA)
        r["version"] = r["model"] + (f"@{r['model_manifest'][:8]}" if r["model_manifest"] else "")
    return rows


def by_criterion(rows: list[dict], key: str) -> dict[str, dict[str, dict]]:
    """{group: {criterion: mean, count and CI}} for group = the row's `key` field."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[str(r[key])].append(r)
    return {g: {c: summarise([r[c] for r in rs], 1, 5).as_dict() for c in (*CRITERIA, "overall")}
            for g, rs in sorted(groups.items())}


def worst(rows: list[dict], n: int = 10) -> list[dict]:
    per_answer: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        per_answer[r["answer_id"]].append(r)
    ranked = sorted(per_answer.values(), key=lambda rs: sum(r["overall"] for r in rs) / len(rs))
    return [{"answer_id": rs[0]["answer_id"], "exhibit": rs[0]["exhibit"], "question": rs[0]["question"],
             "answer": rs[0]["answer"], "overall": round(sum(r["overall"] for r in rs) / len(rs), 2),
             "comments": [r["comment"] for r in rs if r["comment"]]} for rs in ranked[:n]]


def preference_pairs(rows: list[dict]) -> list[dict]:
    """Answers to the same question at the same exhibit, the better-rated one chosen (TRL DPO
    rows: prompt, chosen, rejected)."""
    return [{k: p[k] for k in ("prompt", "chosen", "rejected")} for p in rating_pairs(rows)]


def kto_rows(rows: list[dict]) -> list[dict]:
    """Clearly good (mean >= 4) or clearly bad (mean <= 2) answers as KTO examples."""
    return [{"prompt": prompt_messages(a), "completion": [{"role": "assistant", "content": plain(a["answer"])}],
             "label": a["score"] >= 4} for a in weighted_answers(rows) if a["score"] >= 4 or a["score"] <= 2]


def summary_markdown(rows: list[dict]) -> str:
    lines = [f"# Feedback review: {len(rows)} ratings of {len({r['answer_id'] for r in rows})} answers", ""]
    # guide versions first (model label and manifest): whether a new guide is rated above the last
    for title, key in (("By guide version", "version"), ("By exhibit", "exhibit"),
                       ("By rater role", "role")):
        table = by_criterion(rows, key)
        lines += [f"## {title}", "", f"| {key} | " + " | ".join((*CRITERIA, "overall")) + " |",
                  "|" + "---|" * (len(CRITERIA) + 2)]
        for group, stats in table.items():
            cells = [f"{s['mean']:.2f} ({s['ci95'][0]:.2f}-{s['ci95'][1]:.2f}), n={s['n']}" for s in stats.values()]
            lines.append(f"| {group} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["## Worst-rated answers", ""]
    for w in worst(rows):
        comments = "; ".join(w["comments"]) or "no comment"
        lines.append(f"- {w['overall']:.2f} at {w['exhibit']}: \"{w['question']}\" -> \"{w['answer']}\" ({comments})")
    return "\n".join(lines) + "\n"


FORMULA = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula


def spreadsheet_safe(value):
    """A visitor's text as a spreadsheet shows it, never as a formula it would run."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA) else value


def write_tables(rows: list[dict], out: Path) -> None:
    fields = ["feedback_id", "answer_id", "created_at", "role", "tour", "exhibit", "version", "question",
              "answer", *CRITERIA, "overall", "comment"]
    with (out / "ratings.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)
    jsonl = {"ratings.jsonl": rows, "preference_pairs.jsonl": preference_pairs(rows), "kto.jsonl": kto_rows(rows)}
    for name, items in jsonl.items():
        (out / name).write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")


def write_plots(rows: list[dict], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = by_criterion(rows, "version")
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / max(1, len(table))
    for k, (version, stats) in enumerate(table.items()):
        means = [stats[c]["mean"] for c in CRITERIA]
        ax.bar([i + k * width for i in range(len(CRITERIA))], means, width, label=version)
    ax.set_xticks([i + width * (len(table) - 1) / 2 for i in range(len(CRITERIA))], [c.replace("_", "\n") for c in CRITERIA])
    ax.set_ylim(1, 5)
    ax.set_ylabel("mean rating (1-5)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "scores.png", dpi=110)
    plt.close(fig)
    fig, axes = plt.subplots(1, len(CRITERIA), figsize=(12, 2.6), sharey=True)
    for ax, c in zip(axes, CRITERIA):
        ax.hist([r[c] for r in rows], bins=[0.5, 1.5, 2.5, 3.5, 4.5, 5.5], rwidth=0.8)
        ax.set_title(c.replace("_", " "), fontsize=9)
    fig.tight_layout()
    fig.savefig(out / "distributions.png", dpi=110)
    plt.close(fig)
    return [out / "scores.png", out / "distributions.png"]


def write_html(markdown: str, images: list[Path], out: Path) -> None:
    imgs = "".join(f'<img alt="{p.stem}" src="data:image/png;base64,{base64.b64encode(p.read_bytes()).decode()}">'
                   for p in images)
    body = f"<pre>{html.escape(markdown)}</pre>"
    (out / "report.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Guide feedback review</title>"
        f"<style>body{{font-family:sans-serif;max-width:70em;margin:auto}}img{{max-width:100%}}</style>{imgs}{body}",
        encoding="utf-8")


def review(db: str | Path, out: Path, filters: Filters = Filters()) -> dict:
    rows = load(db, filters)
    out.mkdir(parents=True, exist_ok=True)
    markdown = summary_markdown(rows)
    (out / "summary.md").write_text(markdown, encoding="utf-8")
    write_tables(rows, out)
    images = write_plots(rows, out) if rows else []
    write_html(markdown, images, out)
    return {"ratings": len(rows), "pairs": len(preference_pairs(rows)), "kto": len(kto_rows(rows))}


def _date(text: str) -> float:
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc).timestamp()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date: {text!r}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.review", description=__doc__.split("\n\n")[1])
    parser.add_argument("--db", default="var/guide.sqlite3", help="the guide's SQLite store, or its postgresql:// URL")
    parser.add_argument("--out", type=Path, default=Path("var/review"), help="directory for the report and exports")
    parser.add_argument("--since", type=_date, help="ratings from this date (YYYY-MM-DD, UTC)")
    parser.add_argument("--until", type=_date, help="ratings up to this date")
    parser.add_argument("--tour", help="one tour only")
    parser.add_argument("--role", choices=["visitor", "expert"], help="one kind of rater only")
    args = parser.parse_args(argv)
    try:
        counts = review(args.db, args.out, Filters(args.since, args.until, args.tour, args.role))
    except (FileNotFoundError, sqlite3.DatabaseError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{counts['ratings']} ratings, {counts['pairs']} preference pairs, {counts['kto']} KTO rows "
          f"-> {args.out}/report.html")
    print((args.out / "summary.md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
