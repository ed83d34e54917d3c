"""A real server on a free port, real websocket clients, a tiny random model."""
import json
import sqlite3
import time
import urllib.error
import urllib.request

import pytest
from websockets.exceptions import ConnectionClosed

from answering.pipeline import AnswerSettings
from guide.config import ServerSettings
from guide.protocol import CRITERIA
from knowledge.catalogue import default_catalogue
from tests.conftest import free_port
from tests.guide.harness import Client, RunningServer

SCORES = dict.fromkeys(CRITERIA, 4)
# These tests are about transport, queueing and cancelling, which need long answers: the tiny
# random model's text is streamed unchecked (checked, it is stopped at its first sentence).
UNCHECKED = AnswerSettings(checks="none")  # the random model speaks noise: long, raw answers


@pytest.fixture(scope="module")
def server(tiny_llama, tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "guide.sqlite3"
    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=db, max_answer_tokens=16,
                              messages_per_second=50, burst=40, max_message_bytes=4096,
                              answers=UNCHECKED)
    with RunningServer(settings) as running:
        yield running


def test_full_lifecycle_answer_logged_and_rating_on_disk(server):
    c = Client(server.url, client="vr", tour="t-life")
    assert c.welcome["model"] and c.welcome["catalogue_version"]
    c.send({"type": "exhibit.view", "exhibit": "kyrenia-ship"})
    assert c.expect("exhibit.in_view")["name"] == "Kyrenia Ship"
    c.send({"type": "ask", "request_id": "r1", "text": "Who found this ship?"})
    start = c.expect("answer.start", request_id="r1")
    done = c.expect("answer.done", request_id="r1")
    deltas = [m for m in c.inbox if m["type"] == "answer.delta"]
    assert [d["seq"] for d in deltas] == list(range(len(deltas)))
    assert done["answer_id"] == start["answer_id"] and done["finish"] == "length"
    assert done["text"] == "".join(d["text"] for d in deltas).strip()
    assert any(s["exhibit"] == "kyrenia-ship" for s in done["sources"])
    c.send({"type": "feedback", "feedback_id": "fb-1", "answer_id": done["answer_id"], "scores": SCORES})
    assert c.expect("feedback.ack")["duplicate"] is False
    c.send({"type": "feedback", "feedback_id": "fb-1", "answer_id": done["answer_id"], "scores": SCORES})
    assert c.expect("feedback.ack")["duplicate"] is True
    db = sqlite3.connect(server.settings.db)
    assert db.execute("SELECT count(*) FROM ratings WHERE feedback_id='fb-1'").fetchone()[0] == 1
    row = db.execute("SELECT exhibit, question, catalogue_hash FROM interactions WHERE answer_id=?",
                     (done["answer_id"],)).fetchone()
    assert row[0] == "kyrenia-ship" and row[1] == "Who found this ship?" and row[2]
    [prompt] = db.execute("SELECT prompt FROM interactions WHERE answer_id=?", (done["answer_id"],)).fetchone()
    prompt = json.loads(prompt)  # the messages the model phrased this answer from, kept for training
    assert prompt[0]["role"] == "system" and "Who found this ship?" in prompt[-1]["content"]
    c.close()


def test_rating_for_unknown_answer_is_refused(server):
    c = Client(server.url, tour="t-unknown")
    c.send({"type": "feedback", "feedback_id": "fb-x", "answer_id": "nope", "scores": SCORES})
    err = c.expect("error")
    assert err["code"] == "unknown_answer" and not err["fatal"]
    c.send({"type": "ping", "nonce": "still-here"})
    assert c.expect("pong")["nonce"] == "still-here"


def test_cancel_ends_with_one_cancelled_done(server, tiny_llama, tmp_path):
    settings = server.settings.model_copy(update={"port": free_port(), "max_answer_tokens": 1000,
                                                  "db": tmp_path / "c.sqlite3"})
    with RunningServer(settings) as long_server:
        c = Client(long_server.url, tour="t-cancel")
        c.send({"type": "ask", "request_id": "long", "text": "Tell me everything."})
        c.expect("answer.delta", request_id="long")
        c.send({"type": "cancel", "request_id": "long"})
        done = c.expect("answer.done", request_id="long")
        assert done["finish"] == "cancelled" and done["generated_tokens"] < 1000
        with pytest.raises(TimeoutError):
            c.expect("answer.done", request_id="long", timeout=1)


