import json

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from guide import protocol as p


def test_committed_schema_document_matches_the_code():
    on_disk = json.loads(p.SCHEMA_PATH.read_text())
    assert on_disk == json.loads(json.dumps(p.schema_document())), \
        "run `python -m guide schema` and commit guide/protocol_schema.json"


def test_every_message_type_is_in_the_schema():
    doc = json.dumps(p.schema_document())
    for t in ["hello", "exhibit.view", "ask", "cancel", "feedback", "ping", "robot.pose",
              "exhibit.in_view", "welcome", "answer.start", "answer.delta", "answer.done",
              "feedback.ack", "error", "pong"]:
        assert f'"{t}"' in doc


def test_parse_rejects_bad_fields_by_name():
    with pytest.raises(ValidationError) as err:
        p.parse_client('{"type": "feedback", "feedback_id": "f", "answer_id": "a", '
                       '"scores": {"factual_accuracy": 9, "context_relevance": 1, "safety": 1, '
                       '"alignment": 1, "formatting": 1}}')
    assert "factual_accuracy" in str(err.value)
    with pytest.raises(ValidationError):
        p.parse_client('{"type": "robot.pose", "x": NaN, "y": 0}')
    assert isinstance(p.parse_client('{"type":"ping"}'), p.Ping)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200),
                 st.dictionaries(st.sampled_from(["type", "text", "request_id", "exhibit", "x"]),
                                 st.one_of(st.text(max_size=20), st.integers(), st.none(),
                                           st.sampled_from(["ask", "hello", "cancel", "feedback"])))
                 .map(json.dumps)))
def test_parser_only_ever_raises_validation_errors(raw):
    try:
        p.parse_client(raw)
    except ValidationError:
        pass
