"""The interaction and rating store on PostgreSQL, for deployments where several guide processes
share one store: the same tables, migrations and guarantees as the SQLite store, chosen by
giving `--db` a postgresql:// URL.

A rating is acknowledged only after its transaction commits (PostgreSQL's default synchronous
commit makes that durable); a repeated feedback id, even from another process at the same
moment, is acknowledged without a second row (`ON CONFLICT DO NOTHING`).
"""
from __future__ import annotations

import threading
import time

from guide.protocol import CRITERIA
from guide.store import MIGRATIONS, Interaction, UnknownAnswer, interaction_insert


def postgres_ddl(script: str) -> str:
    """SQLite's REAL is 4 bytes in PostgreSQL: timestamps need 8."""
    return script.replace(" REAL", " DOUBLE PRECISION")


class PostgresStore:
    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError as exc:
            raise RuntimeError("a postgresql:// store needs psycopg (pip install -e '.[postgres]')") from exc
        self.url = url
        self._lock = threading.Lock()
        try:
            self._db = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise RuntimeError(f"cannot reach the PostgreSQL store: {exc}".strip()) from None
        self._foreign_key = psycopg.errors.ForeignKeyViolation
        self._migrate()

    def _migrate(self) -> None:
        with self._lock, self._db.transaction():
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            # guide processes that start together must not both run a migration
            self._db.execute("LOCK TABLE schema_version IN EXCLUSIVE MODE")
            row = self._db.execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            for script in MIGRATIONS[version:]:
                self._db.execute(postgres_ddl(script))
            self._db.execute("DELETE FROM schema_version")
            self._db.execute("INSERT INTO schema_version VALUES (%s)", (len(MIGRATIONS),))

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._db.execute("SELECT version FROM schema_version").fetchone()[0]

    def log_interaction(self, row: Interaction) -> None:
        sql, values = interaction_insert(row, "%({})s")
        with self._lock:
            self._db.execute(sql, values)

    def add_rating(self, feedback_id: str, answer_id: str, scores: dict[str, int],
                   comment: str | None, role: str) -> bool:
        """Commit a rating; True if it was new, False for a repeated feedback id."""
        sql = ("INSERT INTO ratings (feedback_id, answer_id, " + ", ".join(CRITERIA) +
               ", comment, role, created_at) VALUES (" + ", ".join(["%s"] * (len(CRITERIA) + 5)) +
               ") ON CONFLICT (feedback_id) DO NOTHING")
        values = (feedback_id, answer_id, *(scores[c] for c in CRITERIA), comment, role, time.time())
        with self._lock:
            try:
                with self._db.transaction():
                    return self._db.execute(sql, values).rowcount == 1
            except self._foreign_key:
                raise UnknownAnswer(answer_id) from None

    def query(self, sql: str, params: tuple = ()) -> list[dict]:
        """SQLite-style `?` placeholders, rows as dicts."""
        from psycopg.rows import dict_row

        with self._lock, self._db.cursor(row_factory=dict_row) as cur:
            return cur.execute(sql.replace("?", "%s"), params).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()
