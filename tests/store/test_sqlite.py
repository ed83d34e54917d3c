"""The SQLite store's schema versions: they only go up, and a newer store is refused. An answer
is kept with its prompt and its rejected sentences, all or nothing."""
import json
import sqlite3
from contextlib import closing
from dataclasses import replace

import pytest

from store import sqlite as backend
from store.criteria import CRITERIA
from store.schema import MIGRATIONS, Interaction, SchemaTooNew
from store.sqlite import SQLiteStore as Store

PROMPT = [{"role": "system", "content": "You are a guide. Ἀμμόχωστος, «quoted»."},
          {"role": "user", "content": "Facts:\n- A diver found it in 1965.\n\nQuestion: Who found it?"}]
REJECTED = ({"before": "", "sentence": "Pirates found it in 1700.", "reason": "a number not in the sources",
             "fact": "A diver found it in 1965."},
            {"before": "A diver found it in 1965.", "sentence": "He was Jacques Cousteau.",
             "reason": "a name not in the sources", "fact": ""})


def test_a_store_written_by_a_newer_guide_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "guide.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 3}")
    with pytest.raises(SchemaTooNew, match=f"version {len(MIGRATIONS) + 3}, newer than this guide's {len(MIGRATIONS)}"):
        Store(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 3


def test_a_new_store_is_migrated_once_to_the_current_version(tmp_path):
    store = Store(tmp_path / "guide.sqlite3")
    assert store.schema_version == len(MIGRATIONS)
    store.close()
    again = Store(tmp_path / "guide.sqlite3")
    assert again.schema_version == len(MIGRATIONS)
    again.close()


class Flaky:
    """A real SQLite store behind a switch that makes every write fail as a locked or vanished
    database would (an outage cannot be caused on demand in a real file without waiting out its
    lock timeout)."""

    def __init__(self, store: Store):
        self.store, self.down = store, False

    def __getattr__(self, name):
        method = getattr(self.store, name)

        def call(*args):
            if self.down:
                raise sqlite3.OperationalError("database is locked")
            return method(*args)
        return call


def test_answers_wait_out_a_store_outage_and_ratings_are_refused_not_lost(tmp_path):
    from guide.records import Records, StoreUnavailable
    from tests.store.test_postgres import interaction

    flaky = Flaky(Store(tmp_path / "guide.sqlite3"))
    records = Records(flaky)
    records.log(interaction("a1"))
    flaky.down = True
    records.log(interaction("a2"))
    records.log(interaction("a3"))
    assert not records.healthy and [r.answer_id for r in records.unlogged] == ["a2", "a3"]
    scores = dict.fromkeys(("factual_accuracy", "context_relevance", "safety", "alignment", "formatting"), 4)
    with pytest.raises(StoreUnavailable):
        records.rate("f1", "a1", scores, None, "visitor")
    flaky.down = False
    assert records.rate("f1", "a2", scores, None, "visitor") is True  # the waiting answers went first
    assert records.healthy and not records.unlogged and records.lost == 0
    rows = flaky.store.query("SELECT answer_id FROM interactions ORDER BY created_at")
    assert [r["answer_id"] for r in rows] == ["a1", "a2", "a3"]


def check_one_rating_per_session_and_answer(store) -> None:
    """The rating rules every store keeps (run on SQLite here, on PostgreSQL in test_store_pg)."""
    from store.schema import FeedbackConflict
    from tests.store.test_postgres import interaction

    store.log_interaction(interaction("x1"))
    store.log_interaction(interaction("x2"))
    low, high = dict.fromkeys(CRITERIA, 1), dict.fromkeys(CRITERIA, 5)
    assert store.add_rating("k1", "x1", low, "first", "visitor", "s1") is True
    assert store.add_rating("k2", "x1", high, "changed my mind", "visitor", "s1") is True  # replaces k1
    assert store.add_rating("k3", "x1", low, None, "visitor", "s2") is True  # another session counts too
    assert store.add_rating("k2", "x1", high, None, "visitor", "s1") is False  # a resend: no second row
    with pytest.raises(FeedbackConflict, match="already rates answer 'x1'"):
        store.add_rating("k2", "x2", high, None, "visitor", "s1")
    rows = store.query("SELECT feedback_id, safety, session_id FROM ratings WHERE answer_id = ? ORDER BY feedback_id", ("x1",))
    assert [(r["feedback_id"], r["safety"], r["session_id"]) for r in rows] == [("k2", 5, "s1"), ("k3", 1, "s2")]


def test_one_rating_per_session_and_answer_counts_on_sqlite(tmp_path):
    store = Store(tmp_path / "guide.sqlite3")
    check_one_rating_per_session_and_answer(store)
    store.close()


def test_a_rating_is_durable_when_the_store_says_so(tmp_path):
    """What protects an acknowledged rating from a crash: the write-ahead log, synced in full at
    every commit (a kill -9 alone cannot tell: the page cache survives it)."""
    store = Store(tmp_path / "guide.sqlite3")
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"
    assert store.query("PRAGMA synchronous")[0][0] == 2  # FULL
    store.close()


def test_answers_waiting_past_the_bound_are_counted_as_lost_never_silently(tmp_path):
    from guide.records import Records
    from tests.store.test_postgres import interaction

    flaky = Flaky(Store(tmp_path / "guide.sqlite3"))
    flaky.down = True
    records = Records(flaky, keep=2)
    for n in range(3):
        records.log(interaction(f"w{n}"))
    assert records.lost == 1 and [r.answer_id for r in records.unlogged] == ["w1", "w2"]


def test_the_reader_never_creates_migrates_or_writes_a_store(tmp_path):
    from store import read_rows

    path = tmp_path / "guide.sqlite3"
    with pytest.raises(FileNotFoundError):
        read_rows(path, "SELECT 1")
    assert not path.exists()  # asking did not create it
    Store(path).close()
    before = path.read_bytes()
    assert read_rows(path, "SELECT count(*) AS n FROM interactions") == [{"n": 0}]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        read_rows(path, "DELETE FROM interactions")
    assert path.read_bytes() == before


def answered(answer_id: str, **given) -> Interaction:
    return Interaction(answer_id, "s1", "t1", "kyrenia-ship", "Who found it?", "A diver.", "stop",
                       [{"exhibit": "kyrenia-ship", "fact": "f"}], "m", None, "c", 10, 3, 12.5, 80.0, **given)


def check_prompt_and_rejections_are_kept_with_their_answer(store, backend, refused: type[Exception], monkeypatch):
    """What every store keeps of a model's answer (run on SQLite here, on PostgreSQL in
    test_postgres); `backend` is the store's module, `refused` what its driver raises for a
    duplicate key."""
    store.log_interaction(answered("p1", prompt=PROMPT, rejections=REJECTED))
    store.log_interaction(answered("p0"))  # no model ran: no prompt, nothing rejected
    prompts = {r["answer_id"]: r["prompt"] for r in store.query(
        "SELECT answer_id, prompt FROM interactions WHERE answer_id IN (?, ?)", ("p0", "p1"))}
    assert prompts["p0"] is None and json.loads(prompts["p1"]) == PROMPT
    rows = store.query("SELECT answer_id, position, before, sentence, reason, fact FROM rejections "
                       "WHERE answer_id LIKE ? ORDER BY position", ("p%",))
    assert [dict(r) for r in rows] == [{"answer_id": "p1", "position": n, **r} for n, r in enumerate(REJECTED)]

    real = backend.rejection_inserts

    def twice(row, mark):  # both sentences at the first one's position: the database refuses the second
        sql, values = real(row, mark)
        return sql, [values[0], values[0]]
    with monkeypatch.context() as patched:
        patched.setattr(backend, "rejection_inserts", twice)
        with pytest.raises(refused):
            store.log_interaction(answered("p2", prompt=PROMPT, rejections=REJECTED))
    assert not store.query("SELECT answer_id FROM interactions WHERE answer_id = ?", ("p2",))
    assert not store.query("SELECT answer_id FROM rejections WHERE answer_id = ?", ("p2",))
    store.log_interaction(answered("p2", prompt=PROMPT, rejections=REJECTED))  # nothing was left half written
    assert len(store.query("SELECT position FROM rejections WHERE answer_id = ?", ("p2",))) == 2


def test_prompt_and_rejections_are_kept_with_their_answer_on_sqlite(tmp_path, monkeypatch):
    store = Store(tmp_path / "guide.sqlite3")
    check_prompt_and_rejections_are_kept_with_their_answer(store, backend, sqlite3.IntegrityError, monkeypatch)
    store.close()


def test_a_store_at_version_3_is_migrated_keeping_its_rows(tmp_path):
    path = tmp_path / "guide.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.executescript("".join(MIGRATIONS[:3]) + "PRAGMA user_version=3;")
        db.execute("INSERT INTO interactions (answer_id, session_id, tour, exhibit, question, answer, finish, "
                   "sources, model, catalogue_hash, created_at, language) "
                   "VALUES ('old', 's', 't', 'kourion', 'q', 'a', 'stop', '[]', 'm', 'c', 1.0, 'el')")
        db.execute("INSERT INTO ratings VALUES ('f-old', 'old', 4, 4, 4, 4, 4, NULL, 'visitor', 2.0, 's')")
        db.commit()
    store = Store(path)
    assert store.schema_version == 4 == len(MIGRATIONS)
    [old] = store.query("SELECT answer_id, language, prompt FROM interactions")
    assert tuple(old) == ("old", "el", None)
    assert [r["feedback_id"] for r in store.query("SELECT feedback_id FROM ratings")] == ["f-old"]
    store.log_interaction(answered("new", prompt=PROMPT, rejections=REJECTED[:1]))
    assert store.query("SELECT count(*) FROM rejections")[0][0] == 1
    store.close()
