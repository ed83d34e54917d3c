"""The server as a real process: SIGTERM drains cleanly, within its deadline, keeping every rating."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest
from websockets.exceptions import ConnectionClosed

from guide.protocol import CRITERIA
from tests.conftest import free_port
from tests.guide.harness import Client

SCORES = dict.fromkeys(CRITERIA, 3)


def start(tiny_llama, tmp_path, max_tokens: int):
    port = free_port()
    config = tmp_path / "server.yaml"
    # long answers to interrupt: the tiny random model's text is streamed unchecked
    config.write_text(f"max_answer_tokens: {max_tokens}\nmessages_per_second: 500\nburst: 500\n"
                      "answers: {checks: none}\n")
    proc = subprocess.Popen([sys.executable, "-m", "guide", "serve", "--config", str(config),
                             "--port", str(port), "--model", str(tiny_llama),
                             "--db", str(tmp_path / "g.sqlite3")],
                            env=dict(os.environ, LOG_LEVEL="WARNING"))
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1).status == 200:
                return proc, f"ws://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise TimeoutError("server did not become ready")


def test_sigterm_finishes_inflight_answers_and_keeps_ratings(tiny_llama, tmp_path):
    proc, url = start(tiny_llama, tmp_path, 1000)
    try:
        c = Client(url, tour="t-term")
        c.send({"type": "ask", "request_id": "short", "text": "Hi"})
        c.expect("answer.start", request_id="short")
        c.send({"type": "cancel", "request_id": "short"})
        answer = c.expect("answer.done", request_id="short")
        c.send({"type": "feedback", "feedback_id": "kept", "answer_id": answer["answer_id"], "scores": SCORES})
        c.expect("feedback.ack")
        c.send({"type": "ask", "request_id": "inflight", "text": "Tell me everything."})
        c.expect("answer.delta", request_id="inflight")
        proc.send_signal(signal.SIGTERM)
        done = c.expect("answer.done", request_id="inflight", timeout=15)
        assert done["finish"] == "cancelled"
        with pytest.raises(ConnectionClosed) as closed:
            c.expect("pong", timeout=15)
        assert closed.value.rcvd.code in (1001, 1012)
        assert proc.wait(20) == 0
    finally:
        proc.kill()
    db = sqlite3.connect(tmp_path / "g.sqlite3")
    assert db.execute("SELECT count(*) FROM ratings WHERE feedback_id='kept'").fetchone()[0] == 1


def test_shutdown_closes_every_connection_at_once_even_when_peers_are_gone(tiny_llama, tmp_path):
    import socket

    proc, url = start(tiny_llama, tmp_path, 8)
    port = int(url.rsplit(":", 1)[1])
    gone = []
    try:
        for _ in range(4):  # peers that finished the handshake and then vanished without a word
            raw = socket.create_connection(("127.0.0.1", port))
            raw.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            assert b"101" in raw.recv(1024).split(b"\r\n")[0]
            gone.append(raw)
        started = time.time()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        # each silent peer would hold a one-by-one close for its close timeout (10 s): 40 s in all
        assert time.time() - started < 10 + 5
    finally:
        proc.kill()
        for raw in gone:
            raw.close()
