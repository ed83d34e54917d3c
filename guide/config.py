"""Typed settings of the guide server; guide/config/server.yaml and flags only override them."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from answering.guard import GuardSettings
from answering.pipeline import AnswerSettings
from common.settings import Settings
from knowledge.retrieval import RetrievalSettings


class ServerSettings(Settings):
    host: str = Field("127.0.0.1", description="interface to bind; 0.0.0.0 to serve a room's headsets")
    port: int = Field(8765, ge=0, le=65535, description="one port for websockets, health, metrics and the web client")
    model: str = Field("default", description="'default' (the shipped guide), 'base' (the bare embedded SmolLM2), a Hugging Face id, a checkpoint or a trained guide directory")
    backend: Literal["auto", "transformers", "llamacpp", "openai"] = Field(
        "auto", description="generation backend; auto takes llama.cpp when it is installed and the model has a GGUF")
    openai_url: str | None = Field(None, description="base URL of an OpenAI-compatible server, for backend openai")
    openai_model: str = Field("guide", description="model name to ask that server for")
    db: str = Field("var/guide.sqlite3", description="SQLite file for interactions and ratings, or a postgresql:// URL shared by several guide processes")
    max_message_bytes: int = Field(16_384, ge=512, description="larger frames close the socket with 1009")
    messages_per_second: float = Field(5.0, gt=0, description="sustained message rate per connection")
    burst: int = Field(20, ge=1, description="messages a connection may send at once before limiting")
    max_connections: int = Field(200, ge=1, description="connections accepted in total, handshakes in progress included")
    max_per_address: int = Field(32, ge=1, description="connections from one address at once, handshakes included: one host cannot take every place, while a room of headsets behind one router still fits")
    hello_seconds: float = Field(10.0, gt=0, description="a connection that has not said hello by then is closed")
    idle_seconds: float = Field(900.0, gt=0, description="a session that sends nothing but pings for this long is closed; the web client reconnects by itself")
    max_queue: int = Field(32, ge=1, description="answers waiting for the model before 'busy'")
    max_question_bytes: int = Field(800, ge=16, description="longest question in UTF-8 bytes: a byte-level tokenizer makes at most one token of each byte, so this bounds its tokens, which a limit in characters does not (500 four-byte characters are ~2,000 tokens)")
    ask_cost: float = Field(5.0, ge=1, description="messages' worth of the rate limit one ask costs: an answer costs the engine far more than a ping costs the server")
    max_inflight: int = Field(2, ge=1, description="answers one session may have under way at once: one visitor cannot fill the queue shared by all")
    max_batch: int | None = Field(None, ge=1, description="answers decoded together; none: 16 with llama.cpp, 8 otherwise")
    max_answer_tokens: int = Field(160, ge=8, le=1024, description="longest answer in tokens")
    history_turns: int = Field(3, ge=0, le=10, description="earlier turns kept in the prompt")
    send_queue: int = Field(512, ge=8, description="outgoing messages buffered per client before it counts as stalled")
    send_buffer: int = Field(65_536, ge=4096, description="kernel bytes held for a client that has not read them; bounds a stalled client's memory")
    visitor_token: str | None = Field(None, description="shared secret for vr/web clients; with no token configured at all, every client is admitted")
    robot_token: str | None = Field(None, description="shared secret for robot clients, which steer a tour and hear all its answers; once any token is configured, a robot without this one is refused")
    expert_token: str | None = Field(None, description="secret that lets a session send expert ratings, which feed the preference exports; none: expert ratings are refused")
    open_clients: list[Literal["vr", "web", "robot"]] = Field(default_factory=list, description="client kinds admitted without a token even when tokens are configured: an explicit choice, never a gap left by an unset token")
    origins: list[str] | None = Field(None, description="allowed browser Origins; clients without Origin are always admitted")
    shutdown_seconds: float = Field(10.0, gt=0, description="deadline for draining on SIGTERM")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="how facts are found")
    guard: GuardSettings = Field(default_factory=GuardSettings, description="declining plainly unsafe requests before generation")
    answers: AnswerSettings = Field(default_factory=AnswerSettings, description="how answers are built from the facts and the model")
    handoff_seconds: float = Field(0.05, ge=0, le=1, description="an answer's pieces between its first and its last reach the event loop joined, at most this often: each handoff wakes the loop, which takes a core from llama.cpp's decoding threads (model alone through the server, two rounds each, measured when llama.cpp still used OpenMP and one decoding thread: words after the first at 81.9 and 80.3 tokens/s, against 74.8 and 67.8 handing every piece over); 0 hands every piece over at once")
    threads: int | None = Field(None, ge=1, description="llama.cpp's threads for every step, or the transformers engine's torch threads; none: every core")

    @field_validator("db", mode="before")
    @classmethod
    def _path_as_text(cls, value):
        return str(value) if isinstance(value, Path) else value
