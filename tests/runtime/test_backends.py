"""GGUF export, the llama.cpp backend and the OpenAI-compatible backend (against llama-cpp-python's
own server). Skipped where llama-cpp-python, an optional extra, is not installed."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from knowledge.prompting import facts_block
from runtime.engine import GenRequest
from tests.conftest import free_port

llama_cpp = pytest.importorskip("llama_cpp", reason="llama-cpp-python is the optional extra 'llamacpp'")
pytestmark = pytest.mark.slow
MESSAGES = [{"role": "system", "content": "You are a museum guide."},
            {"role": "user", "content": "Who found the Kyrenia ship?"}]


@pytest.fixture(scope="module")
def exported(tiny_llama, tmp_path_factory):
    """The tiny llama as a guide directory with f16 and q8_0 GGUF exports in its manifest."""
    from training.export import main

    guide = tmp_path_factory.mktemp("guide")
    shutil.copytree(tiny_llama, guide, dirs_exist_ok=True)
    (guide / "manifest.json").write_text(json.dumps({"kind": "heritage-guide"}))
    assert main(["--model", str(guide), "--types", "f16,q8_0"]) == 0
    return guide


def test_export_is_readable_by_llama_cpp_and_matches_transformers(exported):
    from training.export import parity

    manifest = json.loads((exported / "manifest.json").read_text())
    assert {e["file"] for e in manifest["exports"]} == {"gguf/guide-f16.gguf", "gguf/guide-q8_0.gguf"}
    llm = llama_cpp.Llama(str(exported / "gguf" / "guide-q8_0.gguf"), n_ctx=256, verbose=False)
    assert llm.n_vocab() == 49152
    rate = parity(exported, exported / "gguf" / "guide-f16.gguf", [MESSAGES] * 2, max_tokens=8)
    assert rate == 1.0  # greedy tokens agree: the q/k layout and the tensor names are right


@pytest.fixture(scope="module")
def engine(exported):
    from runtime.llamacpp import LlamaCppEngine

    return LlamaCppEngine(str(exported), max_batch=3, prefixes=2)


def answer(engine, requests, more=None):
    texts, finishes = [""] * 8, [None] * 8
    for piece in engine.generate(requests, more):
        assert finishes[piece.index] is None, "a request got pieces after it finished"
        texts[piece.index] += piece.text
        finishes[piece.index] = piece.finish
    return texts, finishes


def asked(question, exhibit="You are a museum guide at the Kyrenia Ship. " * 4):
    return [{"role": "system", "content": exhibit}, {"role": "user", "content": question}]


def test_llamacpp_backend_streams_and_cancels(engine):
    assert engine.gguf.name == "guide-q8_0.gguf"
    pieces = list(engine.generate([GenRequest(MESSAGES, 6)]))
    assert pieces[-1].finish in ("stop", "length") and pieces[-1].prompt_tokens > 10
    request = GenRequest(MESSAGES, 200)
    seen = []
    for piece in engine.generate([request]):
        seen.append(piece)
        if len(seen) == 2:
            request.cancel.set()
    assert seen[-1].finish == "cancelled" and len(seen) == 3  # stops on the next token


def test_llama_cpp_runs_its_own_thread_pool_on_every_core(engine, exported):
    """Set-up builds llama.cpp without OpenMP: a team started from the server's generation thread
    decoded at about 60% of the speed of llama.cpp's own pool."""
    import os

    import llama_cpp

    from runtime.llamacpp import LlamaCppEngine

    assert b"OPENMP = 1" not in llama_cpp.llama_print_system_info()
    assert engine.n_threads == (os.cpu_count() or 1)
    assert LlamaCppEngine(str(exported), threads=1, max_batch=1, prefixes=1).n_threads == 1


def test_llama_cpp_uses_avx512_exactly_where_the_cpu_has_it():
    """Set-up adds AVX-512 with VNNI and BF16 to the build only where the CPU lists every part
    of it: without them prompts ran slower, with them on a CPU that lacks one every answer
    would die on an illegal instruction."""
    from pathlib import Path

    listed = set(Path("/proc/cpuinfo").read_text().split())
    parts = {"avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw", "avx512_vnni", "avx512_bf16"}
    built = llama_cpp.llama_print_system_info()
    assert (b"AVX512_VNNI = 1" in built) == (parts <= listed), built.decode()
    assert b"AMX_INT8 = 1" not in built  # the int8 path that crashed on q8_0


