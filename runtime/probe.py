"""python -m runtime.probe --model REF [--threads N]

Loads the llama.cpp backend and decodes a few tokens in a process of its own, so that a build
that crashes on this CPU (an int8 path for AMX, instructions the CPU lacks) kills only this
process. The server runs it before it trusts the backend (`llamacpp_crashes`) and otherwise
falls back to transformers, saying why, instead of crashing on a visitor's first question.
"""
from __future__ import annotations

import argparse
import importlib.util
import signal
import subprocess
import sys

from runtime.backends import BackendUnavailable, gguf_for
from runtime.engine import GenRequest
from weights.models import resolve_lm

PROBE_SECONDS = 180  # loading and a few tokens take seconds; a build that hangs must not hold the start


def outcome(command: list[str], timeout: float = PROBE_SECONDS) -> str | None:
    """None when the command exits 0; otherwise how it ended, in words."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"it did not finish within {timeout:g} s"
    if done.returncode == 0:
        return None
    if done.returncode < 0:
        return f"it died with {signal.Signals(-done.returncode).name}"
    last = (done.stderr.strip().splitlines() or ["no message"])[-1]
    return f"it exited with status {done.returncode}: {last}"


def llamacpp_unavailable(model: str) -> str | None:
    """Why the llama.cpp backend cannot load this model at all (the extra, or a GGUF), or None."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python is not installed (pip install -e '.[llamacpp]')"
    try:
        gguf_for(resolve_lm(model))
    except BackendUnavailable as exc:
        return str(exc)
    return None


def llamacpp_crashes(model: str, threads: int | None = None) -> str | None:
    """How a child process that loads this model with llama.cpp and decodes with it ended, when
    that was not well; None when it was."""
    command = [sys.executable, "-m", "runtime.probe", "--model", model] + (["--threads", str(threads)] if threads else [])
    problem = outcome(command)
    return None if problem is None else f"a test decode with llama.cpp failed: {problem}"


def main(argv: list[str] | None = None) -> int:
    from runtime.llamacpp import LlamaCppEngine

    parser = argparse.ArgumentParser(prog="python -m runtime.probe", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default")
    parser.add_argument("--threads", type=int)
    args = parser.parse_args(argv)
    engine = LlamaCppEngine(args.model, threads=args.threads, max_batch=1, prefixes=1)
    pieces = list(engine.generate([GenRequest([{"role": "user", "content": "Hello!"}], 4)]))
    finish = pieces[-1].finish if pieces else None
    print(f"llama.cpp decoded {pieces[-1].generated_tokens if pieces else 0} tokens: {finish}")
    return 0 if finish in ("stop", "length") else 1


if __name__ == "__main__":
    raise SystemExit(main())
