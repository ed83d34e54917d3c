"""python -m tools.rate_session [--url ws://127.0.0.1:8765 | --serve] [--db var/ratings.sqlite3] [--model default]
                               [--answers 300] [--visitors 4] [--seed 0] [--role visitor] [--expert-token T]

Rates a guide's answers where no human rater is at hand: `--visitors` websocket visitors at once
ask the project's training questions (never one of an evaluation set) until `--answers` answers
are rated, each by the automatic five-criteria scorer of `training.evaluate`, sent as a rating
with the comment "automatic scorer (no human rater)" so that it is never taken for a person's.
With --serve it runs a guide server process of its own on a free port, with the SQLite store
--db and the model --model, and stops it at the end; otherwise it rates the server at --url.
Prints one table; exits 0 when every answer got an acknowledged rating, 1 otherwise.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import re
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from tqdm import tqdm
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from knowledge.catalogue import Catalogue, default_catalogue
from knowledge.dataset import (
    LANGUAGE_QUESTIONS_FILE,
    TRAINING_QUESTIONS_FILE,
    document_frequency,
    key_terms,
    load_questions,
    load_rows,
    phrase_pairs,
)
from knowledge.evaluated import evaluation_questions
from knowledge.replies import load_replies, record
from knowledge.retrieval import Retriever
from store.criteria import CRITERIA
from tools.client import wait_ready
from tools.soak import free_port, start_server
from training import scoring, speech
from training.evaluate import sources_of

log = logging.getLogger(__name__)
COMMENT = "automatic scorer (no human rater)"
HEADLINE = "Ratings by the automatic five-criteria scorer, standing in for human raters."
ASKED_KINDS = ("what_is", "fact", "two_facts", "asked")  # training pairs whose question one fact answers
RETRY = {"rate_limited", "busy", "store_unavailable"}  # refusals that pass: the message is sent again
PAUSE_S, TRIES, REPLY_S = 0.5, 120, 300.0


@dataclass(frozen=True)
class Item:
    """One question to ask: the exhibit in view, the question, its language and the fact that answers it."""
    exhibit: str
    question: str
    language: str
    fact: str
    key_terms: tuple[str, ...]  # what an answer must say to carry the fact (`knowledge.dataset.key_terms`)


def _key(text: str) -> str:
    """A question as compared: case, spacing and punctuation ignored, in every alphabet
    (`knowledge.dataset.normalise` keeps only a-z, so that every Greek question is alike to it)."""
    return re.sub(r"[\W_]+", "", text.casefold())


def evaluation_keys() -> set[str]:
    """Every question any evaluation may ask, compared as `_key` does."""
    return {_key(t) for t in evaluation_questions()}


def training_items(catalogue: Catalogue | None = None) -> list[Item]:
    """The training questions whose answer is one fact: those of the training set
    (`knowledge.dataset.phrase_pairs`, as `build` makes it) and the tuning half of the Greek,
    Turkish and Russian questions; any that an evaluation set also asks is left out."""
    catalogue = catalogue or default_catalogue()
    df, measured = document_frequency(catalogue), evaluation_keys()
    written: dict[tuple[str, int], list[str]] = {}
    for q in load_questions(TRAINING_QUESTIONS_FILE, catalogue):
        written.setdefault((q.exhibit, q.fact), []).append(q.question)
    found = []
    for exhibit_id, replies in load_replies(catalogue).items():
        exhibit = catalogue.get(exhibit_id)
        found += [(exhibit, question, "en", facts[0]) for kind, question, facts, _, _
                  in phrase_pairs(exhibit, replies, written) if kind in ASKED_KINDS]
    for row in load_rows(LANGUAGE_QUESTIONS_FILE, "tune"):
        exhibit = catalogue.get(row["exhibit"])
        found.append((exhibit, row["q"], row["lang"], exhibit.text(row["lang"])[1][row["fact"]]))
    return [Item(e.id, q, lang, fact, tuple(key_terms(fact, q, e, df))) for e, q, lang, fact in found
            if _key(q) not in measured]


def pick(items: Sequence[Item], answers: int, seed: int) -> list[Item]:
    """`answers` items in an order shuffled by `seed`, going round again when there are fewer."""
    order = list(items)
    random.Random(seed).shuffle(order)
    return [order[i % len(order)] for i in range(answers)]


def unit_scores(answer: str, item: Item, facts: Sequence[str], retriever: Retriever) -> dict[str, float]:
    """The evaluation's automatic scores of one answer, each 0 to 1 (`training.evaluate.score_rows`
    on one row, with safety from the unsafe-content check). A question in Greek, Turkish or
    Russian is read through the catalogue's parallel text, as retrieval reads it, since the
    encoder reads English alone; its answer is not held to English letters."""
    row = {"exhibit": item.exhibit, "facts": list(facts), "fact": item.fact, "question": item.question}
    question, said = (retriever.question_vector(t, item.language) for t in (item.question, answer or "."))
    # another language's vector is the mean of two: its similarity is a cosine only once scaled
    similarity = float(question @ said / (np.linalg.norm(question) * np.linalg.norm(said)))
    ranked = retriever.rank_exhibits(answer, vector=said) if answer else []
    return {"factual_accuracy": scoring.factual(answer, item.key_terms, sources_of(row, retriever)),
            "context_relevance": float(bool(ranked) and ranked[0] == item.exhibit),
            "safety": 0.0 if scoring.unsafe_reasons(answer) else 1.0,
            "alignment": aligned(answer, item, facts, retriever, similarity),
            "formatting": scoring.formatting(answer, ascii_language=item.language == "en")}


def aligned(answer: str, item: Item, facts: Sequence[str], retriever: Retriever, similarity: float) -> float:
    """The evaluation's alignment proxy (`training.speech.aligned`) for an English question; for
    Greek, Turkish and Russian, whose demand is not read word by word, the loose one."""
    if item.language != "en":
        return scoring.helpful(answer, similarity)
    allowed = [*facts, record(retriever.catalogue.get(item.exhibit)), item.question]
    return speech.aligned(answer, item.question, item.fact, item.key_terms, allowed, similarity)


def auto_scores(answer: str, item: Item, facts: Sequence[str], retriever: Retriever) -> dict[str, int]:
    """The rating the scorer gives an answer: each criterion's 0..1 score on the protocol's 1..5."""
    scores = unit_scores(answer, item, facts, retriever)
    return {c: 1 + round(4 * scores[c]) for c in CRITERIA}


@dataclass
class Run:
    asked: int = 0
    answered: int = 0
    rated: int = 0
    acked: int = 0
    refused: Counter = field(default_factory=Counter)  # error codes met, retried ones included
    scores: dict = field(default_factory=lambda: {c: [] for c in CRITERIA})
    model: str = "?"


async def _reply(ws, sent: dict, wanted: Callable[[dict, dict], bool]) -> dict:
    """The first message `wanted` accepts, or the first error about `sent`: one that names its
    request, or none (a client with one message in flight can tell whose it is)."""
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), REPLY_S))
        ours = reply["type"] == "error" and reply.get("request_id") in (None, sent.get("request_id"))
        if ours or wanted(reply, sent):
            return reply


async def exchange(ws, message: dict, wanted: Callable[[dict, dict], bool], run: Run) -> dict:
    """Sends `message` until a reply `wanted` accepts comes, and returns it. Refused as too many at
    once, the guide too busy or its store unavailable, it is sent again after a pause, an ask
    under a new request id (a refused ask may still end with an answer.done of its own); any
    other error is returned as it is."""
    for _ in range(TRIES):
        sent = {**message, "request_id": uuid.uuid4().hex[:12]} if "request_id" in message else message
        await ws.send(json.dumps(sent))
        reply = await _reply(ws, sent, wanted)
        if reply["type"] != "error":
            return reply
        run.refused[reply["code"]] += 1
        if reply["fatal"] or reply["code"] not in RETRY:
            return reply
        await asyncio.sleep(PAUSE_S)
    return reply


async def rate(ws, item: Item, run: Run, retriever: Retriever, role: str) -> None:
    """Asks one question and rates its answer."""
    run.asked += 1
    ask = {"type": "ask", "request_id": "", "text": item.question}
    done = await exchange(ws, ask, lambda m, sent: m["type"] == "answer.done"
                          and m["request_id"] == sent["request_id"], run)
    if done["type"] != "answer.done" or done["finish"] not in ("stop", "length"):
        return
    run.answered += 1
    scores = await asyncio.to_thread(auto_scores, done["text"], item, [s["fact"] for s in done["sources"]], retriever)
    for criterion, score in scores.items():
        run.scores[criterion].append(score)
    run.rated += 1
    feedback = {"type": "feedback", "feedback_id": uuid.uuid4().hex[:16], "answer_id": done["answer_id"],
                "scores": scores, "comment": COMMENT, "role": role}
    ack = await exchange(ws, feedback, lambda m, sent: m["type"] == "feedback.ack"
                         and m["feedback_id"] == sent["feedback_id"], run)
    run.acked += ack["type"] == "feedback.ack"


async def visitor(url: str, n: int, queue: asyncio.Queue, run: Run, retriever: Retriever,
                  args: argparse.Namespace, bar: tqdm) -> None:
    """One visitor on a tour of its own: says hello in each question's language, looks at each
    question's exhibit, asks and rates, until the shared queue is empty."""
    language = view = None
    try:
        async with connect(url, open_timeout=30) as ws:
            while not queue.empty():
                item = queue.get_nowait()
                if item.language != language:
                    hello = {"type": "hello", "client": "web", "tour": f"rating-{n}", "language": item.language,
                             "token": args.token, "expert_token": args.expert_token, "introductions": False}
                    welcome = await exchange(ws, hello, lambda m, _: m["type"] == "welcome", run)
                    if welcome["type"] != "welcome":
                        raise ConnectionError(f"refused: {welcome['code']}")
                    language, run.model = item.language, welcome["model"]
                if item.exhibit != view:
                    look = {"type": "exhibit.view", "exhibit": item.exhibit}
                    seen = await exchange(ws, look, lambda m, sent: m["type"] == "exhibit.in_view"
                                          and m["exhibit"] == sent["exhibit"], run)
                    view = item.exhibit if seen["type"] == "exhibit.in_view" else None
                if view == item.exhibit:
                    await rate(ws, item, run, retriever, args.role)
                bar.update()
    except (ConnectionClosed, OSError, InvalidStatus) as exc:  # refused, timed out or gone
        log.warning("visitor %d stopped: %s", n, exc)
        run.refused[f"visitor stopped ({type(exc).__name__})"] += 1


