"""python -m tools.soak [--seconds 300] [--visitors 6] [--model default] [--keep DIR]

A real guide server (its own process, the real model, a SQLite store) under well-behaved
visitors and a robot, then, after a baseline, under abuse on a schedule: clients that vanish
mid-answer, slow readers, malformed and oversized frames, ask floods, reconnect storms and a
store outage (the SQLite file locked by another process for a while); last, SIGTERM and a
restart on the same store, after which every acknowledged rating must be found. Abusers connect
from another loopback address (127.0.0.2), as they would from another host. Prints one table;
exits 1 when a rating was lost or a well-behaved visitor was refused or disconnected.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

GOOD, BAD = ("127.0.0.1", 0), ("127.0.0.2", 0)
QUESTIONS = ["Who built this?", "How old is it?", "What is it famous for?", "Who found it?",
             "What was it used for?", "Where is it?", "Tell me more about it."]
EXHIBITS = ["kyrenia-ship", "kourion", "choirokoitia", "kolossi-castle", "salamis", "house-of-dionysus"]
SCORES = dict.fromkeys(["factual_accuracy", "context_relevance", "safety", "alignment", "formatting"], 4)


@dataclass
class Tally:
    phase: str = "warm-up"
    asked: int = 0
    completed: int = 0
    refused: Counter = field(default_factory=Counter)  # error codes well-behaved visitors got
    ttft: dict = field(default_factory=lambda: {"baseline": [], "abuse": []})
    acked: set = field(default_factory=set)
    dropped: int = 0  # well-behaved connections the server ended
    abuse: Counter = field(default_factory=Counter)  # what the abusers did, and what they got


def start_server(port: int, db: Path, model: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "guide", "serve", "--port", str(port), "--model", model,
                             "--db", str(db)], env=dict(os.environ, LOG_LEVEL="ERROR"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 180
    while time.time() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1).status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the guide server did not become ready")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def receive(ws, rid: str, tally: Tally, started: float) -> dict | None:
    """Until the answer's end; records its time to first words. None when refused."""
    first = None
    while True:
        msg = json.loads(await ws.recv())
        if msg.get("request_id") != rid:
            continue
        if msg["type"] == "answer.delta" and first is None:
            first = time.perf_counter() - started
        elif msg["type"] == "error":
            tally.refused[msg["code"]] += 1
        elif msg["type"] == "answer.done":
            if first is not None and tally.phase in tally.ttft:
                tally.ttft[tally.phase].append(first)
            return msg if msg["finish"] in ("stop", "length") else None


async def rate(ws, answer_id: str, fid: str, tally: Tally) -> None:
    """Sends a rating until it is acknowledged (a store outage answers store_unavailable)."""
    for _ in range(30):
        await ws.send(json.dumps({"type": "feedback", "feedback_id": fid, "answer_id": answer_id, "scores": SCORES}))
        while True:
            msg = json.loads(await ws.recv())
            if msg["type"] == "feedback.ack" and msg["feedback_id"] == fid:
                tally.acked.add(fid)
                return
            if msg["type"] == "error" and msg.get("code") in ("store_unavailable", "unknown_answer"):
                tally.abuse[f"visitor rating retried ({msg['code']})"] += 1
                await asyncio.sleep(1.0)
                break


async def visitor(url: str, n: int, tally: Tally, stop: asyncio.Event) -> None:
    try:
        async with connect(url, local_addr=GOOD, open_timeout=20) as ws:
            await ws.send(json.dumps({"type": "hello", "tour": f"soak{n % 2}", "client": "vr"}))
            await ws.send(json.dumps({"type": "exhibit.view", "exhibit": EXHIBITS[n % len(EXHIBITS)]}))
            k = 0
            while not stop.is_set():
                rid, k = f"v{n}-{k}", k + 1
                started = time.perf_counter()
                await ws.send(json.dumps({"type": "ask", "request_id": rid, "text": QUESTIONS[k % len(QUESTIONS)]}))
                tally.asked += 1
                done = await receive(ws, rid, tally, started)
                if done is not None:
                    tally.completed += 1
                    await rate(ws, done["answer_id"], f"f-{rid}", tally)
                await asyncio.sleep(1.5)
    except (ConnectionClosed, OSError, InvalidStatus) as exc:
        tally.dropped += 1
        tally.refused[f"disconnected: {type(exc).__name__}"] += 1


