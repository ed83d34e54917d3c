"""A walking tour through the gallery as a pure function of time (for the simulated robot)."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Leg:
    start: float  # seconds from the start of the tour
    x0: float
    y0: float
    x1: float
    y1: float
    walk: float  # seconds walking to (x1, y1)
    pause: float  # seconds standing there afterwards


class TourPath:
    """Walks from `start` to each stop in turn at `speed` m/s and pauses `pause` s at each."""

    def __init__(self, stops: list[tuple[float, float]], speed: float = 0.5, pause: float = 4.0,
                 start: tuple[float, float] = (0.0, 0.0)):
        if speed <= 0 or pause < 0:
            raise ValueError("speed must be positive and pause not negative")
        self.legs: list[Leg] = []
        t, (x, y) = 0.0, start
        for sx, sy in stops:
            walk = math.hypot(sx - x, sy - y) / speed
            self.legs.append(Leg(t, x, y, sx, sy, walk, pause))
            t, x, y = t + walk + pause, sx, sy
        self.duration = t

    def at(self, t: float) -> tuple[float, float, float, float]:
        """(x, y, heading, speed) at time t; after the end the robot stands at the last stop."""
        for leg in self.legs:
            if t < leg.start + leg.walk + leg.pause or leg is self.legs[-1]:
                heading = math.atan2(leg.y1 - leg.y0, leg.x1 - leg.x0)
                k = min(1.0, max(0.0, (t - leg.start) / leg.walk)) if leg.walk else 1.0
                moving = 0.0 < k < 1.0
                speed = math.hypot(leg.x1 - leg.x0, leg.y1 - leg.y0) / leg.walk if moving else 0.0
                return (leg.x0 + k * (leg.x1 - leg.x0), leg.y0 + k * (leg.y1 - leg.y0), heading, speed)
        return (0.0, 0.0, 0.0, 0.0)

    def stop_times(self) -> list[float]:
        """When the robot arrives at each stop."""
        return [leg.start + leg.walk for leg in self.legs]


def gallery_order(places: dict[str, tuple[float, float]]) -> list[str]:
    """Ids in walking order: row by row from the south, alternating direction (a serpentine)."""
    rows = sorted({round(y, 1) for _, y in places.values()})
    order = []
    for n, row in enumerate(rows):
        here = [(x, i) for i, (x, y) in places.items() if round(y, 1) == row]
        order += [i for _, i in sorted(here, reverse=bool(n % 2))]
    return order
