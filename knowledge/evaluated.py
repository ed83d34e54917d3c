"""The questions the guide is judged on: every question file but the training questions, the
dialogues' turns and the red team included, leaving out records of a `tune` split (settings are
chosen on those; they are never measured). Nothing learned from visitors or raters may be one
of them, or close to one: the rating session and the preference export both leave them out."""
from __future__ import annotations

from pathlib import Path

import yaml

from knowledge.dataset import QUESTIONS_FILE, TRAINING_QUESTIONS_FILE


def texts(record) -> list[str]:
    """Every question in a record of a question file, a dialogue's turns included."""
    if isinstance(record, list):
        return [t for r in record for t in texts(r)]
    if not isinstance(record, dict):
        return []
    own = [record[k] for k in ("q", "prompt") if isinstance(record.get(k), str)]
    return own + [t for v in record.values() if isinstance(v, (list, dict)) for t in texts(v)]


def evaluation_questions(directory: Path = QUESTIONS_FILE.parent) -> list[str]:
    """Every question any evaluation may ask, once each, in file order."""
    out: dict[str, None] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.resolve() != TRAINING_QUESTIONS_FILE.resolve():
            records = yaml.safe_load(path.read_text(encoding="utf-8")) or []
            out.update(dict.fromkeys(t for r in records if not (isinstance(r, dict) and r.get("split") == "tune")
                                     for t in texts(r)))
    return list(out)
