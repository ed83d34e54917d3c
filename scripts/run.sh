#!/usr/bin/env bash
# scripts/run.sh — the whole system on one machine: the guide server on the shipped guide (or
# GUIDE_MODEL), a first question through the reference client, then the simulated TurtleBot2
# touring the gallery with the ROS 2 bridge moving the exhibit in view. Keeps running until
# Ctrl-C, unless DEMO_ONLY=1 (then it stops after the robot has visited a few exhibits).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8765}
PY=.venv/bin/python
export ROS_AUTOMATIC_DISCOVERY_RANGE=${ROS_AUTOMATIC_DISCOVERY_RANGE:-LOCALHOST}
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

$PY -m guide serve --port "$PORT" --model "${GUIDE_MODEL:-default}" &
pids+=($!)
$PY -m tools.client --url "ws://127.0.0.1:$PORT" --exhibit kyrenia-ship \
  "What am I looking at?" "Who found this ship?" "And when was that?" "Tell me more."

if $PY -c "import rclpy" 2>/dev/null; then
  $PY -m ros_bridge --ros-args -p guide_url:="ws://127.0.0.1:$PORT" &
  pids+=($!)
  if [ -n "${DEMO_ONLY:-}" ]; then
    $PY -m ros_bridge.sim_tour --speed 1.0 --pause 2 --exhibits choirokoitia,tombs-of-the-kings,house-of-dionysus 2>/dev/null &
  else
    $PY -m ros_bridge.sim_tour --loop &
  fi
  pids+=($!)
  echo "[robot tour started: the simulated TurtleBot2 walks the gallery, the bridge reports what is in view]"
else
  echo "[rclpy is not installed: the robot tour is skipped]"
fi

if [ -n "${DEMO_ONLY:-}" ]; then
  $PY -m tools.client --url "ws://127.0.0.1:$PORT" --follow 15
else
  echo "Guide serving on ws://127.0.0.1:$PORT (health: http://127.0.0.1:$PORT/healthz). Ctrl-C stops it."
  $PY -m tools.client --url "ws://127.0.0.1:$PORT" --follow 31536000
fi
