#!/usr/bin/env bash
# scripts/run.sh — start the guide server, wait until the model is loaded, ask a first question.
# Keeps serving until Ctrl-C, unless DEMO_ONLY=1.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8765}
.venv/bin/python -m guide serve --port "$PORT" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
.venv/bin/python -m guide.client --url "ws://127.0.0.1:$PORT" --exhibit kyrenia-ship \
  "What am I looking at?" "Who found this ship?"
if [ -z "${DEMO_ONLY:-}" ]; then
  echo "Guide serving on ws://127.0.0.1:$PORT (health: http://127.0.0.1:$PORT/healthz). Ctrl-C stops it."
  wait $server
fi
