"""The bridge's connection to the guide server, as a robot client of the wire protocol.

It runs its own asyncio loop on a thread. The ROS side hands it messages only through
`loop.call_soon_threadsafe`. The guide needs the robot's state, not its history: the outbox
holds at most the newest exhibit report and the newest pose, so after an outage only the latest
state is sent, and after every (re)connection the current exhibit is sent again first, so a
restarted guide knows at once where the robot is. Reconnection backs off exponentially.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import deque
from typing import Callable

from common.wire import PROTOCOL_VERSION

log = logging.getLogger(__name__)


def hello(token: str, tour: str) -> dict:
    return {"type": "hello", "protocol": PROTOCOL_VERSION, "client": "robot",
            "token": token or None, "tour": tour}


def report(exhibit: str | None, source: str) -> dict:
    return {"type": "exhibit.in_view", "exhibit": exhibit,
            "source": "detection" if source == "detection" else "pose"}


def pose(x: float, y: float, theta: float, frame: str) -> dict:
    return {"type": "robot.pose", "x": x, "y": y, "theta": theta, "frame": frame}


class GuideLink:
    def __init__(self, url: str, token: str, tour: str, on_answer: Callable[[str], None],
                 backoff: tuple[float, float] = (0.5, 10.0)):
        self.url, self.token, self.tour, self.on_answer = url, token, tour, on_answer
        self.outbox: deque[dict] = deque()  # the newest exhibit report and pose not yet sent
        self.backoff = backoff
        self.current: dict | None = None  # the last exhibit report, re-sent on every connection
        self.connected = threading.Event()
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self._wake = asyncio.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="guide-link", daemon=True)

    # ---- called from ROS threads ----
    def start(self) -> None:
        self._thread.start()

    def send_exhibit(self, exhibit: str | None, source: str) -> None:
        self.loop.call_soon_threadsafe(self._queue, report(exhibit, source), True)

    def send_pose(self, x: float, y: float, theta: float, frame: str) -> None:
        self.loop.call_soon_threadsafe(self._queue, pose(x, y, theta, frame), False)

    def stop(self, timeout: float = 3.0) -> None:
        self._stopping = True
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self._wake.set)
            self._thread.join(timeout)

    # ---- the link's own loop ----
    def _queue(self, message: dict, is_exhibit: bool) -> None:
        if is_exhibit:
            self.current = message
        for older in [m for m in self.outbox if m["type"] == message["type"]]:
            self.outbox.remove(older)  # not sent yet, and already out of date
        self.outbox.append(message)
        self._wake.set()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._main())

    async def _main(self) -> None:
        delay = self.backoff[0]
        while not self._stopping:
            try:
                await self._session()
                delay = self.backoff[0]
            except (OSError, asyncio.TimeoutError, ConnectionError) as exc:
                log.warning("guide at %s unreachable (%s); retrying in %.1f s", self.url, exc, delay)
            except Exception as exc:  # a closed or refused connection: retry, never die
                log.warning("guide connection ended (%s); retrying in %.1f s", exc, delay)
            self.connected.clear()
            if self._stopping:
                break
            await asyncio.sleep(delay)
            delay = min(self.backoff[1], delay * 2)

    async def _session(self) -> None:
        from websockets.asyncio.client import connect

        async with connect(self.url, open_timeout=5, ping_interval=10) as ws:
            await ws.send(json.dumps(hello(self.token, self.tour)))
            welcome = json.loads(await asyncio.wait_for(ws.recv(), 5))
            if welcome.get("type") != "welcome":
                raise ConnectionError(f"guide refused the robot: {welcome.get('message', welcome)}")
            self.connections += 1
            self.connected.set()
            log.info("connected to the guide at %s (tour %s)", self.url, self.tour)
            if self.current is not None and self.current not in self.outbox:
                self.outbox.appendleft(self.current)
            reader = asyncio.ensure_future(self._read(ws))
            try:
                await self._write(ws, reader)
            finally:
                reader.cancel()

    async def _write(self, ws, reader: asyncio.Future) -> None:
        while not self._stopping and not reader.done():
            while self.outbox:
                await ws.send(json.dumps(self.outbox[0]))
                self.outbox.popleft()  # dropped only once sent
            self._wake.clear()
            waiter = asyncio.ensure_future(self._wake.wait())
            await asyncio.wait({waiter, reader}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
        if reader.done() and reader.exception():
            raise reader.exception()

    async def _read(self, ws) -> None:
        async for raw in ws:
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            if msg.get("type") == "answer.done" and msg.get("text"):
                self.on_answer(msg["text"])
            elif msg.get("type") == "error":
                log.warning("guide error %s: %s", msg.get("code"), msg.get("message"))