def test_answers_together_and_joining_midway_equal_answers_alone(engine):
    questions = ["Who found it?", "What did the ship carry across the sea to Kyrenia?", "How old?", "Why?"]
    alone = [answer(engine, [GenRequest(asked(q), 10)]) for q in questions]
    late = [GenRequest(asked(q), 10) for q in questions[2:]]
    handed = []

    def more(room):  # two more visitors ask while the first two answers are running
        new, late[:] = late[:room], late[room:]
        handed.append(room)
        return new
    texts, finishes = answer(engine, [GenRequest(asked(q), 10) for q in questions[:2]], more)
    assert texts[:4] == [t[0] for t, _ in alone] and finishes[:4] == [f[0] for _, f in alone]
    assert all(texts[:4])
    assert handed[0] == 1  # three sequences: the third request joined while two were live


def test_guessed_tokens_are_kept_where_greedy_decoding_chooses_them_and_change_nothing(engine, monkeypatch):
    """An answer decoded alone carries tokens guessed from its prompt: the right ones save whole
    steps, wrong ones cost nothing but the step they rode in, and the words are the same."""
    import runtime.llamacpp as llamacpp

    messages = asked("What did the ship carry across the sea to Kyrenia?")
    prompt, chosen, steps = engine.encode(messages), [], []
    real_pick, real_decode = llamacpp.pick, engine._decode
    monkeypatch.setattr(llamacpp, "pick", lambda *a: chosen.append(real_pick(*a)) or chosen[-1])
    monkeypatch.setattr(engine, "_decode", lambda rows: steps.append(len(rows)) or real_decode(rows))
    monkeypatch.setattr(llamacpp, "DRAFT", 0)
    plain = answer(engine, [GenRequest(messages, 12)])
    greedy, unguessed = list(chosen), len(steps)
    assert len(greedy) == 12 and unguessed == 12  # the prompt gives the first token, each step one more

    def future(history, size):  # the tokens greedy decoding will choose: every guess right
        return greedy[len(history) - len(prompt):][:size]
    monkeypatch.setattr(llamacpp, "DRAFT", 8)
    monkeypatch.setattr(llamacpp, "draft", future)
    steps.clear()
    assert answer(engine, [GenRequest(messages, 12)]) == plain
    assert len(steps) == 3 and steps[1:] == [9, 2]  # the prompt; 1 + 8 guesses; 1 + the one still allowed
    unused = next(t for t in range(engine.n_vocab) if t not in greedy)
    monkeypatch.setattr(llamacpp, "draft", lambda history, size: [unused] * size)
    steps.clear()
    assert answer(engine, [GenRequest(messages, 12)]) == plain and len(steps) == 12


def test_exhibit_prefix_is_computed_once_and_can_be_warmed(engine):
    first, second = asked("Who found it?", "The Tombs of the Kings. " * 6), asked("When?", "The Tombs of the Kings. " * 6)
    before = engine.computed
    answer(engine, [GenRequest(first, 2)])
    cold = engine.computed - before
    before = engine.computed
    answer(engine, [GenRequest(second, 2)])
    tail = len(engine.encode(second)) - len(engine.system_tokens(second))
    assert engine.computed - before <= tail + 1 < cold
    warmed = asked("Who?", "Choirokoitia, a Neolithic village. " * 5)
    engine.warm(warmed)
    before = engine.computed
    answer(engine, [GenRequest(warmed, 2)])
    assert engine.computed - before <= len(engine.encode(warmed)) - len(engine.system_tokens(warmed)) + 1


def test_a_fact_warmed_after_its_exhibit_leaves_only_the_question_to_compute(engine):
    system = {"role": "system", "content": "The Kolossi Castle, a tower of the Knights. " * 5}
    fact = "The tower was rebuilt in 1454 under Louis de Magnac, a commander of the order."
    engine.warm([system])
    before = engine.computed
    engine.warm([system, {"role": "user", "content": facts_block([fact])}])
    beginning = engine.beginning_tokens([system, {"role": "user", "content": facts_block([fact])}])
    assert engine.computed - before == len(beginning) - len(engine.system_tokens([system]))  # the turn was reused
    question = [system, {"role": "user", "content": facts_block([fact]) + "\nQuestion: Who rebuilt it?"}]
    before = engine.computed
    answer(engine, [GenRequest(question, 2)])
    tail = len(engine.encode(question)) - len(beginning)
    assert engine.computed - before <= tail + 3  # the question, and the turn's end the beginning ended otherwise
    assert tail + 3 < len(engine.encode(question)) - len(engine.system_tokens(question)) - 10


