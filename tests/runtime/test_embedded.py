"""The real embedded SmolLM2-135M-Instruct, grounded by the real retrieval index."""
import pytest

from knowledge.retrieval import grounded_prompt
from runtime.engine import GenRequest, TransformersEngine

pytestmark = pytest.mark.embedded


def test_embedded_model_gives_an_on_topic_grounded_answer(retriever):
    engine = TransformersEngine("base", max_batch=1)
    _, messages = grounded_prompt(retriever, "Who found this ship?", "kyrenia-ship")
    text, finish = "", None
    for piece in engine.generate([GenRequest(messages, 60)]):
        text += piece.text
        finish = piece.finish or finish
    assert finish in ("stop", "length") and len(text.split()) >= 4
    assert any(w in text for w in ("Cariolou", "1965", "diver")), text
