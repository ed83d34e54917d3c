"""What every store keeps, whichever database holds it: the tables and their migrations, the
rows of an answer (with the prompt its model was given and the sentences its checks rejected)
and of a rating, the rules for a repeated rating, and the interface the guide writes through
(`Store`). The backends are `store.sqlite` and `store.postgres`."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Protocol

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
    # what preference training learns from: the exact prompt the model was given (a JSON list of
    # chat messages; NULL where no model ran) and each sentence the answer checks did not speak.
    # The primary key, answer first, is the index that joins them to their answers.
    """
    ALTER TABLE interactions ADD COLUMN prompt TEXT;
    CREATE TABLE rejections (
        answer_id TEXT NOT NULL REFERENCES interactions(answer_id),
        position INTEGER NOT NULL,
        before TEXT NOT NULL,
        sentence TEXT NOT NULL,
        reason TEXT NOT NULL,
        fact TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (answer_id, position)
    );
    """,
]
REJECTION_COLUMNS = ("answer_id", "position", "before", "sentence", "reason", "fact", "created_at")
RATING_COLUMNS = ("feedback_id", "answer_id", *CRITERIA, "comment", "role", "session_id", "created_at")


def rating_insert(mark: str, feedback_id: str, answer_id: str, scores: dict[str, int], comment: str | None,
                  role: str, session_id: str | None) -> tuple[str, tuple]:
    """The INSERT for one rating and its values; `mark` is the driver's placeholder."""
    values = (feedback_id, answer_id, *(scores[c] for c in CRITERIA), comment, role, session_id, time.time())
    return (f"INSERT INTO ratings ({', '.join(RATING_COLUMNS)}) "
            f"VALUES ({', '.join([mark] * len(RATING_COLUMNS))})"), values


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
    prompt: list[dict] | None = None  # the chat messages the model was given; None: no model ran
    rejections: tuple = ()  # dicts of before, sentence, reason, fact: what the checks did not speak


def interaction_insert(row: Interaction, mark: str) -> tuple[str, dict]:
    """The INSERT for one answer and its values; `mark` formats a named placeholder. Its
    rejections are rows of their own (`rejection_inserts`)."""
    values = {k: v for k, v in row.__dict__.items() if k != "rejections"}
    values.update(sources=json.dumps(row.sources), created_at=time.time(),
                  prompt=None if row.prompt is None else json.dumps(row.prompt, ensure_ascii=False))
    marks = ", ".join(mark.format(k) for k in values)
    return f"INSERT INTO interactions ({', '.join(values)}) VALUES ({marks})", values


def rejection_inserts(row: Interaction, mark: str) -> tuple[str, list[tuple]]:
    """The INSERT for an answer's rejected sentences and one tuple of values per sentence, in
    the order they were rejected; `mark` is the driver's placeholder."""
    now = time.time()
    values = [(row.answer_id, position, r["before"], r["sentence"], r["reason"], r["fact"], now)
              for position, r in enumerate(row.rejections)]
    return (f"INSERT INTO rejections ({', '.join(REJECTION_COLUMNS)}) "
            f"VALUES ({', '.join([mark] * len(REJECTION_COLUMNS))})"), values


class Store(Protocol):
    """What the guide asks of a store: each call commits before it returns."""

    @property
    def schema_version(self) -> int: ...

    def log_interaction(self, row: Interaction) -> None:
        """The answer's row and its rejected sentences' rows, in one transaction."""

    def add_rating(self, feedback_id: str, answer_id: str, scores: dict[str, int],
                   comment: str | None, role: str, session_id: str | None = None) -> bool:
        """True if the rating was new, False for a repeated feedback id."""

    def close(self) -> None: ...