def test_a_cache_of_one_beginning_continues_it_in_place(exported):
    from runtime.llamacpp import LlamaCppEngine

    single = LlamaCppEngine(str(exported), max_batch=1, prefixes=1)
    system = {"role": "system", "content": "The Venetian Walls of Nicosia, a circle of bastions. " * 4}
    turn = [system, {"role": "user", "content": facts_block(["The walls have eleven heart-shaped bastions."])}]
    single.warm([system])
    before = single.computed
    single.warm(turn)
    assert single.computed - before == len(single.beginning_tokens(turn)) - len(single.system_tokens(turn))
    asked = [system, {"role": "user", "content": turn[1]["content"] + "\nQuestion: How many bastions?"}]
    before = single.computed
    answer(single, [GenRequest(asked, 2)])
    assert single.computed - before <= len(single.encode(asked)) - len(single.beginning_tokens(turn)) + 3


def test_a_store_per_sequence_warms_an_exhibit_s_turn_only(exported):
    from runtime.llamacpp import LlamaCppEngine

    split = LlamaCppEngine(str(exported), max_batch=1, prefixes=2, kv="split")
    system = {"role": "system", "content": "The Idol of Pomos, a cross-shaped figure. " * 5}
    turn = [system, {"role": "user", "content": facts_block(["It is carved from picrolite."])}]
    split.warm(turn)  # a fact's beginning would take cells of its own for the turn it repeats
    assert split.computed == len(split.system_tokens(turn))
    assert list(split.cache.held.values()) == [tuple(split.system_tokens(turn))]


def test_a_beginning_that_fails_midway_is_never_copied(exported, monkeypatch):
    from runtime.llamacpp import LlamaCppEngine

    engine = LlamaCppEngine(str(exported), max_batch=1, prefixes=2)
    system = {"role": "system", "content": "The Tombs of the Kings, cut into the rock. " * 5}

    def failing(rows):
        raise RuntimeError("llama_decode failed")
    monkeypatch.setattr(engine, "_decode", failing)
    with pytest.raises(RuntimeError):
        engine.warm([system])
    assert not engine.cache.held and sorted(engine.cache.free) == [1, 2]  # the slot is free again


def test_the_shared_cell_store_and_one_store_per_sequence_give_the_same_answers(engine, exported):
    from runtime.llamacpp import LlamaCppEngine

    assert engine.kv == "unified"  # the default
    split = LlamaCppEngine(str(exported), max_batch=3, prefixes=2, kv="split")
    prompts = [asked(q, "The House of Dionysus in Paphos. " * 5) for q in ("Who found it?", "When?", "Mosaics?")]
    for each in (engine, split):
        each.warm(prompts[0])  # later questions there copy the cached beginning
    outputs = [answer(each, [GenRequest(p, 8) for p in prompts])[0][:3] for each in (engine, split)]
    assert outputs[0] == outputs[1] and all(outputs[0])


def test_an_answer_under_way_lends_its_prompt_to_one_that_joins(engine):
    same = asked("Who carved the statues?", "The sanctuary of Apollo Hylates. " * 5)
    second, counts = GenRequest(same, 3), []

    def more(room):
        counts.append(engine.computed)
        return [second] if len(counts) == 2 else []  # after the first step
    texts, finishes = answer(engine, [GenRequest(same, 3)], more)
    # the first step computed the whole prompt; the joiner reused it and computed one token
    assert engine.computed - counts[1] == 1 and texts[0] == texts[1]


def test_scheduler_warms_an_exhibit_when_idle_and_lets_a_new_question_join(engine):
    import asyncio

    from runtime.scheduler import Job, Scheduler

    scheduler = Scheduler(engine, max_queue=8)
    arrived = asked("Who?", "The mosaics of Paphos, in the House of Dionysos. " * 4)
    before = engine.computed
    scheduler.warm("paphos/en", [arrived[:1]])
    deadline = time.time() + 20
    while engine.computed - before < len(engine.system_tokens(arrived)) and time.time() < deadline:
        time.sleep(0.05)
    assert engine.computed - before == len(engine.system_tokens(arrived))

    async def ask_two():
        loop, events = asyncio.get_running_loop(), []
        first_piece = asyncio.Event()

        def record(name):
            def on_piece(piece):
                events.append((name, piece.finish))
                first_piece.set()
            return on_piece
        scheduler.submit(Job("a", GenRequest(arrived, 40), record("long"), loop))
        await first_piece.wait()
        scheduler.submit(Job("b", GenRequest(asked("When?"), 2), record("short"), loop))
        while sum(1 for _, f in events if f) < 2:
            await asyncio.sleep(0.01)
        return events
    events = asyncio.run(ask_two())
    finished = [name for name, finish in events if finish]
    assert finished == ["short", "long"]  # the short answer joined the long one and ended first
    scheduler.stop()