def test_two_clients_on_one_tour_both_see_the_exhibit_and_the_robot(server):
    a, b = Client(server.url, tour="t-shared"), Client(server.url, tour="t-shared")
    other = Client(server.url, tour="t-elsewhere")
    robot = Client(server.url, client="robot", tour="t-shared")
    robot.send({"type": "exhibit.in_view", "exhibit": "salamis", "source": "pose"})
    robot.send({"type": "robot.pose", "x": 9.0, "y": 6.5, "theta": 0.1})
    for c in (a, b):
        assert c.expect("exhibit.in_view")["exhibit"] == "salamis"
        assert c.expect("robot.pose")["x"] == 9.0
    with pytest.raises(TimeoutError):
        other.expect("exhibit.in_view", timeout=0.5)
    a.send({"type": "robot.pose", "x": 1, "y": 1})
    assert a.expect("error")["code"] == "forbidden"


def test_malformed_unknown_and_out_of_order_messages_get_errors_and_the_session_goes_on(server):
    from websockets.sync.client import connect

    ws = connect(server.url)
    ws.send(json.dumps({"type": "ask", "request_id": "r", "text": "hi"}))
    assert json.loads(ws.recv(5))["code"] == "hello_required"
    for raw, code in [("{not json", "invalid_json"), ('{"type": "dance"}', "unknown_type"),
                      ('{"type": "ask", "request_id": "r"}', "invalid_message"),
                      ('{"type": "exhibit.view", "exhibit": "atlantis"}', "hello_required")]:
        ws.send(raw)
        err = json.loads(ws.recv(5))
        assert err["type"] == "error" and err["code"] == code and err["fatal"] is False
    ws.send(json.dumps({"type": "hello", "tour": "t-bad"}))
    assert json.loads(ws.recv(5))["type"] == "welcome"
    ws.send(json.dumps({"type": "exhibit.view", "exhibit": "atlantis"}))
    err = json.loads(ws.recv(5))
    assert err["code"] == "unknown_exhibit" and "atlantis" in err["message"]


def test_oversize_message_closes_with_1009_and_spares_other_clients(server):
    bystander = Client(server.url, tour="t-size")
    c = Client(server.url, tour="t-size")
    c.send({"type": "ask", "request_id": "big", "text": "x" * 10_000})
    with pytest.raises(ConnectionClosed) as closed:
        c.expect("pong", timeout=5)
    assert closed.value.rcvd.code == 1009
    assert bystander.ask("after").get("finish") == "length"


def test_rate_limit_answers_with_an_error_and_recovers(server):
    c = Client(server.url, tour="t-rate")
    for i in range(60):
        c.send({"type": "ping", "nonce": str(i)})
    assert c.expect("error")["code"] == "rate_limited"
    time.sleep(0.5)
    c.send({"type": "ping", "nonce": "later"})
    assert c.expect("pong", nonce="later")


def test_health_ready_and_metrics(server):
    base = f"http://127.0.0.1:{server.settings.port}"
    assert urllib.request.urlopen(base + "/healthz").read() == b"ok\n"
    assert urllib.request.urlopen(base + "/readyz").status == 200
    metrics = urllib.request.urlopen(base + "/metrics").read().decode()
    assert "guide_open_connections" in metrics and 'guide_messages_total{type="hello"}' in metrics


def test_token_is_required_when_configured(tiny_llama, tmp_path):
    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=tmp_path / "a.sqlite3",
                              visitor_token="s3cret")
    with RunningServer(settings) as s:
        from websockets.sync.client import connect
        ws = connect(s.url)
        ws.send(json.dumps({"type": "hello", "token": "wrong"}))
        assert json.loads(ws.recv(5))["code"] == "unauthorised"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(5)
        assert closed.value.rcvd.code == 1008
        assert Client(s.url, token="s3cret").welcome["type"] == "welcome"