async def robot(url: str, tally: Tally, stop: asyncio.Event) -> None:
    try:
        async with connect(url, local_addr=GOOD) as ws:
            await ws.send(json.dumps({"type": "hello", "tour": "soak0", "client": "robot"}))
            listening = asyncio.create_task(drain(ws))  # as the bridge does: answers for its speaker
            n = 0
            while not stop.is_set():
                n += 1
                await ws.send(json.dumps({"type": "robot.pose", "x": n % 10, "y": 1.0, "theta": 0.0}))
                if n % 20 == 0:
                    await ws.send(json.dumps({"type": "exhibit.in_view", "exhibit": EXHIBITS[n // 20 % 6],
                                              "source": "pose"}))
                await asyncio.sleep(0.25)
            listening.cancel()
    except (ConnectionClosed, OSError, InvalidStatus) as exc:
        tally.dropped += 1
        tally.refused[f"robot disconnected: {exc}"] += 1


async def drain(ws) -> None:
    """Reads whatever comes: a client that reads nothing stops reading its pongs too."""
    async for _ in ws:
        pass


async def abuser(kind: str, url: str, tally: Tally, stop: asyncio.Event) -> None:
    """One kind of abuse, again and again until stopped; every failure it meets is expected."""
    while not stop.is_set():
        try:
            async with connect(url, local_addr=BAD, open_timeout=5, max_size=None) as ws:
                await ws.send(json.dumps({"type": "hello", "tour": "soak0"}))
                if kind == "vanish":  # asks, then disappears without a closing handshake
                    await ws.send(json.dumps({"type": "ask", "request_id": "x", "text": "Tell me everything."}))
                    await asyncio.sleep(0.3)
                    ws.transport.abort()
                elif kind == "slow reader":  # asks and never reads
                    for i in range(2):
                        await ws.send(json.dumps({"type": "ask", "request_id": f"s{i}", "text": "Who built it?"}))
                    await asyncio.sleep(8)
                elif kind == "malformed":
                    for frame in ["{not json", '{"type": "nope"}', '{"type": "ask", "request_id": "m"}',
                                  json.dumps({"type": "ask", "request_id": "w", "text": "\U0001F3DB" * 300}),
                                  "x" * 40_000]:  # the last one is oversized: the server closes
                        await ws.send(frame)
                elif kind == "flood":
                    for i in range(60):
                        await ws.send(json.dumps({"type": "ask", "request_id": f"f{i}", "text": "Who built it?"}))
                    await asyncio.sleep(2)
                elif kind == "storm":
                    pass  # connect, hello, leave: over and over
            tally.abuse[kind] += 1
        except (ConnectionClosed, OSError, InvalidStatus, asyncio.TimeoutError) as exc:
            tally.abuse[f"{kind}: {type(exc).__name__}"] += 1
        await asyncio.sleep(0.05 if kind == "storm" else 0.5)


def lock_store(db: Path, seconds: float) -> None:
    """Another process holds the SQLite file exclusively: every write of the guide fails meanwhile."""
    con = sqlite3.connect(db, timeout=30, isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")
    time.sleep(seconds)
    con.execute("ROLLBACK")
    con.close()


async def soak(url: str, pid: int, db: Path, seconds: float, visitors: int) -> tuple[Tally, dict]:
    tally, stop_good, stop_bad = Tally(), asyncio.Event(), asyncio.Event()
    good = [asyncio.create_task(visitor(url, n, tally, stop_good)) for n in range(visitors)]
    good.append(asyncio.create_task(robot(url, tally, stop_good)))
    await asyncio.sleep(0.1 * seconds)
    tally.phase, figures = "baseline", {"rss_start_mb": rss_mb(pid), "fds_start": len(os.listdir(f"/proc/{pid}/fd"))}
    await asyncio.sleep(0.3 * seconds)
    tally.phase = "abuse"
    bad = [asyncio.create_task(abuser(kind, url, tally, stop_bad))
           for kind in ("vanish", "slow reader", "malformed", "flood", "storm", "storm")]
    await asyncio.sleep(0.3 * seconds)
    await asyncio.to_thread(lock_store, db, min(15.0, 0.05 * seconds))  # past the busy timeout (5 s)
    tally.abuse["store outage"] += 1
    await asyncio.sleep(0.25 * seconds)
    stop_bad.set()
    await asyncio.gather(*bad)
    stop_good.set()
    await asyncio.wait_for(asyncio.gather(*good), 120)
    figures.update(rss_end_mb=rss_mb(pid), fds_end=len(os.listdir(f"/proc/{pid}/fd")))
    return tally, figures


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) >= 2 else float("nan")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.soak")
    p.add_argument("--seconds", type=float, default=300, help="length of the run before SIGTERM")
    p.add_argument("--visitors", type=int, default=6, help="well-behaved visitors asking all along")
    p.add_argument("--model", default="default")
    p.add_argument("--keep", type=Path, help="keep the store here instead of a temporary folder")
    args = p.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="guide-soak-"))
    folder.mkdir(parents=True, exist_ok=True)
    db, port = folder / "soak.sqlite3", free_port()
    url = f"ws://127.0.0.1:{port}"
    proc = start_server(port, db, args.model)
    try:
        tally, figures = asyncio.run(soak(url, proc.pid, db, args.seconds, args.visitors))
        proc.terminate()  # SIGTERM: drain, then a restart on the same store
        figures["sigterm_exit"] = proc.wait(60)
        proc = start_server(port, db, args.model)
        found = {row[0] for row in sqlite3.connect(db).execute("SELECT feedback_id FROM ratings")}
    finally:
        proc.terminate()
        proc.wait(60)
    lost = len(tally.acked - found)
    rows = [("answers asked / completed by well-behaved visitors", f"{tally.asked} / {tally.completed}"),
            ("well-behaved visitors refused (by code)", dict(tally.refused) or 0),
            ("well-behaved connections ended by the server", tally.dropped),
            ("acknowledged ratings / found after SIGTERM and restart", f"{len(tally.acked)} / {len(tally.acked & found)}"),
            ("server RSS at start / end (MB)", f"{figures['rss_start_mb']:.0f} / {figures['rss_end_mb']:.0f} "
             f"({100 * (figures['rss_end_mb'] / figures['rss_start_mb'] - 1):+.1f}%)"),
            ("open file descriptors at start / end", f"{figures['fds_start']} / {figures['fds_end']}"),
            ("TTFT p50 / p95 without abuse (s)", "{:.3f} / {:.3f}".format(
                statistics.median(tally.ttft["baseline"]), percentile(tally.ttft["baseline"], 95))),
            ("TTFT p50 / p95 under abuse (s)", "{:.3f} / {:.3f}".format(
                statistics.median(tally.ttft["abuse"]), percentile(tally.ttft["abuse"], 95))),
            ("p95 under abuse / without", "{:.2f}".format(
                percentile(tally.ttft["abuse"], 95) / percentile(tally.ttft["baseline"], 95))),
            ("SIGTERM exit status", figures["sigterm_exit"]),
            ("abuse done (and what it met)", dict(tally.abuse))]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    return 1 if lost or tally.dropped or sum(tally.refused.values()) else 0


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    raise SystemExit(main())
