"""The interaction and rating store: one SQLite file in WAL mode, schema versioned by migrations
(store/postgres.py keeps the same tables on PostgreSQL for several guide processes).

Ratings are written with synchronous=FULL and acknowledged only after the commit returns, so a
`kill -9` never loses an acknowledged rating. One connection serves all calls, behind a lock;
the server calls it through `asyncio.to_thread`.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from store.criteria import CRITERIA

MIGRATIONS = [
    """
    CREATE TABLE interactions (
        answer_id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        tour TEXT NOT NULL,
        exhibit TEXT,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        finish TEXT NOT NULL,
        sources TEXT NOT NULL,
        model TEXT NOT NULL,
        model_manifest TEXT,
        catalogue_hash TEXT NOT NULL,
        prompt_tokens INTEGER,
        generated_tokens INTEGER,
        ttft_ms REAL,
        total_ms REAL,
        created_at REAL NOT NULL
    );
    CREATE TABLE ratings (
        feedback_id TEXT PRIMARY KEY,
        answer_id TEXT NOT NULL REFERENCES interactions(answer_id),
        factual_accuracy INTEGER NOT NULL CHECK (factual_accuracy BETWEEN 1 AND 5),
        context_relevance INTEGER NOT NULL CHECK (context_relevance BETWEEN 1 AND 5),
        safety INTEGER NOT NULL CHECK (safety BETWEEN 1 AND 5),
        alignment INTEGER NOT NULL CHECK (alignment BETWEEN 1 AND 5),
        formatting INTEGER NOT NULL CHECK (formatting BETWEEN 1 AND 5),
        comment TEXT,
        role TEXT NOT NULL CHECK (role IN ('visitor', 'expert')),
        created_at REAL NOT NULL
    );
    CREATE INDEX ratings_answer ON ratings(answer_id);
    CREATE INDEX interactions_exhibit ON interactions(exhibit);
    """,
    # one rating per session and answer counts: a later one replaces it
    """
    ALTER TABLE ratings ADD COLUMN session_id TEXT;
    CREATE UNIQUE INDEX ratings_session_answer ON ratings(session_id, answer_id);
    """,
    # the visitor's language, so that exports rebuild the prompt the model was given
    """
    ALTER TABLE interactions ADD COLUMN language TEXT;
    CREATE INDEX interactions_session ON interactions(session_id, created_at);
    """,
]
RATING_COLUMNS = ("feedback_id", "answer_id", *CRITERIA, "comment", "role", "session_id", "created_at")


def rating_insert(mark: str, feedback_id: str, answer_id: str, scores: dict[str, int], comment: str | None,
                  role: str, session_id: str | None) -> tuple[str, tuple]:
    """The INSERT for one rating and its values; `mark` is the driver's placeholder."""
    values = (feedback_id, answer_id, *(scores[c] for c in CRITERIA), comment, role, session_id, time.time())
    return (f"INSERT INTO ratings ({', '.join(RATING_COLUMNS)}) "
            f"VALUES ({', '.join([mark] * len(RATING_COLUMNS))})"), values


def is_url(db: str | Path) -> bool:
    return str(db).startswith(("postgresql://", "postgres://"))


def open_store(db: str | Path):
    """The SQLite file at `db`, or the PostgreSQL database that a postgresql:// URL names."""
    if is_url(db):
        from store.postgres import PostgresStore

        return PostgresStore(str(db))
    return Store(db)


def read_rows(db: str | Path, sql: str, params: tuple = ()) -> list[dict]:
    """Rows of a read-only query (`?` placeholders) on a SQLite file, never creating or
    migrating it, or on the PostgreSQL database a URL names."""
    if is_url(db):
        store = open_store(db)
        try:
            return [dict(r) for r in store.query(sql, params)]
        finally:
            store.close()
    if not Path(db).is_file():
        raise FileNotFoundError(f"no guide store at {db}")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute(sql, params)]


class UnknownAnswer(LookupError):
    """A rating names an answer the store has never logged."""


class FeedbackConflict(ValueError):
    """A feedback id already rates another answer."""

    def __init__(self, feedback_id: str, answer_id: str):
        super().__init__(f"feedback id {feedback_id!r} already rates answer {answer_id!r}; "
                         "choose a new id for another answer")


def rating_plan(earlier_answer: str | None, feedback_id: str, answer_id: str) -> bool:
    """Whether a rating is new (False: a repeat of the same feedback, to acknowledge again);
    a feedback id that already rates another answer is an error."""
    if earlier_answer is None:
        return True
    if earlier_answer != answer_id:
        raise FeedbackConflict(feedback_id, earlier_answer)
    return False


class SchemaTooNew(RuntimeError):
    """The store was written by a newer guide: this one must not use or lower it."""

    def __init__(self, found: int):
        super().__init__(f"the store's schema is version {found}, newer than this guide's "
                         f"{len(MIGRATIONS)}: upgrade the guide, or give it another store")


def pending_migrations(version: int) -> list[tuple[int, str]]:
    """(number, script) of each migration a store at `version` still needs; versions only go up."""
    if version > len(MIGRATIONS):
        raise SchemaTooNew(version)
    return list(enumerate(MIGRATIONS[version:], start=version + 1))


@dataclass(frozen=True)
class Interaction:
    answer_id: str
    session_id: str
    tour: str
    exhibit: str | None
    question: str
    answer: str
    finish: str
    sources: list[dict]
    model: str
    model_manifest: str | None
    catalogue_hash: str
    prompt_tokens: int
    generated_tokens: int
    ttft_ms: float | None
    total_ms: float
    language: str | None = None  # the session's, as its hello said


def interaction_insert(row: Interaction, mark: str) -> tuple[str, dict]:
    """The INSERT for one answer and its values; `mark` formats a named placeholder."""
    values = dict(row.__dict__, sources=json.dumps(row.sources), created_at=time.time())
    marks = ", ".join(mark.format(k) for k in values)
    return f"INSERT INTO interactions ({', '.join(values)}) VALUES ({marks})", values


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def _migrate(self) -> None:
        with self._lock:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in pending_migrations(version):
                self._db.executescript("BEGIN;" + script + f"PRAGMA user_version={number};COMMIT;")

    @property
    def schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def log_interaction(self, row: Interaction) -> None:
        sql, values = interaction_insert(row, ":{}")
        with self._lock:
            self._db.execute(sql, values)

    def add_rating(self, feedback_id: str, answer_id: str, scores: dict[str, int],
                   comment: str | None, role: str, session_id: str | None = None) -> bool:
        """Commit a rating; True if it was new, False for a repeated feedback id. A session's
        later rating of the same answer replaces its earlier one."""
        with self._lock:
            earlier = self._db.execute("SELECT answer_id FROM ratings WHERE feedback_id=?",
                                       (feedback_id,)).fetchone()
            if not rating_plan(earlier[0] if earlier else None, feedback_id, answer_id):
                return False
            if not self._db.execute("SELECT 1 FROM interactions WHERE answer_id=?",
                                    (answer_id,)).fetchone():
                raise UnknownAnswer(answer_id)
            sql, values = rating_insert("?", feedback_id, answer_id, scores, comment, role, session_id)
            self._db.execute("BEGIN")
            with self._db:  # commits both, or rolls both back
                self._db.execute("DELETE FROM ratings WHERE session_id=? AND answer_id=?", (session_id, answer_id))
                self._db.execute(sql, values)
            return True

    def query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            cur = self._db.execute(sql, params)
            cur.row_factory = sqlite3.Row
            return cur.fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._db.close()
