"""Means with 95% confidence intervals, shared by the evaluation harness and the review script."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Summary:
    mean: float
    low: float
    high: float
    n: int

    def as_dict(self) -> dict:
        return {"mean": round(self.mean, 4), "ci95": [round(self.low, 4), round(self.high, 4)], "n": self.n}


def summarise(values: Sequence[float], lo: float = 0.0, hi: float = 1.0) -> Summary:
    """Mean and 95% interval: Wilson's for 0/1 scores (sound near 0 and 1), normal otherwise."""
    n = len(values)
    if n == 0:
        return Summary(float("nan"), float("nan"), float("nan"), 0)
    mean = sum(values) / n
    z = 1.96
    if (lo, hi) == (0.0, 1.0) and all(v in (0, 1) for v in values):
        centre = (mean + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(mean * (1 - mean) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return Summary(mean, max(0.0, centre - half), min(1.0, centre + half), n)
    var = sum((v - mean) ** 2 for v in values) / max(1, n - 1)
    half = z * math.sqrt(var / n)
    return Summary(mean, max(lo, mean - half), min(hi, mean + half), n)
