"""Generation backends besides transformers: where llama.cpp finds its GGUF file (the engine
itself is runtime/llamacpp.py), and any OpenAI-compatible server (llama.cpp's server, vLLM, TGI)
over HTTP. Like TransformersEngine they yield text pieces and know nothing about sockets; the
scheduler runs them on its worker thread."""
from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator, Sequence

from runtime.engine import GenRequest, Piece
from weights.models import ResolvedModel, embedded_gguf_path

log = logging.getLogger(__name__)
PREFERENCE = ("q8_0", "f16", "q4_0", "q4_1")  # the fastest type that keeps answers intact first


class BackendUnavailable(RuntimeError):
    """A backend that cannot run with this model or installation; the message says why."""


def gguf_for(resolved: ResolvedModel) -> Path:
    """The GGUF file llama.cpp should load for a resolved model."""
    if resolved.source == "embedded":
        return embedded_gguf_path()
    exports = [e["file"] for e in (resolved.manifest or {}).get("exports", []) if e.get("format") == "gguf"]
    for kind in PREFERENCE:
        for f in exports:
            if f.endswith(f"-{kind}.gguf") and (resolved.path / f).is_file():
                return resolved.path / f
    raise BackendUnavailable(f"{resolved.ref} has no GGUF export; run `python -m training.export "
                             f"--model {resolved.ref}` or use --backend transformers")


class OpenAIEngine:
    """Streams chat completions from an OpenAI-compatible server; server errors, refusals and
    timeouts end the answer with an error instead of hanging."""

    name = "openai"

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 30.0,
                 max_batch: int = 8, languages: Sequence[str] = ("en",)):
        self.base_url, self.model, self.timeout, self.max_batch = base_url.rstrip("/"), model, timeout, max_batch
        self.api_key = api_key or os.environ.get("OPENAI_API_KEY")
        self.model_label = f"{model} via {self.base_url}"
        self.languages = tuple(languages)

    manifest_hash = None  # a remote model brings no manifest
    joins = False

    def warm(self, messages: list[dict[str, str]]) -> None:
        """The remote server keeps its own prompt caches."""

    def _open(self, req: GenRequest):
        body = json.dumps({"model": self.model, "messages": req.messages, "stream": True,
                           "max_tokens": req.max_new_tokens, "temperature": 0.0}).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(f"{self.base_url}/v1/chat/completions", body, headers)
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise BackendUnavailable(f"the model server at {self.base_url} did not answer: {exc}") from exc

    def generate(self, batch: list[GenRequest], more=None) -> Iterator[Piece]:
        for index, req in enumerate(batch):  # one stream at a time; the server batches across guides
            yield from self._one(index, req)

    def _one(self, index: int, req: GenRequest) -> Iterator[Piece]:
        produced, finish = 0, None
        with self._open(req) as response:
            for raw in response:
                line = raw.decode("utf-8", errors="ignore").strip()
                if req.cancel.is_set():
                    finish = "cancelled"
                    break
                if not line.startswith("data:") or line == "data: [DONE]":
                    continue
                choice = (json.loads(line[5:]).get("choices") or [{}])[0]
                text = (choice.get("delta") or {}).get("content") or ""
                produced += bool(text)
                reason = choice.get("finish_reason")
                if reason:
                    finish = "length" if reason == "length" else "stop"
                yield Piece(index, text, None, 0, produced)
                if finish:
                    break
        yield Piece(index, "", finish or "stop", 0, produced)
