"""The interaction and rating store, below the guide (which writes it) and the training and review
commands (which only read it): one SQLite file (`store.sqlite`) or a PostgreSQL database
(`store.postgres`), both keeping `store.schema`'s tables behind its `Store` interface."""
from __future__ import annotations

from pathlib import Path

from store.postgres import PostgresStore, read_postgres
from store.schema import Store
from store.sqlite import SQLiteStore, read_sqlite


def is_url(db: str | Path) -> bool:
    return str(db).startswith(("postgresql://", "postgres://"))


def open_store(db: str | Path) -> Store:
    """The SQLite file at `db`, or the PostgreSQL database that a postgresql:// URL names,
    created or migrated as needed: the guide's store."""
    return PostgresStore(str(db)) if is_url(db) else SQLiteStore(db)


def read_rows(db: str | Path, sql: str, params: tuple = ()) -> list[dict]:
    """Rows of a query (`?` placeholders) on a store opened read-only, never creating,
    migrating or writing it: for the review and evaluation commands."""
    return read_postgres(str(db), sql, params) if is_url(db) else read_sqlite(db, sql, params)