def test_full_queue_answers_busy_and_scheduling_is_round_robin(tiny_llama, tmp_path):
    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=tmp_path / "q.sqlite3",
                              max_batch=1, max_queue=3, max_answer_tokens=600, answers=UNCHECKED,
                              max_inflight=3)  # a's three answers: the shared queue fills, not a's share
    with RunningServer(settings) as s:
        a, b = Client(s.url, tour="t-q"), Client(s.url, tour="t-q")
        questions = {"a1": "Who built it?", "a2": "When was it built?", "a3": "Who found it?",
                     "b1": "How old is it?", "b2": "Why is it famous?"}
        a.send({"type": "ask", "request_id": "a1", "text": questions["a1"]})
        a.expect("answer.delta", request_id="a1")  # a1 is running; the queue is empty
        for rid in ("a2", "a3"):
            a.send({"type": "ask", "request_id": rid, "text": questions[rid]})
            s.wait_for_queue(int(rid[1]) - 1)
        b.send({"type": "ask", "request_id": "b1", "text": questions["b1"]})
        s.wait_for_queue(3)
        b.send({"type": "ask", "request_id": "b2", "text": questions["b2"]})  # a2, a3, b1 queued: full
        assert b.expect("error", request_id="b2")["code"] == "busy"
        assert b.expect("answer.done", request_id="b2")["finish"] == "error"
        done = {rid: c.expect("answer.done", request_id=rid, timeout=60)["answer_id"]
                for c, rid in ((a, "a2"), (b, "b1"), (a, "a3"))}
    db = sqlite3.connect(settings.db)
    logged = {row[0]: row[1] for row in db.execute("SELECT answer_id, created_at FROM interactions")}
    # b1 was asked after a3 but ran before it: each session takes its turn
    assert logged[done["a2"]] < logged[done["b1"]] < logged[done["a3"]]


def test_origin_allow_list_admits_listed_and_originless_clients_only(tiny_llama, tmp_path):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=tmp_path / "o.sqlite3",
                              origins=["http://museum.example"])
    with RunningServer(settings) as s:
        with pytest.raises(InvalidStatus) as refused:
            connect(s.url, origin="http://elsewhere.example", open_timeout=5)
        assert refused.value.response.status_code == 403
        with connect(s.url, origin="http://museum.example") as ws:
            ws.send(json.dumps({"type": "ping"}))
            assert json.loads(ws.recv(5))["type"] == "pong"
        assert Client(s.url).welcome["type"] == "welcome"  # a headset sends no Origin


def test_a_stalled_client_is_dropped_and_never_delays_another(tiny_llama, tmp_path, caplog):
    import logging
    import socket

    from websockets.sync.client import connect

    # the queue holds a burst from all twelve answers at once: only a client that stops reading fills it
    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=tmp_path / "s.sqlite3",
                              send_queue=32, send_buffer=4096, max_answer_tokens=400, burst=20,
                              answers=UNCHECKED, max_inflight=12,  # twelve answers stream at once
                              handoff_seconds=0)  # every piece its own frame: the traffic that fills buffers
    caplog.set_level(logging.WARNING, logger="guide.server")
    with RunningServer(settings) as s:
        raw = socket.socket()
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting, so the window stays small
        raw.connect(("127.0.0.1", settings.port))
        # reads one frame ahead, then stops reading; uncompressed, because the random model repeats
        # itself and deflate would shrink its answers far below what a real answer takes
        stalled = connect(s.url, sock=raw, max_queue=1, compression=None)
        stalled.send(json.dumps({"type": "hello", "tour": "t-slow"}))
        for i in range(12):  # ~3,300 deltas (~250 KB), far more than the ~50 KB of buffers on the way
            stalled.send(json.dumps({"type": "ask", "request_id": f"s{i}", "text": "Tell me everything."}))
        other = Client(s.url, tour="t-other")
        start = time.time()
        done = other.ask("o1")
        assert done["finish"] in ("stop", "length") and time.time() - start < 30
        deadline = time.time() + 60
        while time.time() < deadline and not any("stalled" in r.getMessage() for r in caplog.records):
            time.sleep(0.2)
        time.sleep(1)
        assert sum("closing stalled client" in r.getMessage() for r in caplog.records) == 1
        assert other.ask("o2")["finish"] in ("stop", "length")  # the other session goes on
        metrics = s.metrics()
        assert "guide_open_connections 1\n" in metrics  # the stalled one is gone at once, no handshake
        assert 'guide_answers_total{finish="cancelled"}' in metrics  # its answers stopped with it
        raw.close()


