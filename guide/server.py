"""python -m guide serve [--config FILE] [--port N] [--model REF]

The websocket edge of the guide: accepts connections, enforces limits, parses messages into
protocol models and hands them to GuideService; serves /healthz, /readyz, /metrics and the web
client on the same port; drains cleanly on SIGTERM.
"""
from __future__ import annotations

import asyncio
import json
import logging
import signal
import socket
import time
from http import HTTPStatus
from pathlib import Path

from pydantic import ValidationError
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Response

from guide import protocol as p
from guide.config import ServerSettings
from guide.service import GuideError, GuideService, Session

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
# front-end packages installed by npm at set-up (web/package.json); only these are served
VENDOR = {"three": Path(__file__).resolve().parent.parent / "web" / "node_modules" / "three"}
VENDOR_DIRS = ("build", "examples/jsm")
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
         ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml"}
ROBOT_ONLY = (p.RobotPose, p.ExhibitInViewReport)


class TokenBucket:
    def __init__(self, rate: float, burst: int):
        self.rate, self.capacity, self.tokens, self.at = rate, burst, float(burst), time.monotonic()

    def take(self, cost: float = 1.0) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= cost:
            self.tokens -= cost
            return True
        return False


def bound_send_buffer(ws: ServerConnection, size: int) -> None:
    """Caps the kernel's buffer for one client. Left alone, Linux grows it to megabytes, so a
    headset that stops reading would hold that much before its outgoing queue filled up."""
    sock = ws.transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)


