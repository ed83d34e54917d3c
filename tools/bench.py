"""python -m tools.bench [--model REF] [--backend auto|transformers|llamacpp] [--versus transformers] [--questions N] [--clients 16]

Serving benchmark on this machine, in two runs of a real server. As served (the answer pipeline's
defaults: the model phrases the chosen facts, each sentence checked before it is sent): time to
first words (p50, p95) for one client, p95 for 4 and for 16 concurrent
clients, and memory per idle connection. With the model answering alone (`answers.checks: none`):
streamed tokens/s through the server against the same engine's bare generation on the same
prompts, and the rate of the words after the first against llama-cpp-python's own decoding; 4
and 16 concurrent clients (all answered? aggregate tokens/s). Bare, without a server:
the engine's prompt computation tokens/s on prompts at exhibits no earlier prompt had, the
prompt tokens it computes for each answer at an exhibit after the beginnings the server computes
on arrival (cache hits excluded), and, for
llama.cpp, llama-cpp-python alone on the same GGUF and prompt tokens (prompt and decode tokens/s,
and decode tokens/s with one token for each of --questions answers per step: what answering
visitors together can gain over one on this machine, before any prompt is computed), and one
answer's decoding with twelve exhibits' prompt beginnings cached against one exhibit's; with
--versus, the other backend's bare tokens/s on the same prompts. Prints every figure and ratio
from this one run; asserts nothing.
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

import numpy as np
from websockets.asyncio.client import connect

from tools.client import wait_ready

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
    # after the first words: the rate at which the rest arrive, beside bare llama.cpp's decoding
    flowing = [a for a in single if a["client_ttft"] is not None and a["generated_tokens"] > 1]
    decode_tps = (sum(a["generated_tokens"] - 1 for a in flowing)
                  / sum(a["client_total"] - a["client_ttft"] for a in flowing)) if flowing else 0.0
    out = {"ttft_p50_s": pct(ttft, 0.5), "ttft_p95_s": pct(ttft, 0.95),
           "server_stream_tokens_per_s": stream_tps, "server_stream_decode_tokens_per_s": decode_tps,
           "one_client_prompt": QUESTIONS[0]}
    for size, label in ((4, "four"), (clients, "concurrent")):
        start = time.perf_counter()
        crowd = await asyncio.gather(*[one_answer(url, "Please tell me: " + QUESTIONS[i % len(QUESTIONS)], f"{label}{i}")
                                       for i in range(size)], return_exceptions=True)
        wall = time.perf_counter() - start
        ok = [a for a in crowd if isinstance(a, dict) and a["finish"] in ("stop", "length")]
        out.update({f"{label}_clients": size, f"{label}_answered": len(ok),
                    f"{label}_aggregate_tokens_per_s": sum(a["generated_tokens"] for a in ok) / wall,
                    f"{label}_ttft_p95_s": pct([a["client_ttft"] or wall for a in ok], 0.95) if ok else None})
    before = rss_kb(pid)
    idle = [await connect(url) for _ in range(200)]
    for ws in idle:
        await ws.send(json.dumps({"type": "hello", "tour": "idle"}))
        await ws.recv()
    after = rss_kb(pid)
    for ws in idle:
        await ws.close()
    return {**out, "idle_connection_kb": (after - before) / 200}


def model_pipeline():
    """The model-alone server's pipeline (`answers.checks: none`)."""
    from answering.pipeline import AnswerSettings, build_pipeline
    from knowledge.retrieval import Retriever

    return build_pipeline(Retriever(), answers=AnswerSettings(checks="none"))


def model_prompts(pipeline, n: int, varied: bool) -> list:
    """The pipeline's plans for the benchmark questions: at the Kyrenia ship, as the served runs
    ask them, or (`varied`) one exhibit after another, so that each prompt starts at an exhibit
    no earlier prompt had and nothing comes from a cache."""
    exhibits = [e.id for e in pipeline.retriever.catalogue]
    return [pipeline.plan(QUESTIONS[i % len(QUESTIONS)], exhibits[i % len(exhibits)] if varied else "kyrenia-ship")
            for i in range(n)]


