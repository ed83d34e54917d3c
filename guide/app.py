"""Builds a ready GuideService from settings: catalogue, retrieval, store and model."""
from __future__ import annotations

from guide.config import ServerSettings
from guide.service import GuideService
from guide.store import Store
from knowledge.catalogue import default_catalogue
from knowledge.retrieval import Retriever


def make_engine(settings: ServerSettings):
    if settings.backend != "transformers":
        raise ValueError(f"field 'backend': unknown backend {settings.backend!r}; "
                         "available: 'transformers'")
    from guide.engine import TransformersEngine

    return TransformersEngine(settings.model, max_batch=settings.max_batch, threads=settings.threads)


def build_service(settings: ServerSettings, engine=None) -> GuideService:
    catalogue = default_catalogue()
    retriever = Retriever(catalogue, settings.retrieval)
    retriever.fact_hits("warm up the encoder")
    return GuideService(settings, catalogue, retriever, engine or make_engine(settings),
                        Store(settings.db))