def describe(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors()[0]
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return "unknown_type", f"unknown or missing message type: {err['msg']}"
    if err["type"] == "json_invalid":
        return "invalid_json", f"message is not valid JSON: {err['msg']}"
    field = ".".join(str(x) for x in err["loc"][1:]) or "(message)"
    return "invalid_message", f"field '{field}': {err['msg']}"


class GuideServer:
    def __init__(self, settings: ServerSettings, build_service):
        self.settings = settings
        self.build_service = build_service  # callable returning a GuideService (loads the model)
        self.service: GuideService | None = None
        self.connections: set[ServerConnection] = set()  # sessions
        self.accepted: set[ServerConnection] = set()  # every websocket from its handshake until it closes
        self.writers: set[asyncio.Task] = set()
        self.outboxes: dict[ServerConnection, asyncio.Queue] = {}  # what each writer still has to send
        self._catalogue_cache: bytes | None = None

    # ---- HTTP on the same port ----
    async def process_request(self, connection: ServerConnection, request):
        path = request.path.split("?")[0]
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return self._admit(connection)
        if path == "/healthz":
            return connection.respond(HTTPStatus.OK, "ok\n")
        if path == "/readyz":
            why = ("loading model" if self.service is None else
                   None if self.service.records.healthy else "store unavailable")
            return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE if why else HTTPStatus.OK,
                                      f"{why or 'ready'}\n")
        if path == "/metrics":
            body = self.service.metrics.render(self.service.scheduler.depth, self.service.records) if self.service else ""
            return self._response(200, body.encode(), "text/plain; version=0.0.4")
        if path == "/catalogue.json":
            return self._response(200, self._catalogue_json(), "application/json")
        if path.startswith("/vendor/"):
            return await self._vendor(path.removeprefix("/vendor/"))
        return await self._file(STATIC, path.lstrip("/") or "index.html")

    def _admit(self, connection: ServerConnection):
        """None to go on with the handshake, or the refusal: counted from the handshake on, so
        connections still shaking hands take their place too."""
        address = connection.remote_address[0] if connection.remote_address else None
        if len(self.accepted) >= self.settings.max_connections:
            return connection.respond(HTTPStatus.SERVICE_UNAVAILABLE, "too many connections\n")
        same = sum(1 for c in self.accepted if c.remote_address and c.remote_address[0] == address)
        if same >= self.settings.max_per_address:
            return connection.respond(HTTPStatus.TOO_MANY_REQUESTS, "too many connections from this address\n")
        self.accepted.add(connection)
        asyncio.ensure_future(connection.wait_closed()).add_done_callback(
            lambda _: self.accepted.discard(connection))
        return None

    async def _file(self, root: Path, relative: str):
        target = (root / relative).resolve()
        if not target.is_relative_to(root.resolve()) or not target.is_file():
            return self._response(404, b"not found\n", "text/plain")
        body = await asyncio.to_thread(target.read_bytes)  # off the event loop, where answers stream
        return self._response(200, body, TYPES.get(target.suffix, "application/octet-stream"))

    async def _vendor(self, path: str):
        package, _, rest = path.partition("/")
        if package not in VENDOR or not rest.startswith(VENDOR_DIRS) or not rest.endswith(".js"):
            return self._response(404, b"not found\n", "text/plain")
        return await self._file(VENDOR[package], rest)

    def _catalogue_json(self) -> bytes:
        """What the web client draws: every exhibit's names, summary and place on the map."""
        if self._catalogue_cache is None:
            from knowledge.catalogue import default_catalogue

            catalogue = self.service.catalogue if self.service else default_catalogue()
            self._catalogue_cache = json.dumps({"version": catalogue.version, "exhibits": [
                {"id": e.id, "name": e.names.en, "names": e.names.model_dump(exclude_none=True),
                 "summary": e.summary, "period": e.period.dates, "x": e.place.x, "y": e.place.y,
                 "radius": e.place.radius} for e in catalogue]}).encode()
        return self._catalogue_cache

    @staticmethod
    def _response(status: int, body: bytes, content_type: str) -> Response:
        headers = Headers([("Content-Type", content_type), ("Content-Length", str(len(body))),
                           ("Cache-Control", "no-store")])
        return Response(status, HTTPStatus(status).phrase, headers, body)

    # ---- websocket sessions ----
    async def handler(self, ws: ServerConnection) -> None:
        if self.service is None:
            await ws.send(p.Error(code="not_ready", message="the guide is still loading its model",
                                  fatal=True).model_dump_json())
            await ws.close(1013, "not ready")
            return
        service = self.service
        outbox: asyncio.Queue[str | None] = asyncio.Queue(self.settings.send_queue)
        bound_send_buffer(ws, self.settings.send_buffer)

        def send(message: p.Msg) -> None:
            if ws.transport.is_closing():  # dropped, or gone: nobody will read it
                return
            try:
                outbox.put_nowait(message.model_dump_json())
            except asyncio.QueueFull:  # a stalled client is dropped, never waited for
                log.warning("closing stalled client %s", session.id)
                # no close handshake: a client that reads nothing would hold it for close_timeout,
                # and its answers would go on being generated until then
                ws.transport.abort()

        session = service.open(send)
        self.connections.add(ws)
        service.metrics.connections += 1
        writer = asyncio.create_task(self._write(ws, outbox))
        self.writers.add(writer)
        self.outboxes[ws] = outbox
        bucket = TokenBucket(self.settings.messages_per_second, self.settings.burst)
        try:
            while (raw := await self._next(ws, service, session)) is not None:
                if not bucket.take():
                    service.metrics.errors["rate_limited"] += 1
                    send(p.Error(code="rate_limited", message="too many messages; slow down", fatal=False))
                    continue
                if not await self._dispatch(service, session, raw, ws, bucket):
                    break
        except ConnectionClosed:
            pass
        finally:
            service.close(session)
            service.metrics.connections -= 1
            self.connections.discard(ws)
            self.outboxes.pop(ws, None)
            if not outbox.full():
                outbox.put_nowait(None)  # tells the writer to stop after what is queued
            await asyncio.wait({writer}, timeout=2)
            writer.cancel()
            self.writers.discard(writer)

    async def _next(self, ws: ServerConnection, service: GuideService, session: Session):
        """The next message, or None once the session has been ended for silence: no hello
        within hello_seconds, or nothing but pings for idle_seconds."""
        limit = self.settings.hello_seconds if session.hello is None else self.settings.idle_seconds
        try:
            return await asyncio.wait_for(ws.recv(), session.active_at + limit - time.monotonic())
        except TimeoutError:
            code, why = (("hello_required", "no hello was sent in time") if session.hello is None
                         else ("idle", "the session has been idle too long; reconnect to go on"))
            service.metrics.errors[code] += 1
            await self._end(ws, session, code, why)
            return None

    @staticmethod
    async def _write(ws: ServerConnection, outbox: asyncio.Queue) -> None:
        try:
            while (item := await outbox.get()) is not None:
                await ws.send(item)
                outbox.task_done()
            outbox.task_done()  # the stop mark
        except ConnectionClosed:
            pass

    async def _delivered(self, ws: ServerConnection, timeout: float) -> None:
        """Until the writer has sent everything queued for this connection (or `timeout`)."""
        outbox = self.outboxes.get(ws)
        if outbox is not None:
            try:
                await asyncio.wait_for(outbox.join(), max(0.01, timeout))
            except TimeoutError:
                pass

    async def _dispatch(self, service: GuideService, session: Session, raw, ws, bucket: TokenBucket) -> bool:
        """Handle one message; False when the session must end."""
        try:
            msg = p.parse_client(raw)
        except ValidationError as exc:
            code, message = describe(exc)
            service.metrics.errors[code] += 1
            session.send(p.Error(code=code, message=message, fatal=False))
            return True
        if msg.type == "ask" and not bucket.take(self.settings.ask_cost - 1):  # one is paid already
            service.metrics.errors["rate_limited"] += 1
            session.send(p.Error(code="rate_limited", message="too many questions; wait a moment",
                                 fatal=False, request_id=msg.request_id))
            return True
        service.metrics.messages[msg.type] += 1
        if msg.type != "ping":
            session.active_at = time.monotonic()
        try:
            await self._handle(service, session, msg)
        except GuideError as exc:
            service.metrics.errors[exc.code] += 1
            if exc.fatal:
                await self._end(ws, session, exc.code, exc.message)
                return False
            session.send(p.Error(code=exc.code, message=exc.message, fatal=False, request_id=exc.request_id))
        return True

    async def _end(self, ws, session: Session, code: str, message: str) -> None:
        """A fatal error, then the close (1008) once the writer has delivered it (or a second)."""
        session.send(p.Error(code=code, message=message, fatal=True))
        await self._delivered(ws, 1.0)
        await ws.close(1008, code)

    async def _handle(self, service: GuideService, session: Session, msg) -> None:
        if isinstance(msg, p.Ping):
            session.send(p.Pong(nonce=msg.nonce))
        elif isinstance(msg, p.Hello):
            session.send(service.welcome(session, msg))
        elif session.hello is None:
            raise GuideError("hello_required", f"send hello before {msg.type}")
        elif isinstance(msg, ROBOT_ONLY) and session.hello.client != "robot":
            raise GuideError("forbidden", f"{msg.type} is accepted from robot clients only")
        elif isinstance(msg, p.RobotPose):
            service.broadcast(session.tour, p.RobotPoseOut(**msg.model_dump(exclude={"type"})))
        elif isinstance(msg, p.ExhibitInViewReport):
            service.set_exhibit(session, msg.exhibit, msg.source)
        elif isinstance(msg, p.ExhibitView):
            service.set_exhibit(session, msg.exhibit, "gaze")
        elif isinstance(msg, p.Ask):
            service.ask(session, msg)
        elif isinstance(msg, p.Cancel):
            service.cancel(session, msg)
        elif isinstance(msg, p.Feedback):
            session.send(await service.feedback(session, msg))

    # ---- lifecycle ----
    async def run(self, ready: asyncio.Event | None = None, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                pass
        s = self.settings
        origins = [None, *s.origins] if s.origins else None
        async with serve(self.handler, s.host, s.port, process_request=self.process_request,
                         max_size=s.max_message_bytes, origins=origins, ping_interval=20) as server:
            self.port = server.sockets[0].getsockname()[1]
            log.info("listening on ws://%s:%d (model loading)", s.host, self.port)
            if ready:
                ready.set()
            loader = asyncio.create_task(asyncio.to_thread(self.build_service))
            await asyncio.wait({loader, asyncio.create_task(stop.wait())},
                               return_when=asyncio.FIRST_COMPLETED)
            if loader.done():
                self.service = loader.result()
                log.info("ready: model %s, catalogue %s", self.service.engine.model_label,
                         self.service.catalogue.version)
            await stop.wait()
            await self.drain(server)

    async def drain(self, server) -> None:
        """Stop accepting, end in-flight answers with answer.done, close every connection at
        once (1001), all within shutdown_seconds; the store is closed last, once nothing can
        write to it."""
        log.info("shutting down")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.shutdown_seconds
        server.close(close_connections=False)
        tasks = set(self.service.tasks) if self.service else set()
        if self.service:
            for session in list(self.service.sessions.values()):
                for request in session.inflight.values():
                    request.cancel.set()
            if tasks:
                await asyncio.wait(tasks, timeout=max(0.0, deadline - loop.time()))
            # the writers deliver the final answer.done messages before the connections close
            if self.connections:
                await asyncio.wait([asyncio.create_task(self._delivered(ws, deadline - loop.time()))
                                    for ws in list(self.connections)])
        closing = [asyncio.create_task(ws.close(1001, "server shutting down")) for ws in list(self.connections)]
        if closing:  # a peer that is gone cannot hold up the others, nor the deadline
            await asyncio.wait(closing, timeout=max(0.1, deadline - loop.time()))
        for ws in list(self.connections):
            ws.transport.abort()
        for task in closing + list(tasks):
            task.cancel()
        await asyncio.gather(*closing, *tasks, return_exceptions=True)
        if self.service:
            await asyncio.to_thread(self.service.scheduler.stop)
            self.service.store.close()