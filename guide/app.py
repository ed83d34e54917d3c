"""Builds a ready GuideService from settings: catalogue, retrieval, store and model."""
from __future__ import annotations

import logging

from answering.engines import make_engine
from guide.config import ServerSettings
from guide.service import GuideService
from knowledge.catalogue import default_catalogue
from knowledge.retrieval import Retriever
from store import open_store

log = logging.getLogger(__name__)


def build_service(settings: ServerSettings, engine=None) -> GuideService:
    catalogue = default_catalogue()
    retriever = Retriever(catalogue, settings.retrieval)
    retriever.fact_hits("warm up the encoder")
    return GuideService(settings, catalogue, retriever, engine or make_engine(settings),
                        open_store(settings.db))
