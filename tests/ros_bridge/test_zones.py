"""Pose-to-exhibit logic without ROS: dwell, hysteresis, staleness, detections, bad input."""
from __future__ import annotations

import math

import pytest

from ros_bridge.path import TourPath, gallery_order
from ros_bridge.zones import Rejected, Zone, ZoneTracker, zones_from_catalogue

A, B = Zone("a", 0.0, 0.0, 1.0), Zone("b", 3.0, 0.0, 1.0)


def tracker(**kw):
    return ZoneTracker([A, B], **{"dwell_s": 1.0, "hysteresis_m": 0.3, "stale_s": 3.0, **kw})


def test_announces_only_after_the_dwell_time():
    t = tracker()
    assert t.pose(0.2, 0.0, 10.0) is None
    assert t.pose(0.2, 0.1, 10.5) is None
    d = t.pose(0.1, 0.0, 11.0)
    assert d.exhibit == "a" and d.source == "pose" and t.current == "a"
    assert t.pose(0.0, 0.0, 12.0) is None  # no repeat while it stays


def test_passing_through_a_zone_quickly_announces_nothing():
    t = tracker()
    for i, x in enumerate([0.0, 0.5, 1.5, 2.5, 3.0]):
        assert t.pose(x, 0.0, 10.0 + 0.3 * i) is None
    assert t.current is None


def test_boundary_hysteresis_prevents_flicker():
    t = tracker()
    t.pose(0.0, 0.0, 0.0)
    assert t.pose(0.0, 0.0, 1.0).exhibit == "a"
    # wobbling just outside the radius but inside the margin keeps the exhibit
    for i in range(20):
        assert t.pose(1.0 + (0.25 if i % 2 else 0.05), 0.0, 1.1 + 0.2 * i) is None
    assert t.current == "a"
    # beyond the margin for the dwell time: "no exhibit"
    t.pose(1.5, 0.0, 6.0)
    assert t.pose(1.5, 0.0, 7.1).exhibit is None


def test_moving_to_another_exhibit_switches_after_dwell():
    t = tracker()
    t.pose(0.0, 0.0, 0.0)
    t.pose(0.0, 0.0, 1.0)
    assert t.pose(3.0, 0.0, 2.0) is None
    assert t.pose(3.1, 0.0, 3.0).exhibit == "b"


def test_stale_poses_mean_no_exhibit_and_a_fresh_pose_restarts():
    t = tracker()
    t.pose(0.0, 0.0, 0.0)
    t.pose(0.0, 0.0, 1.0)
    assert t.tick(3.5) is None
    d = t.tick(4.5)
    assert d.exhibit is None and d.source == "stale"
    assert t.tick(10.0) is None  # announced once
    t.pose(0.0, 0.0, 2.0)  # an old-looking pose after silence is accepted, not "backwards"
    assert t.pose(0.0, 0.0, 3.0).exhibit == "a"


def test_detection_wins_at_once_and_holds_against_poses():
    t = tracker(detection_hold_s=5.0)
    d = t.detection("b", 0.0)
    assert d.exhibit == "b" and d.source == "detection"
    for i in range(8):
        assert t.pose(0.0, 0.0, 0.5 * i) is None  # standing at "a", but the detector saw "b"
    t.pose(0.0, 0.0, 5.5)
    assert t.pose(0.0, 0.0, 6.6).exhibit == "a"


@pytest.mark.parametrize("x, y, ts", [(math.nan, 0.0, 1.0), (0.0, math.inf, 1.0), (0.0, 0.0, math.nan)])
def test_non_finite_poses_are_rejected_without_changing_state(x, y, ts):
    t = tracker()
    t.pose(0.0, 0.0, 0.0)
    with pytest.raises(Rejected, match="non-finite"):
        t.pose(x, y, ts)
    assert t.pose(0.0, 0.0, 1.0).exhibit == "a"


def test_time_going_backwards_and_unknown_exhibits_are_rejected():
    t = tracker()
    t.pose(0.0, 0.0, 5.0)
    with pytest.raises(Rejected, match="before the previous"):
        t.pose(0.0, 0.0, 4.0)
    with pytest.raises(Rejected, match="not in the catalogue"):
        t.detection("atlantis", 6.0)
    assert t.current is None


def test_the_catalogue_zones_and_a_tour_through_them(retriever):
    zones = zones_from_catalogue(retriever.catalogue)
    assert len(zones) == len(retriever.catalogue)
    by_id = {z.exhibit: z for z in zones}
    order = gallery_order({z.exhibit: (z.x, z.y) for z in zones})
    assert sorted(order) == sorted(by_id)
    path = TourPath([(by_id[i].x, by_id[i].y) for i in order[:8]], speed=1.0, pause=2.0)
    t, seen = ZoneTracker(zones, dwell_s=1.0), []
    for i in range(int(path.duration * 10) + 1):
        x, y, _, _ = path.at(i / 10)
        d = t.pose(x, y, i / 10)
        if d and d.exhibit:
            seen.append(d.exhibit)
    assert seen == order[:8]  # walking between neighbours never crosses a third exhibit


def test_path_timing():
    path = TourPath([(3.0, 4.0)], speed=1.0, pause=2.0)
    assert path.duration == pytest.approx(7.0)
    assert path.at(2.5)[:2] == pytest.approx((1.5, 2.0))
    assert path.at(6.0)[3] == 0.0 and path.at(100.0)[:2] == (3.0, 4.0)
    assert path.stop_times() == [pytest.approx(5.0)]


def test_a_clock_that_starts_again_is_followed_after_a_long_jump_back():
    t = tracker()
    t.pose(0.0, 0.0, 100.0)
    assert t.pose(0.0, 0.0, 101.0).exhibit == "a"
    with pytest.raises(Rejected, match="before the previous"):
        t.pose(3.0, 0.0, 100.5)  # a late message: refused
    t.pose(3.0, 0.0, 0.0)  # the simulation restarted at zero: accepted, timing starts again
    assert t.pose(3.0, 0.0, 1.0).exhibit == "b"  # and the tracker goes on deciding


def test_after_an_outage_the_link_sends_the_latest_state_not_a_replay():
    from ros_bridge.link import GuideLink

    link = GuideLink("ws://127.0.0.1:9", "", "lab", on_answer=lambda text: None)  # never started
    for n, exhibit in enumerate(["a", "b", None, "a", "b"] * 20):  # the guide is away meanwhile
        link._queue({"type": "exhibit.in_view", "exhibit": exhibit, "source": "pose"}, True)
        link._queue({"type": "robot.pose", "x": float(n), "y": 0.0, "theta": 0.0, "frame": "map"}, False)
    assert [m["type"] for m in link.outbox] == ["exhibit.in_view", "robot.pose"]
    assert link.outbox[0]["exhibit"] == "b" and link.outbox[1]["x"] == 99.0 and link.current["exhibit"] == "b"
    link.loop.close()
