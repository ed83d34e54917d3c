"""python -m training.improve [--db var/guide.sqlite3] [--config training/configs/improve.yaml] [--dry-run] [--resume]

One preference round, the loop that turns what visitors and the answer checks said into the
next guide: export the preference pairs from the store (`training.feedback`), train a candidate
with DPO on top of the shipped adapter (`training.preference`), evaluate the current guide and
the candidate in one run on the served path, and promote the candidate only if it is better
(`training.ab`). Every round writes its data, table and decision under --work; a promoted
guide's manifest names its parent, its data and its A/B table, and so does its model card.
`--dry-run` stops before promotion. `make improve` runs it.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from common.hub import ModelNotAvailable
from common.settings import SettingsError, add_flags, load_settings
from knowledge.retrieval import Retriever
from store import read_rows
from training import ab, feedback
from training.config import ImproveSettings
from training.evaluate import EvalOptions, evaluate_models
from training.preference import adapter_sha, guide_directory, train_candidate
from training.review import load as load_ratings
from training.ship import ship
from weights.models import BASE_REFS, SHIPPED_DIR

log = logging.getLogger("training.improve")
DEFAULT_CONFIG = Path(__file__).parent / "configs" / "improve.yaml"


def parent_manifest(s: ImproveSettings) -> dict:
    return json.loads((s.parent / "manifest.json").read_text())


def current_guide(s: ImproveSettings) -> str:
    """The reference the evaluation serves the parent by: the shipped guide as the server serves
    it, or any other parent merged onto its base."""
    if s.parent.resolve() == SHIPPED_DIR.resolve() and s.base.lower() in BASE_REFS:
        return "default"
    return str(guide_directory(s.parent, s.base, s.work / "current"))


def lineage_entry(s: ImproveSettings, manifest: dict, prefs: feedback.Preferences, trained: dict) -> dict:
    keep = ("beta", "learning_rate", "epochs", "max_steps", "batch_size", "grad_accum", "max_length", "quantize", "seed")
    return {"round": len(manifest.get("lineage", [])) + 1, "parent": manifest.get("name"),
            "parent_adapter_sha256": adapter_sha(s.parent), "method": "DPO (TRL), QLoRA on the parent adapter",
            "data": {**prefs.counts, "data_hash": prefs.data_hash}, "settings": s.model_dump(include=set(keep)),
            "training": trained, "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def a_b(s: ImproveSettings, current: str, candidate: Path) -> tuple[ab.Decision, list[dict]]:
    options = EvalOptions(limit=s.eval_limit, red_team_limit=s.eval_red_team, max_tokens=s.eval_max_tokens,
                          batch=s.eval_batch)
    results = evaluate_models([current, str(candidate)], s.work / "ab", options)
    return ab.decide(results[0], results[1]), results


def record(s: ImproveSettings, decision: dict) -> None:
    s.work.mkdir(parents=True, exist_ok=True)
    (s.work / "decision.json").write_text(json.dumps(decision, indent=1, ensure_ascii=False) + "\n")
    with (s.work / "history.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(decision, ensure_ascii=False) + "\n")


def improve(s: ImproveSettings, dry_run: bool = False) -> dict:
    """One round; its recorded decision."""
    started, manifest = time.perf_counter(), parent_manifest(s)
    retriever = Retriever()
    prefs = feedback.preferences(s.db, retriever.catalogue, retriever.encode, ratings_in(s.db))
    feedback.write(prefs, s.work / "data")
    log.info("preference pairs: %s", prefs.counts)
    if len(prefs.train) < s.min_pairs:
        decision = {"promote": False, "reason": f"kept: {len(prefs.train)} training pairs, fewer than {s.min_pairs}",
                    "data": prefs.counts, "seconds": round(time.perf_counter() - started, 1)}
        record(s, decision)
        return decision
    candidate = s.work / "candidate"
    trained = train_candidate(s, prefs.train, prefs.validation, candidate)
    entry = lineage_entry(s, manifest, prefs, trained)
    new_manifest = {**manifest, "lineage": [*manifest.get("lineage", []), entry]}
    (candidate / "adapter" / "manifest.json").write_text(json.dumps(new_manifest, indent=2, ensure_ascii=False) + "\n")
    guide = guide_directory(candidate / "adapter", s.base, candidate / "guide")
    verdict, _ = a_b(s, current_guide(s), guide)
    entry.update(ab=ab.table(verdict), decision=ab.as_dict(verdict))
    promoted = verdict.promote and not dry_run
    decision = {**ab.as_dict(verdict), "promoted": promoted, "dry_run": dry_run, "lineage": entry,
                "table": ab.table(verdict), "seconds": round(time.perf_counter() - started, 1)}
    if promoted:
        (candidate / "manifest.json").write_text(json.dumps(new_manifest, indent=2, ensure_ascii=False) + "\n")
        recipe = Path(manifest.get("recipe") or "training/configs/shipped.yaml")
        decision["shipped_adapter_sha256"] = ship(candidate, recipe, None, s.ship_to)["adapter_sha256"]
    record(s, decision)
    return decision


def ratings_in(db: str) -> list[dict]:
    """Every rating in the store, with its answer (none where the store has no ratings yet)."""
    if not read_rows(db, "SELECT 1 FROM ratings LIMIT 1"):
        return []
    return load_ratings(db)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.improve", description=__doc__.split("\n\n")[1])
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="YAML overrides of the defaults ('' for none)")
    parser.add_argument("--dry-run", action="store_true", help="train and compare, but do not promote")
    add_flags(parser, ImproveSettings)
    args = vars(parser.parse_args(argv))
    config, dry_run = args.pop("config"), args.pop("dry_run")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        s = load_settings(ImproveSettings, config if config and str(config) not in ("", ".") else None, args)
        decision = improve(s, dry_run)
    except (SettingsError, ModelNotAvailable, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(decision.get("table") or decision["reason"])
    print(f"decision recorded in {s.work / 'decision.json'}"
          + (f"; shipped to {s.ship_to}" if decision.get("promoted") else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
