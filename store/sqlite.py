"""The interaction and rating store in one SQLite file in WAL mode, schema versioned by
migrations (`store.schema`; `store.postgres` keeps the same tables on PostgreSQL for several guide
processes). An answer and its rejected sentences are committed together or not at all.

Ratings are written with synchronous=FULL and acknowledged only after the commit returns, so a
`kill -9` never loses an acknowledged rating. One connection serves all calls, behind a lock;
the server calls it through `asyncio.to_thread`.
"""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from store.schema import (Interaction, UnknownAnswer, interaction_insert, pending_migrations, rating_insert,
                          rating_plan, rejection_inserts)


def read_sqlite(path: str | Path, sql: str, params: tuple = ()) -> list[dict]:
    """Rows of a query on a SQLite store opened read-only: never created, migrated or written."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"no guide store at {path}")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute(sql, params)]


class SQLiteStore:
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
        """Commit an answer with its rejected sentences: both, or neither."""
        sql, values = interaction_insert(row, ":{}")
        rejected_sql, rejected = rejection_inserts(row, "?")
        with self._lock:
            self._db.execute("BEGIN")
            with self._db:  # commits both, or rolls both back
                self._db.execute(sql, values)
                self._db.executemany(rejected_sql, rejected)

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
