"""Which exhibit the robot is at: pure logic, no ROS, no sockets, no clocks of its own.

The tracker is fed poses and detections with their timestamps and returns a new decision only
when the announced exhibit changes. Rules:
- a pose is inside an exhibit's zone within its radius; the nearest such exhibit is the candidate;
- the announced exhibit is kept while the robot stays within its radius plus a hysteresis margin,
  so a robot standing on the boundary does not flicker;
- a new candidate (or leaving every zone) is announced only after it has held for the dwell time;
- no pose for longer than the stale time announces "no exhibit";
- a detection (a camera or marker saw the exhibit) is announced at once and holds for a while
  against pose-based guesses;
- NaN or infinite coordinates, a small step back in time (a late message) and unknown exhibit
  ids are refused (the caller logs the reason) and change nothing;
- a jump back in time longer than the restart time is a clock that started again (a simulation
  restarted, a recorded bag looping): the tracker's timing starts again from it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable

UNSET = object()


@dataclass(frozen=True)
class Zone:
    exhibit: str
    x: float
    y: float
    radius: float


@dataclass(frozen=True)
class Decision:
    exhibit: str | None
    source: str  # "pose" | "detection" | "stale"


class Rejected(ValueError):
    """An input the tracker ignores; the message says why."""


def zones_from_catalogue(catalogue) -> list[Zone]:
    return [Zone(e.id, e.place.x, e.place.y, e.place.radius) for e in catalogue]


class ZoneTracker:
    def __init__(self, zones: Iterable[Zone], dwell_s: float = 1.0, hysteresis_m: float = 0.3,
                 stale_s: float = 3.0, detection_hold_s: float = 5.0, restart_s: float = 2.0):
        self.zones = {z.exhibit: z for z in zones}
        self.dwell_s, self.hysteresis_m = dwell_s, hysteresis_m
        self.stale_s, self.detection_hold_s, self.restart_s = stale_s, detection_hold_s, restart_s
        self.current: str | None = None
        self._candidate: object = UNSET
        self._candidate_since = 0.0
        self._last_t: float | None = None
        self._detected_until = -math.inf

    def _distance(self, exhibit: str, x: float, y: float) -> float:
        z = self.zones[exhibit]
        return math.hypot(x - z.x, y - z.y)

    def candidate(self, x: float, y: float) -> str | None:
        """The exhibit this position belongs to, keeping the current one inside the margin."""
        if self.current is not None and self._distance(self.current, x, y) <= \
                self.zones[self.current].radius + self.hysteresis_m:
            return self.current
        inside = [(self._distance(e, x, y), e) for e, z in self.zones.items()
                  if self._distance(e, x, y) <= z.radius]
        return min(inside)[1] if inside else None

    def pose(self, x: float, y: float, t: float) -> Decision | None:
        if not all(math.isfinite(v) for v in (x, y, t)):
            raise Rejected(f"pose with a non-finite value (x={x}, y={y}, t={t})")
        self._check_time(t, "pose")
        self._last_t = t
        if t < self._detected_until:
            return None
        seen = self.candidate(x, y)
        if seen == self.current:
            self._candidate = UNSET
            return None
        if seen != self._candidate:
            self._candidate, self._candidate_since = seen, t
        if t - self._candidate_since >= self.dwell_s:
            return self._announce(seen, "pose")
        return None

    def detection(self, exhibit: str, t: float) -> Decision | None:
        if exhibit not in self.zones:
            raise Rejected(f"detection of {exhibit!r}, which is not in the catalogue")
        if not math.isfinite(t):
            raise Rejected(f"detection with a non-finite time {t}")
        self._check_time(t, "detection")
        self._detected_until = t + self.detection_hold_s
        self._last_t = max(self._last_t or t, t)
        return self._announce(exhibit, "detection") if exhibit != self.current else None

    def _check_time(self, t: float, what: str) -> None:
        """Refuses a small step back; a long jump back restarts the timing from `t`."""
        if self._last_t is None or t >= self._last_t:
            return
        if self._last_t - t <= self.restart_s:
            raise Rejected(f"{what} time {t:.3f} is before the previous one {self._last_t:.3f}")
        self._last_t, self._candidate, self._detected_until = None, UNSET, -math.inf

    def tick(self, now: float) -> Decision | None:
        """Call regularly: announces "no exhibit" once the poses have gone stale."""
        if self.current is not None and self._last_t is not None and now - self._last_t > self.stale_s:
            self._last_t = None  # a fresh pose after silence is never "backwards"
            return self._announce(None, "stale")
        return None

    def _announce(self, exhibit: str | None, source: str) -> Decision:
        self.current, self._candidate = exhibit, UNSET
        return Decision(exhibit, source)
