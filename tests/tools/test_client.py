"""The reference client against a real server: what a VR developer copies must not hang."""
import asyncio
import io

from guide.config import ServerSettings
from tests.conftest import free_port
from tests.guide.harness import RunningServer
from tools.client import converse


def test_questions_refused_as_too_many_are_asked_again_and_all_answered(tiny_llama, tmp_path):
    """The default limits refused the fourth of six quick questions; the client then waited for
    an answer that never comes. Here every question after the first is refused at first, by
    the message limit or the ask limit, and each is asked again a moment later; so is a rating
    the limits refuse, and none is waited for forever."""
    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=tmp_path / "c.sqlite3",
                              messages_per_second=4.0, burst=4, ask_cost=2.0,
                              answers={"voice": "quote"})  # the tiny random model would only be quoted over
    questions = ["Who found the ship?", "When did it sink?", "What did it carry?", "Hello!"]
    out = io.StringIO()
    with RunningServer(settings) as server:
        done = asyncio.run(asyncio.wait_for(converse(server.url, questions, "kyrenia-ship", "t-client", 5, None, out),
                                            60))
    assert len(done) == len(questions) and all(d["finish"] == "stop" for d in done)
    # every rating is acknowledged or refused in so many words: none is waited for forever
    assert out.getvalue().count("[rating stored") + out.getvalue().count("[rating not stored") == len(questions)
    assert out.getvalue().count("[rating stored") == len(questions)  # a rating refused as too many is sent again
    assert "[error rate_limited" in out.getvalue()  # refused at least once, and still answered
    assert "Cariolou" in done[0]["text"] and done[3]["mode"] == "courtesy"
