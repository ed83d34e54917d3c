"""Builds a ready GuideService from settings: catalogue, retrieval, store and model."""
from __future__ import annotations

import logging

from guide.config import ServerSettings
from guide.probe import llamacpp_crashes, llamacpp_unavailable
from guide.service import GuideService
from guide.store import open_store
from knowledge.catalogue import default_catalogue
from knowledge.retrieval import Retriever

log = logging.getLogger(__name__)


def make_engine(settings: ServerSettings):
    """The configured backend; 'auto' takes llama.cpp where it can run, else transformers."""
    from guide.backends import BackendUnavailable, OpenAIEngine
    from guide.engine import TransformersEngine

    if settings.backend == "openai":
        if not settings.openai_url:
            raise ValueError("field 'openai_url': required when backend is 'openai'")
        return OpenAIEngine(settings.openai_url, settings.openai_model, max_batch=settings.max_batch or 8)
    if settings.backend in ("auto", "llamacpp"):
        problem = llamacpp_unavailable(settings.model)
        if problem is None and (problem := llamacpp_crashes(settings.model, settings.threads)) is None:
            from guide.llamacpp import LlamaCppEngine

            return LlamaCppEngine(settings.model, threads=settings.threads, max_batch=settings.max_batch or 16)
        if settings.backend == "llamacpp":
            raise BackendUnavailable(problem)
        log.info("transformers backend: %s", problem)
    return TransformersEngine(settings.model, max_batch=settings.max_batch or 8, threads=settings.threads)


def build_service(settings: ServerSettings, engine=None) -> GuideService:
    catalogue = default_catalogue()
    retriever = Retriever(catalogue, settings.retrieval)
    retriever.fact_hits("warm up the encoder")
    return GuideService(settings, catalogue, retriever, engine or make_engine(settings),
                        open_store(settings.db))
