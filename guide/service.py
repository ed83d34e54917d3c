"""The guide's core: sessions, tours, the exhibit in view and grounded streamed answers.

It speaks in protocol models through a per-session `send` callable and never touches a socket,
so it can be driven by the websocket edge (server.py) or directly in tests.
"""
from __future__ import annotations

import asyncio
import copy
import hmac
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable

from answering.checks import FactGate
from answering.dialogue import Dialogue
from answering.pipeline import AnswerPipeline, Plan
from guide import protocol as p
from guide.config import ServerSettings
from guide.metrics import Metrics
from guide.records import Records, StoreUnavailable
from knowledge.catalogue import Catalogue
from runtime.engine import Engine, GenRequest, Piece
from runtime.scheduler import Busy, Job, Scheduler
from store.schema import FeedbackConflict, Interaction, Store, UnknownAnswer

log = logging.getLogger(__name__)
# what an introduction answers, in the visitor's language: the guide speaks as if asked it
INTRO = "intro-"  # the request ids of introductions start so
INTRODUCE = {"en": "What am I looking at?", "el": "Τι βλέπω εδώ;", "tr": "Burada ne görüyorum?",
             "ru": "Что я здесь вижу?"}


@dataclass
class Session:
    id: str
    send: Callable[[p.Msg], None]  # queues one message to this client; never blocks
    hello: p.Hello | None = None
    inflight: dict[str, GenRequest] = field(default_factory=dict)
    active_at: float = field(default_factory=time.monotonic)  # its last message other than a ping
    expert: bool = False  # showed the expert token: its ratings may have role "expert"
    exhibit: str | None = None  # what this visitor chose to look at; None: the tour's exhibit
    dialogue: Dialogue = field(default_factory=Dialogue)  # what this visitor was told, and the last turn

    @property
    def tour(self) -> str:
        return self.hello.tour if self.hello else "default"


@dataclass
class Tour:
    exhibit: str | None = None
    sessions: set[str] = field(default_factory=set)


def admitted(settings: ServerSettings, client: str, token: str | None) -> bool:
    """Whether a client of this kind with this token may join. Once any token is configured,
    every kind needs its own (robots the robot token, others the visitor token), unless the
    settings open that kind explicitly; tokens are compared in constant time."""
    s = settings
    if client in s.open_clients or (s.visitor_token is None and s.robot_token is None):
        return True
    return secret_matches(token, s.robot_token if client == "robot" else s.visitor_token)


def secret_matches(given: str | None, expected: str | None) -> bool:
    """Whether a secret was given and is the configured one, compared in constant time."""
    return given is not None and expected is not None and hmac.compare_digest(given.encode(), expected.encode())


def rejections(gate: FactGate | None) -> tuple[dict, ...]:
    """The sentences the checks kept from the visitor, as the store keeps them."""
    return tuple({"before": r.before, "sentence": r.sentence, "reason": r.reason, "fact": r.fact}
                 for r in (gate.rejected if gate is not None else ()))


class GuideError(Exception):
    def __init__(self, code: str, message: str, fatal: bool = False, request_id: str | None = None):
        super().__init__(message)
        self.code, self.message, self.fatal, self.request_id = code, message, fatal, request_id