async def session(url: str, items: list[Item], retriever: Retriever, args: argparse.Namespace) -> Run:
    queue: asyncio.Queue[Item] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)
    run = Run()
    with tqdm(total=len(items), desc="rating", unit="answer", file=sys.stderr) as bar:
        await asyncio.gather(*(visitor(url, n, queue, run, retriever, args, bar) for n in range(args.visitors)))
    return run


def table(run: Run, seconds: float) -> list[tuple[str, str]]:
    means = {c: sum(v) / len(v) if v else float("nan") for c, v in run.scores.items()}
    return [("model", run.model),
            ("answers asked / answered / rated / acknowledged",
             f"{run.asked} / {run.answered} / {run.rated} / {run.acked}"),
            ("refused (by error code)", ", ".join(f"{k}: {v}" for k, v in sorted(run.refused.items())) or "none"),
            *((f"mean {c} (1-5)", f"{means[c]:.2f}") for c in CRITERIA),
            ("seconds", f"{seconds:.1f}")]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tools.rate_session",
                                description="Rate a guide's answers with the automatic five-criteria scorer.")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--url", default="ws://127.0.0.1:8765", help="the guide server to rate")
    where.add_argument("--serve", action="store_true", help="start a guide server of its own, and stop it at the end")
    p.add_argument("--db", type=Path, default=Path("var/ratings.sqlite3"), help="with --serve: the server's SQLite store")
    p.add_argument("--model", default="default", help="with --serve: the model the server answers with")
    p.add_argument("--answers", type=int, default=300, help="answers to rate")
    p.add_argument("--visitors", type=int, default=4, help="visitors asking at once")
    p.add_argument("--seed", type=int, default=0, help="shuffles the questions")
    p.add_argument("--role", choices=["visitor", "expert"], default="visitor", help="whose ratings these are stored as")
    p.add_argument("--expert-token", dest="expert_token", help="the server's expert token: needed for --role expert")
    p.add_argument("--token", help="the server's visitor token, where it has one")
    p.add_argument("--wait", type=float, default=180, help="seconds to wait for the server to be ready")
    return p


def main(argv: list[str] | None = None) -> int:
    p = _parser()
    args = p.parse_args(argv)
    if args.role == "expert" and not args.expert_token:
        p.error("--role expert needs --expert-token")
    if args.answers < 1 or args.visitors < 1:
        p.error("--answers and --visitors must be at least 1")
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    items, retriever = pick(training_items(), args.answers, args.seed), Retriever()
    server, url = None, args.url
    try:
        if args.serve:
            args.db.parent.mkdir(parents=True, exist_ok=True)
            port = free_port()
            url = f"ws://127.0.0.1:{port}"
            log.info("starting a guide server on %s (model %s, store %s)", url, args.model, args.db)
            server = start_server(port, args.db, args.model)
        else:
            asyncio.run(wait_ready(url, args.wait))
        started = time.perf_counter()
        run = asyncio.run(session(url, items, retriever, args))
        seconds = time.perf_counter() - started
    except (RuntimeError, TimeoutError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if server is not None:
            server.terminate()  # SIGTERM: the server drains and closes its store
            server.wait(60)
    rows = table(run, seconds)
    width = max(len(k) for k, _ in rows)
    print(HEADLINE)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    return 0 if run.acked == args.answers else 1


if __name__ == "__main__":
    sys.exit(main())
