"""Subprocesses for system tests: ROS 2 nodes on an isolated DDS domain."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time


def ros_environment() -> dict:
    """An environment for ROS processes on this machine only, on a domain no other test uses."""
    return dict(os.environ, ROS_AUTOMATIC_DISCOVERY_RANGE="LOCALHOST",
                ROS_DOMAIN_ID=str(random.randint(1, 100)), PYTHONUNBUFFERED="1")


def start(env: dict, *args: str) -> subprocess.Popen:
    """A module run as a process; what it prints is collected as it comes (`proc.printed`)."""
    proc = subprocess.Popen([sys.executable, "-m", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    proc.printed = []
    proc.reader = threading.Thread(target=lambda: proc.printed.extend(iter(proc.stdout.readline, "")), daemon=True)
    proc.reader.start()
    return proc


def wait_printed(proc: subprocess.Popen, text: str, timeout: float) -> None:
    deadline = time.time() + timeout
    while not any(text in line for line in list(proc.printed)):
        if time.time() > deadline or proc.poll() is not None:
            raise AssertionError(f"{text!r} never printed:\n" + "".join(proc.printed))
        time.sleep(0.05)


def stop(proc: subprocess.Popen) -> str:
    """Terminate and return everything it printed."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.reader.join(10)
    return "".join(proc.printed)


def robot_tour(env: dict, port: int, tour: str, route: list[str], speed: float = 2.0,
               pause: float = 1.5) -> list[subprocess.Popen]:
    """The bridge node and the simulated TurtleBot2 walking `route`."""
    bridge = start(env, "ros_bridge", "--ros-args", "-p", f"guide_url:=ws://127.0.0.1:{port}",
                   "-p", f"tour_id:={tour}", "-p", "dwell_s:=0.3", "-p", "stale_s:=60.0",
                   "-p", "reconnect_max_s:=1.0")
    # the robot sets off once the bridge is talking to the guide: on a busy machine the node's
    # start-up can otherwise outlast the first stop, which the guide then never hears of
    wait_printed(bridge, "connected to the guide", 60)
    sim = start(env, "ros_bridge.sim_tour", "--exhibits", ",".join(route), "--speed", str(speed),
                "--pause", str(pause))
    return [bridge, sim]