def test_auto_backend_takes_llamacpp_only_for_a_model_with_a_gguf(exported, tiny_llama):
    from runtime.engines import EngineChoice, make_engine

    assert make_engine(EngineChoice(model=str(exported))).name == "llamacpp"
    assert make_engine(EngineChoice(model=str(tiny_llama))).name == "transformers"


def test_unexported_guide_is_a_clear_error(tiny_llama, tmp_path):
    from runtime.backends import BackendUnavailable
    from runtime.llamacpp import LlamaCppEngine

    shutil.copytree(tiny_llama, tmp_path / "g")
    (tmp_path / "g" / "manifest.json").write_text("{}")
    with pytest.raises(BackendUnavailable, match="training.export"):
        LlamaCppEngine(str(tmp_path / "g"))


@pytest.fixture(scope="module")
def openai_server(exported):
    pytest.importorskip("uvicorn", reason="llama-cpp-python's server needs its 'server' extra")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model",
                             str(exported / "gguf" / "guide-q8_0.gguf"), "--port", str(port),
                             "--model_alias", "guide", "--n_ctx", "512"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def test_openai_backend_streams_from_a_real_server(openai_server):
    from runtime.backends import OpenAIEngine

    engine = OpenAIEngine(openai_server, "guide", timeout=30)
    pieces = list(engine.generate([GenRequest(MESSAGES, 8)]))
    assert pieces[-1].finish in ("stop", "length")
    assert sum(1 for p in pieces if p.text) >= 1


def test_openai_backend_errors_instead_of_hanging():
    from runtime.backends import BackendUnavailable, OpenAIEngine

    down = OpenAIEngine(f"http://127.0.0.1:{free_port()}", "guide", timeout=2)
    with pytest.raises(BackendUnavailable, match="did not answer"):
        list(down.generate([GenRequest(MESSAGES, 8)]))
    silent = socket.socket()  # accepts connections, never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    threading.Thread(target=lambda: silent.accept(), daemon=True).start()
    slow = OpenAIEngine(f"http://127.0.0.1:{silent.getsockname()[1]}", "guide", timeout=1)
    start = time.time()
    with pytest.raises(BackendUnavailable):
        list(slow.generate([GenRequest(MESSAGES, 8)]))
    assert time.time() - start < 5
    silent.close()


def test_a_request_too_long_for_its_room_fails_alone(engine):
    huge = [{"role": "system", "content": "You are a museum guide."},
            {"role": "user", "content": "Tell me about the ship. " * 700}]  # beyond the whole context
    texts, finishes = answer(engine, [GenRequest(MESSAGES, 6), GenRequest(huge, 6), GenRequest(MESSAGES, 6)])
    assert finishes[1] == "error" and texts[1] == ""
    assert finishes[0] in ("stop", "length") and finishes[2] in ("stop", "length") and texts[0] == texts[2]


def test_auto_falls_back_to_transformers_when_the_llamacpp_check_dies(exported, tmp_path, caplog):
    import logging

    from runtime.engine import TransformersEngine
    from runtime.engines import EngineChoice, make_engine
    from runtime.probe import llamacpp_crashes

    assert llamacpp_crashes(str(exported)) is None  # a build that works: trusted
    broken = tmp_path / "broken"
    shutil.copytree(exported, broken)
    (broken / "gguf" / "guide-q8_0.gguf").write_bytes(b"GGUF" + b"\0" * 64)  # loads nothing: the child fails
    (broken / "gguf" / "guide-f16.gguf").write_bytes(b"GGUF" + b"\0" * 64)
    caplog.set_level(logging.INFO, logger="runtime.engines")
    engine = make_engine(EngineChoice(model=str(broken), backend="auto"))
    assert isinstance(engine, TransformersEngine)
    assert any("a test decode with llama.cpp failed" in r.getMessage() for r in caplog.records)
    with pytest.raises(Exception, match="test decode with llama.cpp failed"):
        make_engine(EngineChoice(model=str(broken), backend="llamacpp"))


