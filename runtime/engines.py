"""Which engine answers: llama.cpp where it is installed and survives a trial in a child process,
else transformers; or an OpenAI-compatible server. The guide server and the evaluation both
choose here, so that what is measured is what is served."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from runtime.probe import llamacpp_crashes, llamacpp_unavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineChoice:
    """What an engine is chosen by; the guide server's settings carry the same fields, with their
    reasons, and are passed as they are."""
    model: str = "default"
    backend: str = "auto"
    threads: int | None = None
    max_batch: int | None = None
    openai_url: str | None = None
    openai_model: str = "guide"


def make_engine(settings: EngineChoice):
    """The configured backend; 'auto' takes llama.cpp where it can run, else transformers."""
    from runtime.backends import BackendUnavailable, OpenAIEngine
    from runtime.engine import TransformersEngine

    if settings.backend == "openai":
        if not settings.openai_url:
            raise ValueError("field 'openai_url': required when backend is 'openai'")
        return OpenAIEngine(settings.openai_url, settings.openai_model, max_batch=settings.max_batch or 8)
    if settings.backend in ("auto", "llamacpp"):
        problem = llamacpp_unavailable(settings.model)
        if problem is None and (problem := llamacpp_crashes(settings.model, settings.threads)) is None:
            from runtime.llamacpp import LlamaCppEngine

            return LlamaCppEngine(settings.model, threads=settings.threads, max_batch=settings.max_batch or 16)
        if settings.backend == "llamacpp":
            raise BackendUnavailable(problem)
        log.info("transformers backend: %s", problem)
    return TransformersEngine(settings.model, max_batch=settings.max_batch or 8, threads=settings.threads)
