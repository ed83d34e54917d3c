"""Real rclpy over Fast DDS between processes: the simulated TurtleBot2 drives the bridge node,
which drives a real guide server on a free port; a subscriber in this process checks the ROS
side (transient-local exhibit topic, republished answers)."""
from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
import time

import pytest

from guide.config import ServerSettings
from tests.conftest import free_port
from tests.guide.harness import Client, RunningServer
from tests.processes import robot_tour, ros_environment, start, stop

rclpy = pytest.importorskip("rclpy")


@pytest.fixture(scope="module")
def ros_env():
    env = ros_environment()
    old = {k: os.environ.get(k) for k in ("ROS_AUTOMATIC_DISCOVERY_RANGE", "ROS_DOMAIN_ID")}
    os.environ.update({k: env[k] for k in old})  # this process's listener joins the same domain
    yield env
    for k, v in old.items():
        os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)


class Listener:
    """A node in this process that records the bridge's topics."""

    def __init__(self):
        from std_msgs.msg import String

        from ros_bridge.node import LATCHED

        self.context = rclpy.Context()
        rclpy.init(context=self.context)
        self.node = rclpy.create_node("test_listener", context=self.context)
        self.in_view: list[str] = []
        self.answers: list[str] = []
        self.node.create_subscription(String, "guide/exhibit_in_view",
                                      lambda m: self.in_view.append(m.data), LATCHED)
        self.node.create_subscription(String, "guide/answer", lambda m: self.answers.append(m.data), 10)
        self.executor = rclpy.executors.SingleThreadedExecutor(context=self.context)
        self.executor.add_node(self.node)
        self.thread = threading.Thread(target=self.executor.spin, daemon=True)
        self.thread.start()

    def close(self):
        self.executor.shutdown()
        self.node.destroy_node()
        rclpy.try_shutdown(context=self.context)


def wait_for(predicate, timeout: float, what: str):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def in_view_sequence(client: Client, count: int, timeout: float) -> list[str]:
    seen, deadline = [], time.time() + timeout
    while len(seen) < count and time.time() < deadline:
        msg = client.expect("exhibit.in_view", timeout=max(0.1, deadline - time.time()))
        if msg["exhibit"] and (not seen or seen[-1] != msg["exhibit"]):
            seen.append(msg["exhibit"])
    return seen


def test_simulated_tour_drives_the_guide_through_the_bridge(ros_env, tmp_path, retriever):
    from ros_bridge.path import gallery_order

    places = {e.id: (e.place.x, e.place.y) for e in retriever.catalogue}
    route = gallery_order(places)[:3]
    port = free_port()
    # the embedded model, so that the answer relayed to the robot has words in it
    settings = ServerSettings(port=port, model="default", db=tmp_path / "a.sqlite3", max_answer_tokens=12)
    procs = []
    try:
        with RunningServer(settings) as server:
            visitor = Client(server.url, client="web", tour="lab")
            elsewhere = Client(server.url, client="web", tour="lab")  # looks at an exhibit of their own
            aside = next(e for e in places if e not in route)
            elsewhere.send({"type": "exhibit.view", "exhibit": aside})
            elsewhere.expect("exhibit.in_view")
            procs = robot_tour(ros_env, port, "lab", route)
            assert in_view_sequence(visitor, 3, timeout=60) == route
            # each stop introduces its exhibit to the visitor following the tour, streamed as an answer
            starts = [visitor.expect("answer.start", timeout=60, kind="introduction") for _ in route]
            assert [s["exhibit"] for s in starts] == route
            intros = [visitor.expect("answer.done", timeout=60, request_id=s["request_id"]) for s in starts]
            assert all(d["kind"] == "introduction" and d["text"] and d["mode"] == "grounded" for d in intros)

            listener = Listener()  # joins late: the transient-local topic still tells it
            try:
                wait_for(lambda: listener.in_view, 15, "the latched exhibit")
                assert listener.in_view[-1] == route[-1]
                done = visitor.ask("r1", "What is this?")
                assert done["text"], done
                wait_for(lambda: done["text"] in listener.answers, 30, "the answer on guide/answer")
            finally:
                listener.close()
            # the visitor looking elsewhere heard no introduction of the tour's stops
            with pytest.raises(TimeoutError):
                elsewhere.expect("answer.start", timeout=2)
            visitor.close()
            elsewhere.close()

        # the guide restarts: the bridge reconnects and tells it where the robot is
        settings2 = settings.model_copy(update={"db": tmp_path / "b.sqlite3"})
        with RunningServer(settings2) as server:
            def current():
                c = Client(server.url, client="web", tour="lab")
                exhibit = c.welcome["exhibit"]
                c.close()
                return exhibit
            assert wait_for(current, 20, "the bridge to reconnect") == route[-1]
    finally:
        out = "".join(stop(p) for p in procs)
    assert "Traceback" not in out, out


def test_bad_parameters_are_named(ros_env):
    proc = subprocess.run([sys.executable, "-m", "ros_bridge", "--ros-args", "-p", "dwell_s:=-1.0"],
                          env=ros_env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "dwell_s" in proc.stderr


def test_the_simulated_robot_sets_off_only_once_its_odometry_has_a_listener(ros_env, retriever):
    from nav_msgs.msg import Odometry
    from rclpy.qos import qos_profile_sensor_data

    far = max(retriever.catalogue, key=lambda e: math.hypot(e.place.x, e.place.y))
    sim = start(ros_env, "ros_bridge.sim_tour", "--exhibits", far.id, "--speed", "2.0", "--pause", "0.5")
    try:
        time.sleep(4)  # without waiting it would be 8 m along its way by now
        context = rclpy.Context()
        rclpy.init(context=context)
        node = rclpy.create_node("test_odometry", context=context)
        poses: list[tuple[float, float]] = []
        node.create_subscription(Odometry, "odom", lambda m: poses.append(
            (m.pose.pose.position.x, m.pose.pose.position.y)), qos_profile_sensor_data)
        executor = rclpy.executors.SingleThreadedExecutor(context=context)
        executor.add_node(node)
        try:
            deadline = time.time() + 30
            while not poses and time.time() < deadline:
                executor.spin_once(timeout_sec=0.1)
        finally:
            executor.shutdown()
            node.destroy_node()
            rclpy.try_shutdown(context=context)
        assert poses, "no odometry"
        assert math.hypot(*poses[0]) < 1.5, poses[0]
    finally:
        out = stop(sim)
    assert "Traceback" not in out, out
