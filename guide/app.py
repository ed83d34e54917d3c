"""Builds a ready GuideService from settings: catalogue, retrieval, store and model."""
from __future__ import annotations

import logging

from answering.pipeline import build_pipeline
from guide.config import ServerSettings
from guide.service import GuideService
from knowledge.catalogue import default_catalogue
from knowledge.retrieval import Retriever
from knowledge.schema import LANGUAGES
from runtime.engines import make_engine
from runtime.scheduler import Scheduler
from store import open_store

log = logging.getLogger(__name__)


def build_service(settings: ServerSettings, engine=None) -> GuideService:
    catalogue = default_catalogue()
    retriever = Retriever(catalogue, settings.retrieval)
    retriever.fact_hits("warm up the encoder")
    for language in LANGUAGES[1:]:
        retriever.bridge(language)
    engine = engine or make_engine(settings)
    pipeline = build_pipeline(retriever, settings.guard, settings.answers, engine.languages)
    return GuideService(settings, catalogue, retriever, engine, open_store(settings.db), pipeline,
                        Scheduler(engine, settings.max_queue, settings.handoff_seconds))
