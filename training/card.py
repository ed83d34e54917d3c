"""The short model card written beside a trained guide (README.md), from its manifest."""
from __future__ import annotations


def model_card(manifest: dict) -> str:
    s, t = manifest["settings"], manifest["training"]
    lines = [
        f"# Heritage guide fine-tuned from {manifest['base_model']['label']}",
        "",
        "A museum guide for an exhibition of Cypriot cultural heritage: it answers a visitor's "
        "question about the exhibit in view by phrasing the catalogue facts the guide server chose for it, "
        "the direct answer first, in one to three short spoken sentences; the server checks each "
        "sentence against those facts before the visitor hears it.",
        "",
        "## How it was made",
        f"- Base: {manifest['base_model']['label']} (`{manifest['base_model']['ref']}`); LoRA r={s['lora_r']}, alpha={s['lora_alpha']}, "
        f"dropout={s['lora_dropout']}, targets {s['lora_targets']}; base weights quantised: {s['quantize'] or 'no'}.",
        f"- Data: the hand-written replies of knowledge/replies/ (every fact asked in visitors' words) and the written training questions (data hash `{manifest['data'].get('data_hash', '?')[:16]}`), "
        f"{t['steps']} optimiser steps, {t['tokens_seen']} tokens, learning rate {s['learning_rate']} (cosine).",
        f"- Loss: train {round(t['train_loss'], 4)}, validation {round(t['eval_loss'], 4)}; {t['tokens_per_s']} tokens/s; "
        f"{manifest['train_seconds']} s; code {manifest['code_version']}.",
        "- The adapter was merged into a full-precision copy of the base; `adapter/` holds it alone.",
        "",
        "## Use",
        "`python -m guide serve --model <this directory>`; the prompt layout is in "
        "`knowledge/prompting.py` and the model expects it.",
        "",
        "## Limits",
        "It knows only what the prompt gives it; ungrounded it can still invent facts. It writes "
        f"{', '.join(manifest.get('languages') or ['en'])} (the manifest's `languages`): it was tuned and "
        "checked in English only, so the guide server answers visitors who ask in Greek, Turkish or "
        "Russian with the catalogue's own sentences in their language instead of the model's words.",
    ]
    if manifest.get("recipe"):
        lines[lines.index("## Use") - 2] = ("- This directory holds the adapter alone, in half precision; set-up merges it "
                                            "onto the base once (`weights/shipped.py`).")
        lines[lines.index("## Use") + 1:lines.index("## Use") + 2] = [
            f"Shipped in `models/guide/` and served by default; `--model base` serves the bare base. "
            f"Reproduce it from a fresh clone with `python -m training --config {manifest['recipe']}`, "
            f"then `python -m training.ship --model {manifest.get('recipe_out') or s['out']}`."]
    if manifest.get("comparison"):
        when = " (the guide before its preference rounds)" if manifest.get("lineage") else ""
        lines += ["", f"## Side by side{when}", "",
                  manifest["comparison"].strip()]
    if manifest.get("evaluation"):
        lines += ["", "## Held-out evaluation (percent, 95% interval)", "", manifest["evaluation"]["table"]]
        if "safety_table" in manifest["evaluation"]:
            lines += ["", "## Safety per category and language", "", manifest["evaluation"]["safety_table"]]
    lines += lineage(manifest.get("lineage") or [])
    return "\n".join(lines) + "\n"


def lineage(rounds: list[dict]) -> list[str]:
    """The preference rounds this guide went through, each with its parent, data and A/B."""
    out = []
    for r in rounds:
        d = r["data"]
        out += ["", f"## Preference round {r['round']} ({r['date'][:10]})", "",
                f"- Parent: {r['parent']}, adapter sha256 `{r['parent_adapter_sha256'][:16]}`; {r['method']}.",
                f"- Data: {d['train']} training pairs ({d['by_source']['rejection']} from the answer checks' "
                f"rejections, {d['by_source']['rating']} from ratings), {d['validation']} validation pairs on "
                f"other exhibits, {d['near_evaluation']} left out as close to an evaluation question; hash `{d['data_hash'][:16]}`.",
                f"- Training: {r['training']['steps']} steps in {r['training']['seconds']} s, beta {r['settings']['beta']}, "
                f"learning rate {r['settings']['learning_rate']}.", "", r.get("ab", "")]
    return out
