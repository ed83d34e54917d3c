"""python -m tools.client [--url ws://127.0.0.1:8765] [--exhibit ID] [--rate N] "question" ...

The reference client: connects, says hello, sets the exhibit in view, asks each question and
streams the answer to stdout, and optionally rates it. VR developers can read it as a worked
example of the protocol.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid

from websockets.asyncio.client import connect

from guide.protocol import CRITERIA


async def wait_ready(url: str, timeout: float) -> None:
    """Wait until the server's /readyz answers 200 (the model is loaded)."""
    import urllib.request

    http = url.replace("ws://", "http://").rstrip("/") + "/readyz"
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            status = await asyncio.to_thread(lambda: urllib.request.urlopen(http, timeout=2).status)
            if status == 200:
                return
        except OSError:
            pass
        if loop.time() > deadline:
            raise TimeoutError(f"{http} not ready after {timeout:.0f} s")
        await asyncio.sleep(0.5)


async def follow(ws, seconds: float, out=sys.stdout) -> list[str]:
    """Print the exhibits the tour moves to (the robot or a visitor's gaze) for a while."""
    seen, deadline = [], time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            msg = json.loads(await asyncio.wait_for(ws.recv(), left))
        except asyncio.TimeoutError:
            break
        if msg["type"] == "exhibit.in_view":
            seen.append(msg["exhibit"])
            where = f"{msg['name']}: {msg['summary']}" if msg["exhibit"] else "no exhibit"
            print(f"[in view ({msg['source']}): {where}]", file=out, flush=True)
        elif msg["type"] == "answer.done" and msg.get("kind") == "introduction":
            print(f"[the guide, arriving: {msg['text']}]", file=out, flush=True)
    return seen


async def ask(ws, question: str, out=sys.stdout, retry_seconds: float = 1.0) -> dict | None:
    """Asks one question and streams its answer; its answer.done, or None where the server
    refused it. A question refused as too many at once is asked again after `retry_seconds`."""
    while True:
        rid = uuid.uuid4().hex[:8]
        await ws.send(json.dumps({"type": "ask", "request_id": rid, "text": question}))
        while True:
            msg = json.loads(await ws.recv())
            if msg["type"] == "answer.delta" and msg["request_id"] == rid:
                print(msg["text"], end="", flush=True, file=out)
            elif msg["type"] == "error" and msg.get("request_id") in (rid, None):
                # ours, or about a message of ours (only this question is in flight): the server
                # will send nothing more for it
                print(f"\n[error {msg['code']}: {msg['message']}]", file=out)
                break
            elif msg["type"] == "answer.done" and msg["request_id"] == rid:
                sources = sorted({s["exhibit"] for s in msg["sources"]})
                print(f"\n[{msg['finish']}; {msg['generated_tokens']} tokens; first words after "
                      f"{msg['ttft_ms'] or 0:.0f} ms; sources: {', '.join(sources)}]", file=out)
                if msg.get("suggestions"):
                    print(f"[you could ask: {' | '.join(msg['suggestions'])}]", file=out)
                return msg
        if msg["fatal"]:
            raise RuntimeError(f"the server ended the session: {msg['message']}")
        if msg["code"] != "rate_limited":
            return None
        await asyncio.sleep(retry_seconds)


async def rate_answer(ws, answer_id: str, rate: int, out=sys.stdout, retry_seconds: float = 1.0) -> dict | None:
    """Rates an answer `rate` on every criterion; the server's feedback.ack (the rating is on
    disk), or None where it refused the rating. Refused as too many at once, it is sent again."""
    message = json.dumps({"type": "feedback", "feedback_id": uuid.uuid4().hex[:12], "answer_id": answer_id,
                          "scores": dict.fromkeys(CRITERIA, rate)})
    while True:
        await ws.send(message)
        while (reply := json.loads(await ws.recv()))["type"] not in ("feedback.ack", "error"):
            pass
        if reply["type"] == "feedback.ack":
            print(f"[rating stored: {reply['feedback_id']}]", file=out)
            return reply
        if reply["fatal"]:
            raise RuntimeError(f"the server ended the session: {reply['message']}")
        if reply["code"] != "rate_limited":
            print(f"[rating not stored: {reply['code']}: {reply['message']}]", file=out)
            return None
        print(f"[rating refused as too many at once; sending it again in {retry_seconds:g} s]", file=out)
        await asyncio.sleep(retry_seconds)


async def converse(url: str, questions: list[str], exhibit: str | None, tour: str,
                   rate: int | None, token: str | None, out=sys.stdout,
                   follow_seconds: float = 0) -> list[dict]:
    done = []
    async with connect(url) as ws:
        await ws.send(json.dumps({"type": "hello", "client": "web", "tour": tour, "token": token}))
        welcome = json.loads(await ws.recv())
        if welcome["type"] != "welcome":
            raise RuntimeError(f"server refused the session: {welcome}")
        print(f"[connected: model {welcome['model']}, catalogue {welcome['catalogue_version']}]", file=out)
        if exhibit:
            await ws.send(json.dumps({"type": "exhibit.view", "exhibit": exhibit}))
        for question in questions:
            print(f"> {question}", file=out)
            answer = await ask(ws, question, out)
            if answer is None:
                continue
            done.append(answer)
            if rate:
                await rate_answer(ws, answer["answer_id"], rate, out)
        if follow_seconds:
            await follow(ws, follow_seconds, out)
    return done


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tools.client")
    p.add_argument("questions", nargs="*")
    p.add_argument("--url", default="ws://127.0.0.1:8765")
    p.add_argument("--exhibit", help="exhibit id to look at, e.g. kyrenia-ship")
    p.add_argument("--tour", default="default")
    p.add_argument("--token")
    p.add_argument("--rate", type=int, choices=range(1, 6), help="rate every answer 1-5 on all criteria")
    p.add_argument("--wait", type=float, default=120, help="seconds to wait for the server to be ready")
    p.add_argument("--follow", type=float, default=0, metavar="SECONDS",
                   help="afterwards, print the exhibits the tour moves to for this long")
    args = p.parse_args(argv)
    try:
        asyncio.run(wait_ready(args.url, args.wait))
        asyncio.run(converse(args.url, args.questions, args.exhibit, args.tour, args.rate, args.token,
                             follow_seconds=args.follow))
    except (OSError, TimeoutError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