def bare(model: str, backend: str, n: int) -> dict:
    """The same engine, same prompts, no server, one request at a time: tokens/s including the
    prompt, and (llama.cpp) the engine's prompt computation alone, one token generated."""
    from runtime.engine import GenRequest
    from runtime.engines import EngineChoice, make_engine

    pipeline = model_pipeline()
    varied, plans = model_prompts(pipeline, n, True), model_prompts(pipeline, n, False)
    engine = make_engine(EngineChoice(model=model, backend=backend, max_batch=1))
    out = {"engine": engine.name}
    if hasattr(engine, "computed"):
        before, start = engine.computed, time.perf_counter()
        for plan in varied:
            list(engine.generate([GenRequest(plan.messages, 1)]))
        out["prompt_tokens_per_s"] = (engine.computed - before) / (time.perf_counter() - start)
    for messages in pipeline.beginnings("kyrenia-ship", "en"):  # as the server does when visitors reach it
        engine.warm(messages)
    tokens, seconds, new = 0, 0.0, []
    for plan in plans:
        start, before = time.perf_counter(), getattr(engine, "computed", 0)
        for piece in engine.generate([GenRequest(plan.messages, 160, prefix=plan.lead)]):
            tokens += piece.generated_tokens if piece.finish else 0
        seconds += time.perf_counter() - start
        new.append(getattr(engine, "computed", 0) - before)
    out["tokens_per_s"] = tokens / seconds
    if hasattr(engine, "computed"):  # what each answer adds to the beginnings computed on arrival
        out["new_prompt_tokens_p50"] = float(np.median(new))
        out["new_prompt_tokens_max"] = float(max(new))
    if engine.name == "llamacpp":
        out["decode_with_twelve_exhibits_cached_vs_one_ratio"] = crowded(engine, pipeline, plans[0].messages)
        out.update(bare_llamacpp(str(engine.gguf), [engine.encode(p.messages) for p in varied], engine.n_threads))
    return out


def crowded(engine, pipeline, messages: list[dict[str, str]], runs: int = 3) -> float:
    """One answer's decoding rate with the beginnings of twelve exhibits cached against the rate
    with one exhibit's (the best of `runs` each): in the shared KV store every token's attention
    runs over all cells in use, the cached beginnings' among them."""
    from runtime.engine import GenRequest

    def rate() -> float:
        best = 0.0
        for _ in range(runs):
            start, tokens = time.perf_counter(), 0
            for piece in engine.generate([GenRequest(messages, 60)]):
                tokens = piece.generated_tokens or tokens
            best = max(best, tokens / (time.perf_counter() - start))
        return best
    one = rate()
    for exhibit in [e.id for e in pipeline.retriever.catalogue][:12]:
        for beginning in pipeline.beginnings(exhibit, "en"):
            engine.warm(beginning)
    return rate() / one


def bare_llamacpp(gguf: str, prompts: list[list[int]], threads: int) -> dict:
    """llama-cpp-python alone on the same GGUF and prompt tokens: prompt tokens/s, decode
    tokens/s after the prompt (greedy, up to 160 tokens), and decode tokens/s with one token
    of each prompt's answer per step (`decode_together`)."""
    from llama_cpp import Llama

    llm = Llama(gguf, n_ctx=2048, n_threads=threads, n_threads_batch=threads, verbose=False)
    prompt_tokens = prompt_s = decoded = decode_s = 0.0
    for ids in prompts:
        llm.reset()
        start = time.perf_counter()
        llm.eval(ids)
        prompt_s += time.perf_counter() - start
        prompt_tokens += len(ids)
        start = time.perf_counter()
        for _ in range(160):
            token = llm.sample(temp=0.0)
            if llm.token_eos() == token:
                break
            llm.eval([token])
            decoded += 1
        decode_s += time.perf_counter() - start
    return {"bare_llamacpp_prompt_tokens_per_s": prompt_tokens / prompt_s,
            "bare_llamacpp_decode_tokens_per_s": decoded / decode_s,
            "bare_llamacpp_together_decode_tokens_per_s": decode_together(llm, prompts, threads, True),
            "bare_llamacpp_together_split_decode_tokens_per_s": decode_together(llm, prompts, threads, False)}


def decode_together(llm, prompts: list[list[int]], threads: int, unified: bool, steps: int = 40) -> float:
    """llama.cpp alone decoding one token for each of len(prompts) answers per step, their
    prompts already computed (one sequence each, in one shared KV store as the engine keeps
    them, or `unified` False, each in a store of its own): the most that answering many
    visitors at once can gain over one on this machine, before any prompt is counted."""
    import llama_cpp
    from llama_cpp._internals import LlamaBatch, LlamaContext

    from runtime.llamacpp import filled

    params = llama_cpp.llama_context_default_params()
    params.n_ctx, params.n_seq_max, params.kv_unified = 768 * len(prompts), len(prompts), unified
    params.n_batch = params.n_ubatch = 512
    params.n_threads = params.n_threads_batch = threads
    ctx = LlamaContext(model=llm._model, params=params, verbose=False)
    batch = LlamaBatch(n_tokens=512, embd=0, n_seq_max=1, verbose=False)

    def decode(rows):
        if llama_cpp.llama_decode(ctx.ctx, filled(batch, [(seq, token, pos, True) for seq, token, pos in rows])) != 0:
            raise RuntimeError("llama_decode failed")

    for seq, ids in enumerate(prompts):
        for start in range(0, len(ids), 512):
            decode([(seq, t, start + j) for j, t in enumerate(ids[start:start + 512])])
    vocab = llm.n_vocab()
    start = time.perf_counter()
    tokens = [ids[-1] for ids in prompts]  # any token will do for the first step: only time counts
    for step in range(steps):
        decode([(seq, tokens[seq], len(ids) + step) for seq, ids in enumerate(prompts)])
        tokens = [int(np.argmax(np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(ctx.ctx, seq), shape=(vocab,))))
                  for seq in range(len(prompts))]  # each answer's greedy next token, fed back
    return steps * len(prompts) / (time.perf_counter() - start)


