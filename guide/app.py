"""Builds a ready GuideService from settings: catalogue, retrieval, store and model."""
from __future__ import annotations

import logging

import torch

from answering.fitted import MANIFEST, read_manifest, stale
from answering.pipeline import build_pipeline
from common.files import cache_dir
from guide.config import ServerSettings
from guide.service import GuideService
from knowledge.catalogue import default_catalogue
from knowledge.retrieval import Retriever
from knowledge.schema import LANGUAGES
from runtime.engine import GenRequest
from runtime.engines import make_engine
from runtime.scheduler import Scheduler
from store import open_store

log = logging.getLogger(__name__)


def build_service(settings: ServerSettings, engine=None) -> GuideService:
    catalogue = default_catalogue()
    retriever = Retriever(catalogue, settings.retrieval)
    for language in LANGUAGES[1:]:
        retriever.bridge(language)
    engine = engine or make_engine(settings)
    if engine.name == "llamacpp":  # torch then only encodes questions: the cores are llama.cpp's
        torch.set_num_threads(settings.retrieval.encoder_threads)
    pipeline = build_pipeline(retriever, settings.guard, settings.answers, engine.languages)
    learned_parts_problems(pipeline)
    rehearse(pipeline, engine, catalogue.exhibits[0].id)
    return GuideService(settings, catalogue, retriever, engine, open_store(settings.db), pipeline,
                        Scheduler(engine, settings.max_queue, settings.handoff_seconds))


def rehearse(pipeline, engine, exhibit_id: str) -> None:
    """Answer one question before the guide says it is ready, its words thrown away: every part
    a first visitor would wake (the encoders, the classifiers, a local model's weights, read from
    disk page by page as they are first touched, and its compute buffers) is awake already."""
    try:
        plan = pipeline.plan("What is this?", exhibit_id)
        if plan.model and engine.name in ("llamacpp", "transformers"):  # a remote model wakes on its own
            for _ in engine.generate([GenRequest(plan.messages, max_new_tokens=2)]):
                pass
    except Exception:  # a rehearsal that fails costs the first visitor time, never the start
        log.exception("rehearsing a first answer failed")


def learned_parts_problems(pipeline) -> list[str]:
    """Why the pipeline's learned parts are not the ones set-up fitted and named in its manifest,
    each logged as a warning (a part fitted at start costs the first visitors); empty when they are."""
    learned = [part.fitted for part in (pipeline.guard, pipeline.answerable) if part is not None and part.fitted]
    try:
        problems = stale(read_manifest(cache_dir() / MANIFEST), learned)
    except ValueError as exc:  # a manifest that cannot be read says nothing of the parts: they still serve
        problems = [str(exc)]
    fitted_now = ", ".join(part.name for part in learned if part.now) or "none"
    for problem in problems:
        log.warning("learned parts: %s (fitted at this start: %s); set-up's `python -m answering fit` fits them ahead",
                    problem, fitted_now)
    return problems