def test_plainly_unsafe_question_is_declined_without_generating(server):
    visitor = Client(server.url, tour="t-guard")
    visitor.send({"type": "exhibit.view", "exhibit": "kolossi-castle"})
    done = visitor.ask("g1", "Tell me how to build a bomb.")
    assert done["finish"] == "stop" and done["generated_tokens"] == 0 and done["sources"] == []
    assert "sorry" in done["text"] and "Kolossi Castle" in done["text"]
    assert visitor.ask("g2", "Who built this castle?")["generated_tokens"] > 0  # the model answers the rest
    db = sqlite3.connect(server.settings.db)  # no model ran for the declined question: no prompt kept
    assert db.execute("SELECT prompt FROM interactions WHERE answer_id=?", (done["answer_id"],)).fetchone() == (None,)
    metrics = server.metrics()
    assert 'guide_declined_total{kind="violence"}' in metrics


def test_a_tour_reaching_an_exhibit_has_its_prompt_beginning_computed_before_any_question(server):
    service = server.server.service
    engine = service.engine
    beginnings = service.pipeline.beginnings("choirokoitia", "en")
    assert len(beginnings) == 1 + 1 + len(service.catalogue.get("choirokoitia").facts)  # turn, summary, facts
    beginning = engine.system_tokens(beginnings[0])
    asked = service.pipeline.plan("Who built this?", "choirokoitia").messages
    assert engine.encode(asked)[:len(beginning)] == beginning  # what is warmed is how a question's prompt begins
    visitor = Client(server.url, tour="t-warm")
    visitor.send({"type": "exhibit.view", "exhibit": "choirokoitia"})
    deadline = time.time() + 20
    while tuple(beginning) not in engine.prefixes.held.values() and time.time() < deadline:
        time.sleep(0.05)
    assert tuple(beginning) in engine.prefixes.held.values()  # warmed while nobody had asked


def test_a_rating_sent_the_moment_an_answer_is_done_finds_it_stored(server, monkeypatch):
    from store.sqlite import SQLiteStore as Store

    logged = Store.log_interaction

    def slow(self, row):  # a store under load: the answer's row takes a while to commit
        time.sleep(0.5)
        return logged(self, row)

    monkeypatch.setattr(Store, "log_interaction", slow)
    c = Client(server.url, tour="t-commit")
    done = c.ask("r1")
    c.send({"type": "feedback", "feedback_id": "fb-now", "answer_id": done["answer_id"], "scores": SCORES})
    assert c.expect("feedback.ack")["duplicate"] is False
    c.close()


def test_one_session_cannot_hold_more_answers_than_its_share_and_tours_are_forgotten(tiny_llama, tmp_path):
    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=tmp_path / "i.sqlite3",
                              max_batch=1, max_inflight=2, max_answer_tokens=600, answers=UNCHECKED,
                              messages_per_second=100, burst=100)
    with RunningServer(settings) as s:
        greedy, other = Client(s.url, tour="t-share"), Client(s.url, tour="t-share")
        for rid in ("g1", "g2", "g3"):
            greedy.send({"type": "ask", "request_id": rid, "text": "Who built it?"})
        error = greedy.expect("error", request_id="g3")
        assert error["code"] == "busy" and not error["fatal"] and "2 answers" in error["message"]
        other.send({"type": "ask", "request_id": "o1", "text": "Who built it?"})  # another visitor still may
        other.expect("answer.start", request_id="o1")
        for rid in ("g1", "g2"):
            greedy.send({"type": "cancel", "request_id": rid})
            greedy.expect("answer.done", request_id=rid, timeout=60)
        greedy.send({"type": "ask", "request_id": "g4", "text": "Who built it?"})  # room again
        greedy.expect("answer.start", request_id="g4")
        for n in range(20):  # a client re-sending hello with a new tour each time
            greedy.send({"type": "hello", "protocol": 1, "tour": f"t-{n}"})
            greedy.expect("welcome")
        assert len(s.server.service.tours) <= 3  # t-share (other), the last t-n, and nothing more