def serve_and_run(args, config: str | None) -> dict:
    """One server on a free port, with `config` as its YAML settings, measured by `run`."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "guide", "serve", "--port", str(port), "--model", args.model,
               "--backend", args.backend, "--db", f"/tmp/guide-bench-{port}.sqlite3"]
    path = Path(f"/tmp/guide-bench-{port}.yaml")
    # every benchmark client, the 200 idle connections included, comes from this one address
    path.write_text("max_per_address: 256\n" + (config or ""))
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
    p = argparse.ArgumentParser(prog="python -m tools.bench")
    p.add_argument("--model", default="default")
    p.add_argument("--questions", type=int, default=len(QUESTIONS))
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--backend", default="auto", choices=["auto", "transformers", "llamacpp"])
    p.add_argument("--versus", choices=["transformers", "llamacpp"], help="also time this backend bare")
    args = p.parse_args(argv)
    served = serve_and_run(args, None)
    alone = serve_and_run(args, "answers: {checks: none}\n")
    result = {f"served_{k}": v for k, v in served.items() if k in ("ttft_p50_s", "ttft_p95_s", "four_ttft_p95_s",
                                                                   "concurrent_ttft_p95_s", "concurrent_answered",
                                                                   "idle_connection_kb")}
    result.update({f"model_alone_{k}" if k.startswith("ttft") else k: v for k, v in alone.items()})
    engine = bare(args.model, args.backend, args.questions)
    result["backend"], result["bare_engine_tokens_per_s"] = engine["engine"], engine["tokens_per_s"]
    for key in ("prompt_tokens_per_s", "new_prompt_tokens_p50", "new_prompt_tokens_max", "bare_llamacpp_prompt_tokens_per_s", "bare_llamacpp_decode_tokens_per_s",
                "bare_llamacpp_together_decode_tokens_per_s", "bare_llamacpp_together_split_decode_tokens_per_s"):
        if key in engine:
            result[key if key.startswith("bare") else f"engine_{key}"] = engine[key]
    if args.versus:
        other = bare(args.model, args.versus, args.questions)["tokens_per_s"]
        result[f"bare_{args.versus}_tokens_per_s"] = other
        result[f"server_stream_vs_bare_{args.versus}_ratio"] = result["server_stream_tokens_per_s"] / other
    result["stream_vs_bare_ratio"] = result["server_stream_tokens_per_s"] / result["bare_engine_tokens_per_s"]
    if "bare_llamacpp_decode_tokens_per_s" in result:
        result["stream_decode_vs_bare_llamacpp_decode_ratio"] = (result["server_stream_decode_tokens_per_s"]
                                                                 / result["bare_llamacpp_decode_tokens_per_s"])
    if "bare_llamacpp_together_decode_tokens_per_s" in result:
        result["bare_llamacpp_together_vs_one_decode_ratio"] = (result["bare_llamacpp_together_decode_tokens_per_s"]
                                                                / result["bare_llamacpp_decode_tokens_per_s"])
        result["bare_llamacpp_together_split_vs_one_decode_ratio"] = (
            result["bare_llamacpp_together_split_decode_tokens_per_s"] / result["bare_llamacpp_decode_tokens_per_s"])
    if "engine_prompt_tokens_per_s" in result and "bare_llamacpp_prompt_tokens_per_s" in result:
        result["engine_vs_bare_llamacpp_prompt_ratio"] = (result["engine_prompt_tokens_per_s"]
                                                          / result["bare_llamacpp_prompt_tokens_per_s"])
    result["concurrent_vs_one_ratio"] = (result["concurrent_aggregate_tokens_per_s"]
                                         / result["server_stream_tokens_per_s"])
    for key, value in result.items():
        print(f"{key:36s} {value:.3f}" if isinstance(value, float) else f"{key:36s} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
