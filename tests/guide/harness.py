"""Runs a real GuideServer on a free port in a background thread, for tests."""
from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.request

from websockets.sync.client import connect

from guide.app import build_service
from guide.config import ServerSettings
from guide.server import GuideServer


class RunningServer:
    def __init__(self, settings: ServerSettings):
        self.settings = settings
        self.server = GuideServer(settings, lambda: build_service(settings))
        self.loop: asyncio.AbstractEventLoop | None = None
        self.stop_event: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        async def main():
            self.loop = asyncio.get_running_loop()
            self.stop_event = asyncio.Event()
            await self.server.run(stop=self.stop_event)
        asyncio.run(main())

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.settings.port}"

    def __enter__(self) -> "RunningServer":
        self.thread.start()
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{self.settings.port}/readyz", timeout=1).status == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise TimeoutError("server not ready")

    def metrics(self) -> str:
        return urllib.request.urlopen(f"http://127.0.0.1:{self.settings.port}/metrics", timeout=5).read().decode()

    def wait_for_queue(self, depth: int, timeout: float = 30) -> None:
        """Until `depth` answers wait for the model: asks reach the queue only after retrieval."""
        deadline = time.time() + timeout
        while f"guide_queue_depth {depth}\n" not in self.metrics():
            if time.time() > deadline:
                raise TimeoutError(f"queue never reached {depth}")
            time.sleep(0.05)

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(30)


class Client:
    """A blocking websocket client that keeps unread messages by type."""

    def __init__(self, url: str, **hello):
        self.ws = connect(url, open_timeout=10)
        self.inbox: list[dict] = []
        if hello is not None:
            self.send({"type": "hello", **hello})
            self.welcome = self.expect("welcome")

    def send(self, message) -> None:
        self.ws.send(message if isinstance(message, str) else json.dumps(message))

    def expect(self, type_: str, timeout: float = 30, **match) -> dict:
        for i, msg in enumerate(self.inbox):
            if msg["type"] == type_ and all(msg.get(k) == v for k, v in match.items()):
                return self.inbox.pop(i)
        deadline = time.time() + timeout
        while True:
            msg = json.loads(self.ws.recv(timeout=max(0.01, deadline - time.time())))
            if msg["type"] == type_ and all(msg.get(k) == v for k, v in match.items()):
                return msg
            self.inbox.append(msg)

    def ask(self, rid: str, text: str = "Who built this?") -> dict:
        self.send({"type": "ask", "request_id": rid, "text": text})
        return self.expect("answer.done", request_id=rid)

    def close(self) -> None:
        self.ws.close()
