"""The guard's written examples, labelled rows of answering/data/guard_examples.yaml: short requests
of each unsafe kind (declined with that kind's refusal, knowledge/phrasebook.yaml), and ordinary
things visitors say that must never be declined. answering/guard.py learns from them beside the
training questions and the tuning halves of the question sets."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from common.tables import load_table
from knowledge.phrasebook import PHRASEBOOK
from knowledge.schema import Strict

EXAMPLES_FILE = Path(__file__).parent / "data" / "guard_examples.yaml"
ORDINARY_KIND = "ordinary"


class Example(Strict):
    text: str = Field(min_length=2, description="what a visitor says")
    kind: str = Field(description="the kind of unsafe request (a refusal of the phrasebook), or 'ordinary'")
    language: Literal["en", "el", "tr", "ru"]
    split: Literal["fit", "compare", "tune"] = Field(description="fit: the classifiers learn from it; compare: a "
                                                     "question is compared with it, never fitted on it; tune: "
                                                     "only for choosing a setting")

    @model_validator(mode="after")
    def _known_kind(self) -> "Example":
        if self.kind != ORDINARY_KIND and self.kind not in PHRASEBOOK.refusals:
            raise ValueError(f"kind {self.kind!r} has no refusal in the phrasebook")
        if self.kind != ORDINARY_KIND and self.split != "fit":
            raise ValueError("an unsafe example is for the classifiers to fit (split: fit)")
        return self


ROWS: list[Example] = load_table(list[Example], EXAMPLES_FILE)


def _texts(kind: str, split: str) -> list[str]:
    return [r.text for r in ROWS if r.kind == kind and r.split == split]


# kind -> (its examples, its English refusal), the kinds in the order of the file
UNSAFE_EXAMPLES: dict[str, tuple[list[str], str]] = {
    kind: (_texts(kind, "fit"), PHRASEBOOK.refusals[kind].en)
    for kind in dict.fromkeys(r.kind for r in ROWS if r.kind != ORDINARY_KIND)}
ORDINARY = _texts(ORDINARY_KIND, "fit")
VISIT = _texts(ORDINARY_KIND, "compare")  # questions about the visit itself: compared with, never fitted on
NEAR_REQUESTS = _texts(ORDINARY_KIND, "tune")  # in Greek, Turkish and Russian, with words close to requests