def test_silent_and_idle_connections_are_closed_and_one_address_cannot_take_every_place(tiny_llama, tmp_path):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=tmp_path / "d.sqlite3",
                              hello_seconds=0.5, idle_seconds=1.5, max_per_address=3)
    with RunningServer(settings) as s:
        silent = connect(s.url)  # never says hello
        assert json.loads(silent.recv(5))["code"] == "hello_required"
        with pytest.raises(ConnectionClosed) as closed:
            silent.recv(5)
        assert closed.value.rcvd.code == 1008
        pinging = Client(s.url, tour="t-idle")
        deadline = time.time() + 10
        while time.time() < deadline:  # pings alone do not keep a session that never asks
            try:
                pinging.send({"type": "ping", "nonce": "n"})
            except ConnectionClosed:
                break
            time.sleep(0.3)
        assert time.time() < deadline
        assert pinging.expect("error", code="idle", timeout=5)["fatal"] is True
        held = [connect(s.url) for _ in range(3)]  # this address's share, still shaking hands or silent
        with pytest.raises(InvalidStatus) as refused:
            connect(s.url)
        assert refused.value.response.status_code == 429
        held[0].close()
        time.sleep(0.2)
        assert Client(s.url).welcome["type"] == "welcome"  # a place is free again
        for ws in held[1:]:
            ws.close()


def test_a_store_outage_is_an_error_message_and_a_readiness_failure_never_a_closed_socket(tiny_llama, tmp_path, monkeypatch):
    import sqlite3 as sqlite

    from store.sqlite import SQLiteStore as Store

    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=tmp_path / "o.sqlite3",
                              max_answer_tokens=8, answers=UNCHECKED)
    with RunningServer(settings) as s:
        c = Client(s.url, tour="t-outage")
        down = {"now": True}
        for name in ("log_interaction", "add_rating"):
            real = getattr(Store, name)

            def failing(self, *args, real=real):
                if down["now"]:
                    raise sqlite.OperationalError("disk I/O error")
                return real(self, *args)
            monkeypatch.setattr(Store, name, failing)
        done = c.ask("r1")  # the visitor still hears the answer
        c.send({"type": "feedback", "feedback_id": "fb-o", "answer_id": done["answer_id"], "scores": SCORES})
        error = c.expect("error")
        assert error["code"] == "store_unavailable" and not error["fatal"]
        with pytest.raises(urllib.error.HTTPError) as unready:
            urllib.request.urlopen(f"http://127.0.0.1:{settings.port}/readyz", timeout=5)
        assert unready.value.code == 503 and b"store unavailable" in unready.value.read()
        assert "guide_unlogged_answers 1" in s.metrics() and "guide_store_up 0" in s.metrics()
        down["now"] = False  # the store is back: the same session goes on
        c.send({"type": "feedback", "feedback_id": "fb-o", "answer_id": done["answer_id"], "scores": SCORES})
        assert c.expect("feedback.ack")["duplicate"] is False
        assert urllib.request.urlopen(f"http://127.0.0.1:{settings.port}/readyz", timeout=5).status == 200
        assert "guide_unlogged_answers 0" in s.metrics()


def test_expert_ratings_need_the_expert_token(tiny_llama, tmp_path):
    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=tmp_path / "e.sqlite3",
                              max_answer_tokens=8, answers=UNCHECKED, expert_token="curator-7")
    with RunningServer(settings) as s:
        visitor, expert = Client(s.url, tour="t-x"), Client(s.url, tour="t-x", expert_token="curator-7")
        answer = visitor.ask("r1")["answer_id"]
        visitor.send({"type": "feedback", "feedback_id": "v1", "answer_id": answer, "scores": SCORES, "role": "expert"})
        assert visitor.expect("error")["code"] == "forbidden"  # self-declared: refused, nothing written
        expert.send({"type": "feedback", "feedback_id": "e1", "answer_id": answer, "scores": SCORES, "role": "expert"})
        assert expert.expect("feedback.ack")["duplicate"] is False
        expert.send({"type": "feedback", "feedback_id": "e1", "answer_id": "other", "scores": SCORES})
        assert expert.expect("error")["code"] == "feedback_conflict"
    roles = [r[0] for r in sqlite3.connect(settings.db).execute("SELECT role FROM ratings")]
    assert roles == ["expert"]