class GuideService:
    def __init__(self, settings: ServerSettings, catalogue: Catalogue, retriever, engine: Engine, store: Store,
                 pipeline: AnswerPipeline, scheduler: Scheduler):
        """Everything it serves with is built elsewhere (`guide.app.build_service`) and handed in."""
        self.settings, self.catalogue, self.retriever, self.store = settings, catalogue, retriever, store
        self.records = Records(store)
        self.engine, self.scheduler, self.pipeline = engine, scheduler, pipeline
        self.metrics = Metrics()
        self.sessions: dict[str, Session] = {}
        self.tours: dict[str, Tour] = {}
        self.tasks: set[asyncio.Task] = set()

    # ---- sessions ----
    def open(self, send: Callable[[p.Msg], None]) -> Session:
        session = Session(uuid.uuid4().hex[:12], send)
        self.sessions[session.id] = session
        return session

    def close(self, session: Session) -> None:
        for request in session.inflight.values():
            request.cancel.set()
        self.leave_tour(session)
        self.sessions.pop(session.id, None)

    def leave_tour(self, session: Session) -> None:
        """A tour with nobody left in it is forgotten, so re-sent hellos cannot grow memory."""
        tour = self.tours.get(session.tour)
        if tour is not None:
            tour.sessions.discard(session.id)
            if not tour.sessions:
                del self.tours[session.tour]

    def welcome(self, session: Session, hello: p.Hello) -> p.Welcome:
        if not admitted(self.settings, hello.client, hello.token):
            raise GuideError("unauthorised", f"a valid token is required for {hello.client} clients", True)
        if hello.protocol != p.PROTOCOL_VERSION:
            raise GuideError("protocol_version", f"server speaks protocol {p.PROTOCOL_VERSION}, "
                                                 f"client asked for {hello.protocol}", True)
        if session.hello:
            self.leave_tour(session)
        session.hello = hello
        session.expert = secret_matches(hello.expert_token, self.settings.expert_token)
        tour = self.tours.setdefault(hello.tour, Tour())
        tour.sessions.add(session.id)
        s = self.settings
        return p.Welcome(session_id=session.id, model=self.engine.model_label,
                         model_manifest=self.engine.manifest_hash,
                         catalogue_version=self.catalogue.version, tour=hello.tour,
                         exhibit=tour.exhibit,
                         limits=p.Limits(max_message_bytes=s.max_message_bytes,
                                         messages_per_second=s.messages_per_second,
                                         max_answer_tokens=s.max_answer_tokens))

    # ---- the exhibit in view ----
    def set_exhibit(self, session: Session, exhibit: str | None, source: str) -> None:
        """A robot's report sets its tour's exhibit, which every visitor of the tour follows
        until they look at something themselves; a visitor's look is theirs alone (null: follow
        the tour again)."""
        if exhibit is not None and exhibit not in self.catalogue:
            raise GuideError("unknown_exhibit", f"no exhibit with id {exhibit!r} in the catalogue")
        tour = self.tours[session.tour]
        if session.hello.client != "robot":
            session.exhibit = exhibit
            shown = exhibit if exhibit is not None else tour.exhibit
            session.send(self.in_view(shown, source if exhibit is not None else "pose", session.hello.language))
            self.warm(shown, session.hello.language)
            return
        if tour.exhibit == exhibit:
            return
        tour.exhibit = exhibit
        for sid in list(tour.sessions):
            follower = self.sessions.get(sid)
            if follower is not None and follower.exhibit is None:
                follower.send(self.in_view(exhibit, source, follower.hello.language))
                if exhibit is not None and follower.hello.client != "robot" and follower.hello.introductions:
                    self.introduce(follower, exhibit)
        if exhibit is not None and session.hello.introductions:
            self.introduce(session, exhibit)  # for the robot's own speaker, in its language
        self.warm(exhibit, session.hello.language)

    def introduce(self, session: Session, exhibit: str) -> None:
        """The robot has brought the tour to an exhibit: a short spoken introduction to it,
        streamed and logged like an answer to "What am I looking at?". An introduction still
        under way for an exhibit the tour has left is cancelled; a visitor with as many answers
        under way as allowed gets none (their own questions come first)."""
        for request_id, request in session.inflight.items():
            if request_id.startswith(INTRO):
                request.cancel.set()
        if len(session.inflight) >= self.settings.max_inflight:
            return
        language = session.hello.language.split("-")[0]
        ask = p.Ask(request_id=f"{INTRO}{uuid.uuid4().hex[:8]}", text=INTRODUCE.get(language, INTRODUCE["en"]))
        request = GenRequest([], self.settings.max_answer_tokens)
        session.inflight[ask.request_id] = request
        task = asyncio.ensure_future(self._answer(session, ask, request, exhibit))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def in_view(self, exhibit: str | None, source: str, language: str = "en") -> p.ExhibitInView:
        """The exhibit, named and summed up in the visitor's language where the catalogue has it."""
        item = self.catalogue.get(exhibit) if exhibit else None
        language = language.split("-")[0]
        return p.ExhibitInView(exhibit=exhibit, name=item.name(language) if item else None,
                               summary=item.text(language)[0] if item else None, source=source)

    def warm(self, exhibit: str | None, language: str) -> None:
        """The visitors are only arriving: how questions asked here begin (persona, rules, the
        exhibit, and each of its facts as the first one chosen) can be computed now instead of in
        front of the first question. Not when the catalogue answers alone: the work would only
        slow the first words."""
        if not self.pipeline.speaks:
            return
        self.scheduler.warm(f"{exhibit}/{language}", self.pipeline.beginnings(exhibit, language))

    def broadcast(self, tour: str, message: p.Msg) -> None:
        for sid in list(self.tours.get(tour, Tour()).sessions):
            if sid in self.sessions:
                self.sessions[sid].send(message)

    def tell_robots(self, asker: Session, done: p.AnswerDone) -> None:
        """Robots of the tour get every finished answer, for the speaker on the robot."""
        if done.finish not in ("stop", "length") or not done.text:
            return
        for sid in list(self.tours.get(asker.tour, Tour()).sessions):
            other = self.sessions.get(sid)
            if other is not None and other is not asker and other.hello and other.hello.client == "robot":
                other.send(done)

    # ---- answers ----
    def ask(self, session: Session, ask: p.Ask) -> None:
        if ask.request_id in session.inflight:
            raise GuideError("duplicate_request", f"request {ask.request_id!r} is still running",
                             request_id=ask.request_id)
        size = len(ask.text.encode("utf-8"))
        if size > self.settings.max_question_bytes:
            raise GuideError("question_too_long", f"the question is {size} bytes of UTF-8; at most "
                             f"{self.settings.max_question_bytes} are answered", request_id=ask.request_id)
        if len(session.inflight) >= self.settings.max_inflight:
            raise GuideError("busy", f"{len(session.inflight)} answers of this session are still under "
                             "way; wait for one to finish or cancel it", request_id=ask.request_id)
        request = GenRequest([], self.settings.max_answer_tokens)
        session.inflight[ask.request_id] = request
        task = asyncio.ensure_future(self._answer(session, ask, request))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def cancel(self, session: Session, cancel: p.Cancel) -> None:
        request = session.inflight.get(cancel.request_id)
        if request is None:
            raise GuideError("unknown_request", f"no answer {cancel.request_id!r} is running",
                             request_id=cancel.request_id)
        request.cancel.set()

    async def _answer(self, session: Session, ask: p.Ask, request: GenRequest, introduce: str | None = None) -> None:
        """One answer streamed to `session`: to its ask, or (`introduce`: an exhibit id) the
        introduction to an exhibit the tour reached. The tour's robots hear a visitor's answers
        and each other's introductions, not a visitor's introduction (they have their own)."""
        start = time.perf_counter()
        answer_id, kind = uuid.uuid4().hex[:16], "introduction" if introduce else "answer"
        exhibit_id = introduce or session.exhibit or self.tours.get(session.tour, Tour()).exhibit
        plan, finish, text, counts, ttft = Plan("grounded", ""), "error", "", (0, 0), None
        gate = None  # made only when the model runs: then its prompt and rejections are stored
        session.send(p.AnswerStart(request_id=ask.request_id, answer_id=answer_id, exhibit=exhibit_id, kind=kind))
        try:
            if introduce:
                plan = self.pipeline.introduction(ask.text, introduce, session.hello.language.split("-")[0])
            else:  # planned on a copy: another answer of this session may finish (and update it) meanwhile
                plan = await asyncio.to_thread(self.pipeline.plan, ask.text, exhibit_id, session.hello.language,
                                               dialogue=copy.deepcopy(session.dialogue))
            if plan.category is not None:
                self.metrics.declined[plan.category] += 1
            finish, text = "stop", plan.lead
            if plan.lead:  # the lead exists before the model runs: the visitor hears it at once
                ttft, request.heard = time.perf_counter() - start, time.monotonic()
                session.send(p.AnswerDelta(request_id=ask.request_id, seq=0, text=plan.lead))
            if plan.model:
                request.messages, request.prefix = plan.messages, plan.lead
                gate = self.pipeline.gate(plan)
                finish, more, counts, first = await self._stream(session, ask, request, gate, int(bool(plan.lead)))
                text = (text + more).strip()
                if gate.declined:  # the model began to say what may never be spoken
                    plan.mode = "declined"
                    self.metrics.declined["output"] += 1
                ttft = ttft if ttft is not None or first is None else first - start
        except Busy as exc:
            self.metrics.errors["busy"] += 1
            if not introduce:  # nobody asked for an introduction: a busy guide just skips it
                session.send(p.Error(code="busy", message=f"The guide is busy ({exc}); please ask "
                                     "again in a moment.", fatal=False, request_id=ask.request_id))
            finish = "error"
        except Exception:  # one failed answer must still end with answer.done
            log.exception("answer %s failed", answer_id)
            self.metrics.errors["generation_failed"] += 1
            session.send(p.Error(code="generation_failed", message="The answer could not be "
                                 "generated.", fatal=False, request_id=ask.request_id))
            finish = "error"
        finally:
            session.inflight.pop(ask.request_id, None)
        total = time.perf_counter() - start
        sources = [p.Source(exhibit=h.exhibit_id, fact=h.passage.text) for h in plan.hits]
        suggestions = []
        if finish in ("stop", "length"):
            self.pipeline.heard(session.dialogue, plan, ask.text, exhibit_id)
            suggestions = self.pipeline.suggestions(session.dialogue, exhibit_id, plan.language)
        done = p.AnswerDone(request_id=ask.request_id, answer_id=answer_id, finish=finish,
                            text=text, prompt_tokens=counts[0], generated_tokens=counts[1],
                            ttft_ms=ttft * 1000 if ttft is not None else None,
                            total_ms=total * 1000, sources=sources, mode=plan.mode, used=plan.used,
                            language=plan.language, kind=kind, suggestions=suggestions)
        row = Interaction(answer_id, session.id, session.tour, exhibit_id, ask.text, text, finish,
                          [s.model_dump() for s in sources], self.engine.model_label,
                          self.engine.manifest_hash, self.catalogue.content_hash,
                          counts[0], counts[1], ttft * 1000 if ttft is not None else None, total * 1000,
                          session.hello.language, plan.messages if gate is not None else None, rejections(gate))
        # stored before the visitor hears it is done, so a rating sent at once finds its answer
        await asyncio.to_thread(self.records.log, row)
        session.send(done)
        if not introduce or session.hello.client == "robot":
            self.tell_robots(session, done)
        self.metrics.answer(finish, ttft, counts[1], total)

    async def _stream(self, session: Session, ask: p.Ask, request: GenRequest, gate: FactGate, seq: int):
        """(finish, text the gate released, token counts, when its first text was sent): the
        model's continuation, each sentence sent once the gate has checked it; the model is
        stopped when the gate closes."""
        loop = asyncio.get_running_loop()
        pieces: asyncio.Queue[Piece] = asyncio.Queue()
        self.scheduler.submit(Job(session.id, request, pieces.put_nowait, loop))
        text, first = "", None
        while True:
            piece = await pieces.get()
            chunk = gate.feed(piece.text)
            stopped = gate.closed  # the gate has heard all it will speak: the answer is complete
            if stopped:
                request.cancel.set()
            if piece.finish:  # stopped by the visitor: nothing more is said, not even the facts left untold
                chunk += gate.flush() if stopped or piece.finish != "cancelled" else gate.abandon()
            if chunk:
                first = first or time.perf_counter()
                request.heard = request.heard or time.monotonic()
                session.send(p.AnswerDelta(request_id=ask.request_id, seq=seq, text=chunk))
                seq, text = seq + 1, text + chunk
            if piece.finish:
                finish = "stop" if stopped and piece.finish == "cancelled" else piece.finish
                return finish, text, (piece.prompt_tokens, piece.generated_tokens), first

    # ---- feedback ----
    async def feedback(self, session: Session, fb: p.Feedback) -> p.FeedbackAck:
        if fb.role == "expert" and not session.expert:
            raise GuideError("forbidden", "expert ratings need the expert token in hello (expert_token)")
        try:
            new = await asyncio.to_thread(self.records.rate, fb.feedback_id, fb.answer_id,
                                          fb.scores.model_dump(), fb.comment, fb.role, session.id)
        except FeedbackConflict as exc:
            raise GuideError("feedback_conflict", str(exc))
        except StoreUnavailable:
            raise GuideError("store_unavailable", "the rating could not be stored just now and was not "
                                                  "acknowledged; please send it again in a moment")
        except UnknownAnswer:
            raise GuideError("unknown_answer", f"no answer {fb.answer_id!r} has been logged; "
                                               "ratings must name an answer_id from answer.done")
        return p.FeedbackAck(feedback_id=fb.feedback_id, duplicate=not new)