@pytest.mark.embedded
def test_both_engines_give_the_same_greedy_answer_with_the_serving_penalty(tmp_path):
    """One sampling core: the embedded model gives the same streamed text from transformers and
    from llama.cpp (on an f16 export, which rounds no more than half precision), with the serving
    repetition penalty, which changes what is said (so both really apply it, digits spared)."""
    from runtime.engine import TransformersEngine
    from runtime.llamacpp import LlamaCppEngine
    from weights.gguf_export import export_gguf
    from weights.models import embedded_gguf_path, resolve_lm

    model = tmp_path / "base"
    shutil.copytree(resolve_lm("base").path, model)
    export_gguf(model, model / "gguf" / "guide-f16.gguf", "f16", embedded_gguf_path(), progress=False)
    (model / "manifest.json").write_text(json.dumps({"exports": [{"format": "gguf", "file": "gguf/guide-f16.gguf"}]}))
    facts = "Facts: The Kyrenia ship sank around 300 BC. It was found in 1965 by Andreas Cariolou."
    prompts = [asked(q, "You are a museum guide. " + facts) for q in
               ("Who found the Kyrenia ship?", "When did it sink, and when was it found?")]
    hf = TransformersEngine(str(model), max_batch=2)
    answers = {}
    for penalty in (1.15, 1.0):
        hf.repetition_penalty = penalty
        llama = LlamaCppEngine(str(model), max_batch=2, prefixes=1, repetition_penalty=penalty)
        for messages in prompts:
            texts = ["".join(p.text for p in e.generate([GenRequest(messages, 32)])) for e in (hf, llama)]
            assert texts[0] and texts[0] == texts[1], (penalty, texts)
            answers[penalty, messages[-1]["content"]] = texts[0]
    assert any(answers[1.15, m[-1]["content"]] != answers[1.0, m[-1]["content"]] for m in prompts)
    assert "1965" in answers[1.15, prompts[1][-1]["content"]]  # a year survives the penalty


def test_the_bench_times_bare_llama_cpp_alone_and_answers_decoded_together(exported):
    """`make bench` prints llama-cpp-python's own prompt and decode rates on the engine's GGUF and
    prompt tokens, and its rate for one token of each of several answers per step, in one shared
    KV store and in a store each: the figures the engine's are compared with."""
    from runtime.llamacpp import LlamaCppEngine
    from tools.bench import bare_llamacpp

    engine = LlamaCppEngine(str(exported), max_batch=1, prefixes=1)
    prompts = [engine.encode(asked(q)) for q in ("Who found it?", "How old is it?", "Why did it sink?")]
    figures = bare_llamacpp(str(engine.gguf), prompts, 1)
    assert set(figures) == {"bare_llamacpp_prompt_tokens_per_s", "bare_llamacpp_decode_tokens_per_s",
                            "bare_llamacpp_together_decode_tokens_per_s",
                            "bare_llamacpp_together_split_decode_tokens_per_s"}
    assert all(rate > 0 for rate in figures.values())


def test_an_answer_just_heard_waits_while_another_visitor_has_heard_nothing(engine, monkeypatch):
    """The served order of work: a visitor who has their first words is still hearing them, so
    their answer skips steps until a visitor who has heard nothing has; the words are the same;
    a cancelled answer never waits."""
    import runtime.llamacpp as llamacpp

    monkeypatch.setattr(llamacpp, "HOLD", 60.0)  # however slow this machine is today
    questions = ["Who found it?", "What did the ship carry across the sea to Kyrenia?"]
    alone = [answer(engine, [GenRequest(asked(q), 10)])[0][0] for q in questions]
    assert all(len(engine.tokenizer(a)["input_ids"]) > 2 for a in alone)  # several words each
    heard = GenRequest(asked(questions[0]), 10, heard=time.monotonic())
    order = [piece.index for piece in engine.generate([heard, GenRequest(asked(questions[1]), 10)]) if piece.text]
    assert 1 in order
    silent_done = len(order) - order[::-1].index(1)  # after the other visitor's last words
    assert order[:silent_done].count(0) <= 1  # at most the word its prompt step gave
    texts, _ = answer(engine, [GenRequest(asked(q), 10, heard=time.monotonic()) for q in questions])
    assert texts[:2] == alone  # everyone has heard something: nobody waits, nothing changes
    cancelled = GenRequest(asked(questions[0]), 10, heard=time.monotonic())
    pieces = []
    for piece in engine.generate([cancelled, GenRequest(asked(questions[1]), 10)]):
        pieces.append(piece)
        if piece.index == 0 and piece.text:
            cancelled.cancel.set()
    ends = [n for n, piece in enumerate(pieces) if piece.finish]
    assert pieces[ends[0]].index == 0 and pieces[ends[0]].finish == "cancelled"  # not after the other's end