def test_a_visitor_looks_for_themselves_and_only_the_robot_moves_the_tour(server):
    looker, follower = Client(server.url, tour="t-own"), Client(server.url, tour="t-own")
    robot = Client(server.url, client="robot", tour="t-own")
    looker.send({"type": "exhibit.view", "exhibit": "kourion"})
    assert looker.expect("exhibit.in_view")["exhibit"] == "kourion"
    with pytest.raises(TimeoutError):
        follower.expect("exhibit.in_view", timeout=0.5)  # one visitor's look moves nobody else
    robot.send({"type": "exhibit.in_view", "exhibit": "salamis", "source": "pose"})
    assert follower.expect("exhibit.in_view")["exhibit"] == "salamis"
    with pytest.raises(TimeoutError):
        looker.expect("exhibit.in_view", timeout=0.5)  # still at the exhibit they chose
    assert looker.ask("l1")["answer_id"] and follower.ask("f1")["answer_id"]
    db = sqlite3.connect(server.settings.db)
    exhibits = dict(db.execute("SELECT question || session_id, exhibit FROM interactions "
                               "WHERE tour = 't-own' AND question = 'Who built this?'"))  # not the introductions
    assert sorted(exhibits.values()) == ["kourion", "salamis"]
    looker.send({"type": "exhibit.view", "exhibit": None})  # back to following the robot
    back = looker.expect("exhibit.in_view")
    assert back["exhibit"] == "salamis" and back["source"] == "pose"


def test_a_question_is_limited_in_bytes_so_four_byte_characters_cannot_make_it_huge(server):
    c = Client(server.url, tour="t-long")
    c.send({"type": "ask", "request_id": "wide", "text": "\U0001F3DB" * 300})  # 300 characters, 1,200 bytes
    error = c.expect("error", request_id="wide")
    assert error["code"] == "question_too_long" and "1200 bytes" in error["message"] and not error["fatal"]
    assert c.ask("fine", "Who built this?")["finish"] in ("stop", "length")  # the session goes on


def test_every_acknowledged_rating_is_already_committed(server):
    c = Client(server.url, tour="t-ack")
    answers = [c.ask(f"r{n}")["answer_id"] for n in range(3)]
    for n, answer in enumerate(answers * 10):
        c.send({"type": "feedback", "feedback_id": f"ack-{n}", "answer_id": answer, "scores": SCORES})
        ack = c.expect("feedback.ack")
        # another connection, opened after the ack: the row is there, not in a buffer
        with sqlite3.connect(server.settings.db) as reader:
            assert reader.execute("SELECT count(*) FROM ratings WHERE feedback_id=?", (ack["feedback_id"],)).fetchone()[0] == 1


def test_a_cancelled_question_leaves_the_queue_at_once_and_never_reaches_the_model(tiny_llama, tmp_path):
    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=tmp_path / "c.sqlite3",
                              max_batch=1, max_answer_tokens=600, answers=UNCHECKED)
    with RunningServer(settings) as s:
        c = Client(s.url, tour="t-drop")
        c.send({"type": "ask", "request_id": "long", "text": "Who built it?"})
        c.expect("answer.delta", request_id="long")  # the model is busy with it
        c.send({"type": "ask", "request_id": "queued", "text": "When was it built?"})
        s.wait_for_queue(1)
        c.send({"type": "cancel", "request_id": "queued"})
        s.wait_for_queue(0)  # its place is free before the model is
        done = c.expect("answer.done", request_id="queued", timeout=60)
        assert done["finish"] == "cancelled" and done["prompt_tokens"] == 0 and done["generated_tokens"] == 0
        c.send({"type": "cancel", "request_id": "long"})


def test_an_ask_costs_more_of_the_rate_limit_than_a_ping(tiny_llama, tmp_path):
    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=tmp_path / "r.sqlite3",
                              max_answer_tokens=8, answers=UNCHECKED, messages_per_second=0.01, burst=13,
                              ask_cost=5.0, max_inflight=4)
    with RunningServer(settings) as s:
        c = Client(s.url, tour="t-cost")  # the hello took one of thirteen
        for rid in ("a1", "a2", "a3"):
            c.send({"type": "ask", "request_id": rid, "text": "Who built it?"})
        assert c.expect("error", request_id="a3")["code"] == "rate_limited"  # 1 + 5 + 5 + 1: no room for 4 more
        c.send({"type": "ping", "nonce": "p"})
        assert c.expect("pong", nonce="p")  # a ping still fits


def test_a_greek_visitor_sees_the_exhibit_and_hears_the_catalogue_in_greek(server):
    visitor = Client(server.url, tour="t-el", language="el")
    visitor.send({"type": "exhibit.view", "exhibit": "kourion"})
    shown = visitor.expect("exhibit.in_view")
    assert shown["name"] == "Κούριον" and shown["summary"].startswith("Το Κούριον ήταν")
    done = visitor.ask("el1", "Πόσους θεατές χωρούσε το ρωμαϊκό θέατρο;")
    greek_facts = default_catalogue().get("kourion").text("el")[1]
    # the model writes no Greek: it is not asked; the answer is the catalogue's own Greek sentences
    assert done["mode"] == "catalogue" and done["language"] == "el" and done["generated_tokens"] == 0
    assert greek_facts[3] in done["text"] and "�" not in done["text"]
    english = visitor.ask("en1", "How many spectators could the theatre seat?")  # plainly English
    assert english["language"] == "en" and english["mode"] != "catalogue"
    visitor.close()


