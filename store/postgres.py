"""The interaction and rating store on PostgreSQL, for deployments where several guide processes
share one store: the same tables, migrations and guarantees as the SQLite store, chosen by
giving `--db` a postgresql:// URL.

An answer and its rejected sentences are committed in one transaction, both or neither. A
rating is acknowledged only after its transaction commits (PostgreSQL's default synchronous
commit makes that durable); a repeated feedback id, even from another process at the same
moment, is acknowledged without a second row (`ON CONFLICT DO NOTHING`).
"""
from __future__ import annotations

import threading
import time

from store.schema import (Interaction, UnknownAnswer, interaction_insert, pending_migrations, rating_insert,
                          rating_plan, rejection_inserts)

MIGRATION_LOCK = 72_4801  # the advisory lock every guide process takes to migrate
RETRY_FIRST, RETRY_LONGEST = 0.5, 30.0  # seconds between attempts to reach a lost database


def read_postgres(url: str, sql: str, params: tuple = ()) -> list[dict]:
    """Rows of a query (SQLite-style `?` placeholders) in a read-only transaction: never
    migrated or written, whatever the query says."""
    psycopg = _psycopg()
    from psycopg.rows import dict_row

    with psycopg.connect(url, connect_timeout=10) as db:
        db.read_only = True
        with db.cursor(row_factory=dict_row) as cur:
            return cur.execute(sql.replace("?", "%s"), params).fetchall()


def _psycopg():
    try:
        import psycopg
    except ImportError as exc:
        raise RuntimeError("a postgresql:// store needs psycopg (pip install -e '.[postgres]')") from exc
    return psycopg


def postgres_ddl(script: str) -> str:
    """SQLite's REAL is 4 bytes in PostgreSQL: timestamps need 8."""
    return script.replace(" REAL", " DOUBLE PRECISION")


class PostgresStore:
    def __init__(self, url: str):
        psycopg = _psycopg()
        self.url, self._psycopg = url, psycopg
        self._lock = threading.Lock()
        self._retry_at, self._backoff = 0.0, RETRY_FIRST
        try:
            self._db = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise RuntimeError(f"cannot reach the PostgreSQL store: {exc}".strip()) from None
        self._foreign_key = psycopg.errors.ForeignKeyViolation
        self._migrate()

    def _run(self, work):
        """work(connection) under the lock, on a live connection: a lost one is opened again,
        at most once per backoff interval (doubling up to RETRY_LONGEST), so that an outage
        costs each caller an immediate error, not a wait."""
        with self._lock:
            if self._db.closed or self._db.broken:
                if time.monotonic() < self._retry_at:
                    raise self._psycopg.OperationalError("the PostgreSQL store is unreachable; "
                                                         f"next try in {self._retry_at - time.monotonic():.1f} s")
                try:
                    self._db = self._psycopg.connect(self.url, autocommit=True, connect_timeout=5)
                except self._psycopg.OperationalError:
                    self._retry_at = time.monotonic() + self._backoff
                    self._backoff = min(2 * self._backoff, RETRY_LONGEST)
                    raise
                self._backoff = RETRY_FIRST
            try:
                return work(self._db)
            except self._psycopg.OperationalError:
                self._retry_at = 0.0  # the first call after a loss tries again at once
                raise

    def _migrate(self) -> None:
        with self._lock, self._db.transaction():
            # guide processes that start together must not both migrate: the lock comes first,
            # before even the version table is created, and is released with the transaction
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = self._db.execute("SELECT max(version) FROM schema_version").fetchone()
            version = row[0] or 0
            pending = pending_migrations(version)  # refuses a newer schema before touching it
            for _, script in pending:
                self._db.execute(postgres_ddl(script))
            if pending:
                self._db.execute("DELETE FROM schema_version")
                self._db.execute("INSERT INTO schema_version VALUES (%s)", (pending[-1][0],))

    @property
    def schema_version(self) -> int:
        return self._run(lambda db: db.execute("SELECT version FROM schema_version").fetchone()[0])

    def log_interaction(self, row: Interaction) -> None:
        """Commit an answer with its rejected sentences: both, or neither."""
        sql, values = interaction_insert(row, "%({})s")
        rejected_sql, rejected = rejection_inserts(row, "%s")

        def insert(db) -> None:
            with db.transaction(), db.cursor() as cur:
                cur.execute(sql, values)
                if rejected:
                    cur.executemany(rejected_sql, rejected)
        self._run(insert)

    def add_rating(self, feedback_id: str, answer_id: str, scores: dict[str, int],
                   comment: str | None, role: str, session_id: str | None = None) -> bool:
        """Commit a rating; True if it was new, False for a repeated feedback id. A session's
        later rating of the same answer replaces its earlier one."""
        sql, values = rating_insert("%s", feedback_id, answer_id, scores, comment, role, session_id)
        sql += " ON CONFLICT (feedback_id) DO NOTHING"

        def insert(db) -> bool:
            with db.transaction():
                earlier = db.execute("SELECT answer_id FROM ratings WHERE feedback_id=%s", (feedback_id,)).fetchone()
                if not rating_plan(earlier[0] if earlier else None, feedback_id, answer_id):
                    return False
                db.execute("DELETE FROM ratings WHERE session_id=%s AND answer_id=%s", (session_id, answer_id))
                # a repeat racing in from another process is acknowledged without a second row
                return db.execute(sql, values).rowcount == 1
        try:
            return self._run(insert)
        except self._foreign_key:
            raise UnknownAnswer(answer_id) from None

    def query(self, sql: str, params: tuple = ()) -> list[dict]:
        """SQLite-style `?` placeholders, rows as dicts."""
        from psycopg.rows import dict_row

        def select(db) -> list[dict]:
            with db.cursor(row_factory=dict_row) as cur:
                return cur.execute(sql.replace("?", "%s"), params).fetchall()
        return self._run(select)

    def close(self) -> None:
        with self._lock:
            self._db.close()
