"""Subprocesses for system tests: ROS 2 nodes on an isolated DDS domain."""
from __future__ import annotations

import os
import random
import subprocess
import sys


def ros_environment() -> dict:
    """An environment for ROS processes on this machine only, on a domain no other test uses."""
    return dict(os.environ, ROS_AUTOMATIC_DISCOVERY_RANGE="LOCALHOST",
                ROS_DOMAIN_ID=str(random.randint(1, 100)), PYTHONUNBUFFERED="1")


def start(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def stop(proc: subprocess.Popen) -> str:
    """Terminate and return everything it printed."""
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def robot_tour(env: dict, port: int, tour: str, route: list[str], speed: float = 2.0,
               pause: float = 1.5) -> list[subprocess.Popen]:
    """The bridge node and the simulated TurtleBot2 walking `route`."""
    bridge = start(env, "ros_bridge", "--ros-args", "-p", f"guide_url:=ws://127.0.0.1:{port}",
                   "-p", f"tour_id:={tour}", "-p", "dwell_s:=0.3", "-p", "stale_s:=60.0",
                   "-p", "reconnect_max_s:=1.0")
    sim = start(env, "ros_bridge.sim_tour", "--exhibits", ",".join(route), "--speed", str(speed),
                "--pause", str(pause))
    return [bridge, sim]
