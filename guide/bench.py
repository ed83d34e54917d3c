"""python -m guide.bench [--model REF] [--backend auto|transformers|llamacpp] [--versus transformers] [--questions N] [--clients 16]

Serving benchmark on this machine, in two runs of a real server. As served (the answer pipeline's
defaults): time to first token (p50, p95) for one client and for 16 concurrent clients, and
memory per idle connection. With the model answering alone, raw (`answers.checks: none`): streamed
tokens/s through the server against the same engine's bare generation on the same prompts; 16
concurrent clients (all answered? aggregate tokens/s); with --versus, the other backend's bare
tokens/s on the same prompts, and the ratio. Prints numbers; asserts nothing.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from websockets.asyncio.client import connect

from guide.client import wait_ready

# all different, so that no answer starts from another one's identical prompt in the cache
QUESTIONS = ["Who found this ship?", "What was the ship carrying?", "How long was the ship?",
             "How many sailors were on board?", "Where is the ship displayed?", "When did it sink?",
             "What wood was it built of?", "Who raised the wreck?", "Has anyone built a copy?",
             "Where did the ship trade?", "Why did it sink?", "How deep was the wreck?",
             "What did the crew eat?", "How old is the ship?", "Which museum shows it?",
             "What were the amphorae for?"]


def rss_kb(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def one_answer(url: str, question: str, tour: str) -> dict:
    async with connect(url) as ws:
        await ws.send(json.dumps({"type": "hello", "tour": tour}))
        await ws.recv()
        await ws.send(json.dumps({"type": "exhibit.view", "exhibit": "kyrenia-ship"}))
        await ws.send(json.dumps({"type": "ask", "request_id": "b", "text": question}))
        start, first = time.perf_counter(), None
        while True:
            msg = json.loads(await ws.recv())
            if msg["type"] == "answer.delta" and first is None:
                first = time.perf_counter() - start
            if msg["type"] == "answer.done":
                return dict(msg, client_ttft=first, client_total=time.perf_counter() - start)


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def run(url: str, n: int, clients: int, pid: int) -> dict:
    single = [await one_answer(url, QUESTIONS[i % len(QUESTIONS)], f"solo{i}") for i in range(n)]
    ttft = [a["client_ttft"] for a in single if a["client_ttft"] is not None]
    tokens = sum(a["generated_tokens"] for a in single)
    stream_tps = tokens / sum(a["client_total"] for a in single)  # zero when the catalogue alone answers
    start = time.perf_counter()
    crowd = await asyncio.gather(*[one_answer(url, "Please tell me: " + QUESTIONS[i % len(QUESTIONS)], f"c{i}")
                                   for i in range(clients)], return_exceptions=True)
    wall = time.perf_counter() - start
    ok = [a for a in crowd if isinstance(a, dict) and a["finish"] in ("stop", "length")]
    before = rss_kb(pid)
    idle = [await connect(url) for _ in range(200)]
    for ws in idle:
        await ws.send(json.dumps({"type": "hello", "tour": "idle"}))
        await ws.recv()
    after = rss_kb(pid)
    for ws in idle:
        await ws.close()
    return {"ttft_p50_s": pct(ttft, 0.5), "ttft_p95_s": pct(ttft, 0.95),
            "server_stream_tokens_per_s": stream_tps, "one_client_prompt": QUESTIONS[0],
            "concurrent_clients": clients, "concurrent_answered": len(ok),
            "concurrent_aggregate_tokens_per_s": sum(a["generated_tokens"] for a in ok) / wall,
            "concurrent_ttft_p95_s": pct([a["client_ttft"] or wall for a in ok], 0.95) if ok else None,
            "idle_connection_kb": (after - before) / 200}


def bare(model: str, backend: str, n: int) -> tuple[str, float]:
    """The same engine, same prompts, no server: tokens/s including prefill, one request at a time."""
    from guide.app import make_engine
    from guide.config import ServerSettings
    from guide.engine import GenRequest
    from guide.pipeline import AnswerSettings, build_pipeline
    from knowledge.retrieval import Retriever

    pipeline = build_pipeline(Retriever(), answers=AnswerSettings(checks="none"))  # as the model-alone server
    engine = make_engine(ServerSettings(model=model, backend=backend, max_batch=1))
    tokens, seconds = 0, 0.0
    for i in range(n):
        plan = pipeline.plan(QUESTIONS[i % len(QUESTIONS)], "kyrenia-ship")  # the server's prompt
        start = time.perf_counter()
        for piece in engine.generate([GenRequest(plan.messages, 160, prefix=plan.lead)]):
            if piece.finish:
                tokens += piece.generated_tokens
        seconds += time.perf_counter() - start
    return engine.name, tokens / seconds


def serve_and_run(args, config: str | None) -> dict:
    """One server on a free port, with `config` as its YAML settings, measured by `run`."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "guide", "serve", "--port", str(port), "--model", args.model,
               "--backend", args.backend, "--db", f"/tmp/guide-bench-{port}.sqlite3"]
    if config:
        path = Path(f"/tmp/guide-bench-{port}.yaml")
        path.write_text(config)
        command += ["--config", str(path)]
    server = subprocess.Popen(command, env=dict(os.environ, LOG_LEVEL="WARNING"))
    try:
        url = f"ws://127.0.0.1:{port}"
        asyncio.run(wait_ready(url, 180))
        return asyncio.run(run(url, args.questions, args.clients, server.pid))
    finally:
        server.terminate()
        server.wait(30)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m guide.bench")
    p.add_argument("--model", default="default")
    p.add_argument("--questions", type=int, default=len(QUESTIONS))
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--backend", default="auto", choices=["auto", "transformers", "llamacpp"])
    p.add_argument("--versus", choices=["transformers", "llamacpp"], help="also time this backend bare")
    args = p.parse_args(argv)
    served = serve_and_run(args, None)
    alone = serve_and_run(args, "answers: {checks: none}\n")
    result = {f"served_{k}": v for k, v in served.items() if k in ("ttft_p50_s", "ttft_p95_s", "concurrent_ttft_p95_s",
                                                                   "concurrent_answered", "idle_connection_kb")}
    result.update({f"model_alone_{k}" if k.startswith("ttft") else k: v for k, v in alone.items()})
    result["backend"], result["bare_engine_tokens_per_s"] = bare(args.model, args.backend, args.questions)
    if args.versus:
        _, other = bare(args.model, args.versus, args.questions)
        result[f"bare_{args.versus}_tokens_per_s"] = other
        result[f"server_stream_vs_bare_{args.versus}_ratio"] = result["server_stream_tokens_per_s"] / other
    result["stream_vs_bare_ratio"] = result["server_stream_tokens_per_s"] / result["bare_engine_tokens_per_s"]
    result["concurrent_vs_one_ratio"] = (result["concurrent_aggregate_tokens_per_s"]
                                         / result["server_stream_tokens_per_s"])
    for key, value in result.items():
        print(f"{key:36s} {value:.3f}" if isinstance(value, float) else f"{key:36s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