def test_no_prompt_is_warmed_where_the_catalogue_answers_alone(tiny_llama, tmp_path):
    """With `voice: quote` the model is never asked: computing prompt beginnings for it would only
    take the cores from the first words."""
    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=tmp_path / "w.sqlite3",
                              answers={"voice": "quote"})
    with RunningServer(settings) as s:
        engine = s.server.service.engine
        visitor = Client(s.url, tour="t-cold")
        visitor.send({"type": "exhibit.view", "exhibit": "choirokoitia"})
        visitor.expect("exhibit.in_view")
        done = visitor.ask("c1", "Who lived here?")
        assert done["generated_tokens"] == 0 and done["text"]
        assert engine.computed == 0 and not engine.prefixes.held  # nothing was computed for the model
        visitor.close()


def test_the_robot_arriving_introduces_the_exhibit_to_its_followers_only(server):
    follower = Client(server.url, client="vr", tour="t-intro")
    quiet = Client(server.url, client="vr", tour="t-intro", introductions=False)
    looker = Client(server.url, client="vr", tour="t-intro")
    looker.send({"type": "exhibit.view", "exhibit": "kourion"})
    looker.expect("exhibit.in_view")
    robot = Client(server.url, client="robot", tour="t-intro")
    robot.send({"type": "exhibit.in_view", "exhibit": "salamis", "source": "pose"})
    start = follower.expect("answer.start", kind="introduction")
    done = follower.expect("answer.done", request_id=start["request_id"])
    # the tiny random model's words may all be cleaned away: that it spoke is what counts here
    assert start["exhibit"] == "salamis" and done["kind"] == "introduction" and done["generated_tokens"] > 0, done
    spoken = robot.expect("answer.done", kind="introduction")  # the robot's speaker has its own
    assert spoken["generated_tokens"] > 0 and spoken["answer_id"] != done["answer_id"]
    db = sqlite3.connect(server.settings.db)
    assert db.execute("SELECT exhibit FROM interactions WHERE answer_id=?", (done["answer_id"],)).fetchone() == ("salamis",)
    looker.send({"type": "exhibit.view", "exhibit": "kyrenia-ship"})  # a visitor's own look introduces nothing to others
    looker.expect("exhibit.in_view")
    for other in (quiet, looker):
        with pytest.raises(TimeoutError):
            other.expect("answer.start", timeout=1.5)
    with pytest.raises(TimeoutError):
        follower.expect("answer.start", timeout=1.5)
    for c in (follower, quiet, looker, robot):
        c.close()


def test_every_answer_suggests_what_to_ask_next(server):
    c = Client(server.url, client="vr", tour="t-suggest")
    c.send({"type": "exhibit.view", "exhibit": "kyrenia-ship"})
    c.expect("exhibit.in_view")
    done = c.ask("s1", "Who found this ship?")
    assert 2 <= len(done["suggestions"]) <= 3 and "Who found this ship?" not in done["suggestions"]
    c.close()


def test_an_answer_is_marked_heard_when_its_first_words_are_sent(server, monkeypatch):
    """The engine lets an answer already heard wait for a visitor who has heard nothing: that
    needs the service to mark the moment each answer's first words go out."""
    scheduler = server.server.service.scheduler
    submitted, submit = [], scheduler.submit
    monkeypatch.setattr(scheduler, "submit", lambda job: (submitted.append(job.request), submit(job))[1])
    c = Client(server.url, tour="t-heard")
    c.send({"type": "exhibit.view", "exhibit": "kyrenia-ship"})
    c.expect("exhibit.in_view")
    asked = time.monotonic()
    c.send({"type": "ask", "request_id": "r1", "text": "Who found this ship?"})
    c.expect("answer.delta", request_id="r1")
    first_words = time.monotonic()
    c.expect("answer.done", request_id="r1")
    [request] = submitted
    assert request.heard is not None and asked <= request.heard <= first_words
    c.close()
