"""The guide's wire protocol: JSON messages over websockets, one pydantic model per type.

`python -m guide schema` writes the JSON Schema of both directions to guide/protocol_schema.json,
which is committed; a test fails when it and this module disagree.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from common.wire import PROTOCOL_VERSION
from store.criteria import CRITERIA

SCHEMA_PATH = Path(__file__).parent / "protocol_schema.json"
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\w.:-]+$")]
Score = Annotated[int, Field(ge=1, le=5)]


class Msg(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- client to server ----
class Hello(Msg):
    type: Literal["hello"] = "hello"
    protocol: int = Field(PROTOCOL_VERSION, description="protocol version the client speaks")
    client: Literal["vr", "robot", "web"] = "web"
    token: str | None = Field(None, max_length=256, description="shared secret, if the server needs one")
    expert_token: str | None = Field(None, max_length=256, description="the expert raters' secret: needed for feedback with role 'expert'")
    language: str = Field("en", pattern=r"^[a-z]{2}(-[A-Za-z]{2})?$")
    tour: Id = "default"
    introductions: bool = Field(True, description="when the robot brings the tour to an exhibit, hear a short introduction to it (streamed as an answer of kind 'introduction')")


class ExhibitView(Msg):
    type: Literal["exhibit.view"] = "exhibit.view"
    exhibit: Id | None = Field(description="exhibit the visitor looks at in VR, or null")


class Ask(Msg):
    type: Literal["ask"] = "ask"
    request_id: Id
    text: str = Field(min_length=1, max_length=500)


class Cancel(Msg):
    type: Literal["cancel"] = "cancel"
    request_id: Id


class Scores(Msg):
    factual_accuracy: Score
    context_relevance: Score
    safety: Score
    alignment: Score
    formatting: Score


if tuple(Scores.model_fields) != CRITERIA:  # the wire and the store must name the same criteria
    raise ImportError(f"Scores fields {tuple(Scores.model_fields)} differ from the store's {CRITERIA}")


class Feedback(Msg):
    type: Literal["feedback"] = "feedback"
    feedback_id: Id = Field(description="client-chosen id: resending it never makes a second row")
    answer_id: Id
    scores: Scores
    comment: str | None = Field(None, max_length=2000)
    role: Literal["visitor", "expert"] = "visitor"


class Ping(Msg):
    type: Literal["ping"] = "ping"
    nonce: str | None = Field(None, max_length=64)


class RobotPose(Msg):
    type: Literal["robot.pose"] = "robot.pose"
    x: float = Field(allow_inf_nan=False)
    y: float = Field(allow_inf_nan=False)
    theta: float = Field(0.0, allow_inf_nan=False)
    frame: str = Field("map", max_length=64)


class ExhibitInViewReport(Msg):
    type: Literal["exhibit.in_view"] = "exhibit.in_view"
    exhibit: Id | None
    source: Literal["pose", "detection"] = "pose"


ClientMessage = Annotated[Union[Hello, ExhibitView, Ask, Cancel, Feedback, Ping, RobotPose,
                                ExhibitInViewReport], Field(discriminator="type")]


# ---- server to client ----
class Limits(Msg):
    max_message_bytes: int
    messages_per_second: float
    max_answer_tokens: int


class Welcome(Msg):
    type: Literal["welcome"] = "welcome"
    protocol: int = PROTOCOL_VERSION
    session_id: str
    model: str
    model_manifest: str | None
    catalogue_version: str
    tour: str
    exhibit: str | None
    limits: Limits


class ExhibitInView(Msg):
    type: Literal["exhibit.in_view"] = "exhibit.in_view"
    exhibit: str | None
    name: str | None = None  # in the session's language where the catalogue has it
    summary: str | None = None  # in the session's language where the catalogue has it
    source: Literal["pose", "detection", "gaze"] = "pose"


class RobotPoseOut(Msg):
    type: Literal["robot.pose"] = "robot.pose"
    x: float
    y: float
    theta: float
    frame: str


class AnswerStart(Msg):
    type: Literal["answer.start"] = "answer.start"
    request_id: str  # the ask's; for an introduction, one the server chose ("intro-…")
    answer_id: str
    exhibit: str | None
    kind: Literal["answer", "introduction"] = "answer"  # an introduction answers no ask: the tour arrived


class AnswerDelta(Msg):
    type: Literal["answer.delta"] = "answer.delta"
    request_id: str
    seq: int
    text: str


class Source(Msg):
    exhibit: str
    fact: str


class AnswerDone(Msg):
    type: Literal["answer.done"] = "answer.done"
    request_id: str
    answer_id: str
    finish: Literal["stop", "length", "cancelled", "error"]
    text: str
    prompt_tokens: int
    generated_tokens: int
    ttft_ms: float | None
    total_ms: float
    sources: list[Source]
    # refused, not in the catalogue, answered from it, or in a language the model does not write:
    # answered with the catalogue's own sentences in that language; or a greeting, thanks or
    # goodbye answered in kind
    mode: Literal["declined", "unknown", "grounded", "catalogue", "courtesy"] = "grounded"
    used: list[int] = []  # which sources the answer tells, by position
    language: str = "en"  # the language the answer is in
    kind: Literal["answer", "introduction"] = "answer"
    suggestions: list[str] = []  # short questions this visitor has not asked that the guide can answer here


class FeedbackAck(Msg):
    type: Literal["feedback.ack"] = "feedback.ack"
    feedback_id: str
    duplicate: bool


class Error(Msg):
    type: Literal["error"] = "error"
    code: str = Field(description="stable machine-readable code")
    message: str
    fatal: bool = Field(description="true when the server closes the session after this")
    request_id: str | None = None


class Pong(Msg):
    type: Literal["pong"] = "pong"
    nonce: str | None = None


ServerMessage = Annotated[Union[Welcome, ExhibitInView, RobotPoseOut, AnswerStart, AnswerDelta,
                                AnswerDone, FeedbackAck, Error, Pong], Field(discriminator="type")]

CLIENT = TypeAdapter(ClientMessage)
SERVER = TypeAdapter(ServerMessage)


def parse_client(raw: str | bytes):
    """Parse one client message; raises pydantic.ValidationError naming the bad field."""
    return CLIENT.validate_json(raw)


def schema_document() -> dict:
    return {"protocol": PROTOCOL_VERSION,
            "client_to_server": CLIENT.json_schema(),
            "server_to_client": SERVER.json_schema()}


def write_schema(path: Path = SCHEMA_PATH) -> None:
    path.write_text(json.dumps(schema_document(), indent=2, sort_keys=True) + "\n")
