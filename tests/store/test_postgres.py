"""The PostgreSQL store against a real PostgreSQL server started for these tests (initdb and
pg_ctl in a temporary directory); skipped where the server binaries or psycopg are missing."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from guide.config import ServerSettings
from guide.protocol import CRITERIA
from store import open_store
from store.schema import MIGRATIONS, Interaction, UnknownAnswer
from tests.conftest import free_port
from tests.guide.harness import Client, RunningServer
from tests.store.test_sqlite import PROMPT, REJECTED, answered, check_prompt_and_rejections_are_kept_with_their_answer

pytest.importorskip("psycopg", reason="psycopg is the optional extra 'postgres'")
INITDB = shutil.which("initdb") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))), None)


@pytest.fixture(scope="module")
def postgres():
    if not INITDB:
        pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    bindir = Path(os.path.realpath(INITDB)).parent
    root = Path(tempfile.mkdtemp(prefix="guide-pg-"))
    as_user = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    port = free_port()
    data = root / "data"
    subprocess.run(as_user + [str(bindir / "initdb"), "-D", str(data), "-U", "guide", "--auth=trust"],
                   check=True, capture_output=True)
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=on"
    subprocess.run(as_user + [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
                              "-w", "start"], check=True, capture_output=True)
    yield f"postgresql://guide@127.0.0.1:{port}/postgres"
    subprocess.run(as_user + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                   capture_output=True)
    shutil.rmtree(root, ignore_errors=True)


def interaction(answer_id: str) -> Interaction:
    return Interaction(answer_id, "s1", "t1", "kyrenia-ship", "Who found it?", "A diver.", "stop",
                       [{"exhibit": "kyrenia-ship", "fact": "f"}], "m", None, "c", 10, 3, 12.5, 80.0)


def test_postgres_store_keeps_the_sqlite_stores_contract(postgres):
    store = open_store(postgres)
    assert type(store).__name__ == "PostgresStore" and store.schema_version == len(MIGRATIONS)
    store.log_interaction(interaction("a1"))
    scores = dict.fromkeys(CRITERIA, 4)
    assert store.add_rating("f1", "a1", scores, "clear", "expert") is True
    assert store.add_rating("f1", "a1", scores, "clear", "expert") is False  # acknowledged, no second row
    with pytest.raises(UnknownAnswer):
        store.add_rating("f2", "nope", scores, None, "visitor")
    with pytest.raises(Exception):
        store.add_rating("f3", "a1", dict(scores, safety=9), None, "visitor")  # the CHECK holds
    other = open_store(postgres)  # a second guide process: no second migration, same rows
    rows = other.query("SELECT r.feedback_id, i.created_at FROM ratings r JOIN interactions i "
                       "USING (answer_id) WHERE r.role = ?", ("expert",))
    assert [r["feedback_id"] for r in rows] == ["f1"] and rows[0]["created_at"] > 1.7e9
    assert other.schema_version == len(MIGRATIONS)
    store.close()
    other.close()


def test_guide_server_on_postgres_acknowledges_ratings_the_review_reads(postgres, tiny_llama, tmp_path):
    from training.review import review

    settings = ServerSettings(port=free_port(), model=str(tiny_llama), db=postgres, max_answer_tokens=8)
    with RunningServer(settings) as s:
        visitor = Client(s.url, tour="pg")
        visitor.send({"type": "exhibit.view", "exhibit": "kyrenia-ship"})
        done = visitor.ask("q1")
        visitor.send({"type": "feedback", "feedback_id": "pg-f1", "answer_id": done["answer_id"],
                      "scores": dict.fromkeys(CRITERIA, 5), "role": "visitor"})
        assert visitor.expect("feedback.ack", feedback_id="pg-f1")["duplicate"] is False
    counts = review(postgres, tmp_path / "review")
    assert counts["ratings"] >= 1 and "pg" in (tmp_path / "review" / "ratings.csv").read_text()


def test_evaluation_reads_human_alignment_ratings_from_postgres(postgres):
    from training.evaluate import human_alignment

    store = open_store(postgres)
    store.log_interaction(Interaction("h1", "s", "t", "kolossi-castle", "q", "a", "stop", [], "guide-x",
                                      None, "c", 1, 1, 1.0, 1.0))
    store.add_rating("hf1", "h1", dict.fromkeys(CRITERIA, 5) | {"alignment": 3}, None, "expert")
    store.close()
    assert human_alignment(postgres, "guide-x") == [0.5] and human_alignment(postgres, "other") is None


def test_postgres_refuses_a_newer_schema_and_never_lowers_it(postgres):
    import psycopg

    from store.schema import SchemaTooNew

    open_store(postgres).close()
    with psycopg.connect(postgres, autocommit=True) as db:
        db.execute("UPDATE schema_version SET version = %s", (len(MIGRATIONS) + 2,))
    with pytest.raises(SchemaTooNew, match="newer than this guide's"):
        open_store(postgres)
    with psycopg.connect(postgres, autocommit=True) as db:
        assert db.execute("SELECT version FROM schema_version").fetchone()[0] == len(MIGRATIONS) + 2
        db.execute("UPDATE schema_version SET version = %s", (len(MIGRATIONS),))


def test_postgres_store_reconnects_after_its_connection_is_lost(postgres):
    import time

    import psycopg

    store = open_store(postgres)
    store.log_interaction(interaction("r1"))
    with psycopg.connect(postgres, autocommit=True) as admin:  # as a database restart would
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE pid <> pg_backend_pid() AND datname = 'postgres'")
    with pytest.raises(psycopg.OperationalError):
        store.log_interaction(interaction("r2"))  # the loss is an error, not a hang
    deadline = time.time() + 10
    while True:  # the next calls open a new connection
        try:
            store.log_interaction(interaction("r2"))
            break
        except psycopg.OperationalError:
            assert time.time() < deadline
            time.sleep(0.2)
    assert {r["answer_id"] for r in store.query("SELECT answer_id FROM interactions WHERE answer_id LIKE ?", ("r%",))} == {"r1", "r2"}
    store.close()


def test_one_rating_per_session_and_answer_counts_on_postgres(postgres):
    from tests.store.test_sqlite import check_one_rating_per_session_and_answer

    store = open_store(postgres)
    check_one_rating_per_session_and_answer(store)
    store.close()


def test_the_reader_never_writes_postgres(postgres):
    import psycopg

    from store import read_rows

    open_store(postgres).close()
    counted = read_rows(postgres, "SELECT count(*) AS n FROM ratings")[0]["n"]
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        read_rows(postgres, "DELETE FROM ratings")
    assert read_rows(postgres, "SELECT count(*) AS n FROM ratings")[0]["n"] == counted


def test_prompt_and_rejections_are_kept_with_their_answer_on_postgres(postgres, monkeypatch):
    import psycopg

    from store import postgres as backend

    store = open_store(postgres)
    check_prompt_and_rejections_are_kept_with_their_answer(store, backend, psycopg.errors.UniqueViolation, monkeypatch)
    store.close()


def test_a_postgres_store_at_version_3_is_migrated_keeping_its_rows(postgres):
    import psycopg

    from store.postgres import postgres_ddl

    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute("CREATE DATABASE version3")
    url = postgres.rsplit("/", 1)[0] + "/version3"
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for script in MIGRATIONS[:3]:
            db.execute(postgres_ddl(script))
        db.execute("INSERT INTO schema_version VALUES (3)")
        db.execute("INSERT INTO interactions (answer_id, session_id, tour, exhibit, question, answer, finish, "
                   "sources, model, catalogue_hash, created_at, language) "
                   "VALUES ('old', 's', 't', 'kourion', 'q', 'a', 'stop', '[]', 'm', 'c', 1.0, 'el')")
    store = open_store(url)
    assert store.schema_version == 4 == len(MIGRATIONS)
    assert store.query("SELECT answer_id, language, prompt FROM interactions") == [
        {"answer_id": "old", "language": "el", "prompt": None}]
    store.log_interaction(answered("new", prompt=PROMPT, rejections=REJECTED))
    assert store.query("SELECT count(*) AS n FROM rejections")[0]["n"] == 2
    store.close()
